"""The shared CSV layer: formula neutralisation, RFC 4180 output, strict and clear reading."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.io.csv_files import (
    DANGEROUS_PREFIXES,
    format_row,
    neutralise,
    read_csv,
    restore,
    write_csv,
)

BOM = b"\xef\xbb\xbf"
# NUL is left out: a CSV holding one is refused on import (see test_hostile_input.py).
cell_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20) | st.sampled_from(
    ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "'=x", "''-y", "'plain", "a,b", 'say "hi"', "a\nb", "a\r\nb", ""]
)


# -- formula injection -----------------------------------------------------------
@pytest.mark.parametrize("prefix", DANGEROUS_PREFIXES)
def test_each_dangerous_prefix_is_neutralised_and_restored(prefix: str) -> None:
    value = prefix + "HYPERLINK(\"http://x\")"
    written = neutralise(value)
    assert written == "'" + value
    assert restore(written) == value


@pytest.mark.parametrize("value", ["hello", "", "1-2", "#FF0000", "'quoted", "it's", "2024-01-01", " =x"])
def test_harmless_cells_are_written_as_they_are(value: str) -> None:
    assert neutralise(value) == value
    assert restore(value) == value


def test_a_cell_that_already_starts_with_quote_and_formula_survives_the_round_trip() -> None:
    # Otherwise "'=x" would be written as is and come back as "=x".
    assert neutralise("'=x") == "''=x"
    assert restore("''=x") == "'=x"
    assert restore("'=x") == "=x"


@settings(max_examples=200)
@given(cell_text)
def test_neutralise_never_leaves_a_formula_and_restore_inverts_it(value: str) -> None:
    written = neutralise(value)
    assert not written.startswith(DANGEROUS_PREFIXES)
    assert restore(written) == value


def test_numbers_are_written_as_plain_numbers_and_text_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    write_csv(path, ["start", "text"], [[12, "=1+2"], [-3, "-3"]])
    assert path.read_bytes() == BOM + b"start,text\r\n12,'=1+2\r\n-3,'-3\r\n"


# -- writing ---------------------------------------------------------------------
@settings(max_examples=100)
@given(st.lists(cell_text, min_size=1, max_size=5))
def test_records_are_exactly_what_the_csv_module_writes(row: list[str]) -> None:
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow([neutralise(c) for c in row])
    assert format_row(row) + "\r\n" == buf.getvalue()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(cell_text, min_size=3, max_size=3), max_size=6))
def test_what_is_written_reads_back_unchanged(tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]) -> None:
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    assert write_csv(path, ["a", "b", "c"], rows) == len(rows)
    table = read_csv(path, required=("a",))
    blank = [r for r in rows if not any(c.strip() for c in r)]  # a row of blanks reads as a blank line
    assert [[r.get("a"), r.get("b"), r.get("c")] for r in table.rows] == [r for r in rows if r not in blank]


def test_file_is_utf8_with_bom_crlf_and_keeps_newlines_inside_cells(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["id", "text"], [["1", "line one\nline two, with comma"], ["2", "Ünïcödé 🤖"]])
    data = path.read_bytes()
    assert data.startswith(BOM)
    assert data.count(b"\r\n") == 3  # the newline inside the quoted cell stays a bare \n
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == ["line one\nline two, with comma", "Ünïcödé 🤖"]


def test_a_failed_export_leaves_the_previous_file_and_no_debris(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["a"], [["old"]])
    before = path.read_bytes()

    def rows() -> Iterator[list[str]]:
        yield ["new"]
        raise InvalidInput("stopped half way")

    with pytest.raises(InvalidInput):
        write_csv(path, ["a"], rows())
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_writing_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="Cannot write"):
        write_csv(tmp_path / "nope" / "x.csv", ["a"], [])


# -- reading ---------------------------------------------------------------------
def _file(tmp_path: Path, data: bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_reads_with_or_without_bom_and_tolerates_header_case_and_spaces(tmp_path: Path) -> None:
    for prefix in (b"", BOM):
        table = read_csv(_file(tmp_path, prefix + b" ID , Name\r\n1,'=x\r\n"), required=("id", "name"))
        assert table.columns == ["id", "name"]
        assert [(r.number, r.get("id"), r.get("name")) for r in table.rows] == [(2, "1", "=x")]


def test_blank_lines_are_skipped_but_rows_keep_their_spreadsheet_numbers(tmp_path: Path) -> None:
    table = read_csv(_file(tmp_path, b"a,b\n1,2\n,\n\n3,4\n"), required=("a",))
    assert [(r.number, r.get("a")) for r in table.rows] == [(2, "1"), (5, "3")]


@pytest.mark.parametrize("data", [b"", BOM, b"  \r\n\r\n", b",,\r\n,,\r\n"])
def test_an_empty_file_is_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InvalidInput, match=r"^in\.csv is empty\.$"):
        read_csv(_file(tmp_path, data), required=("a",))


def test_a_file_without_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"in\.csv, row 1: no header row found"):
        read_csv(_file(tmp_path, b"1,2,3\r\n"), required=("id",), one_of=("name", "path"))


def test_missing_required_and_one_of_columns_are_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"row 1: the header lacks the column\(s\) end"):
        read_csv(_file(tmp_path, b"start,memo\r\n"), required=("start", "end"))
    with pytest.raises(InvalidInput, match=r"row 1: the header needs at least one of the columns name or path"):
        read_csv(_file(tmp_path, b"id,color\r\n"), known=("id", "color"), one_of=("name", "path"))


def test_a_repeated_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="the column 'name' appears twice"):
        read_csv(_file(tmp_path, b"name,Name\r\n"), one_of=("name",))


def test_an_unterminated_quote_is_malformed_csv_with_its_row(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"in\.csv, row 3 \(line 3\): not valid CSV"):
        read_csv(_file(tmp_path, b'a,b\r\n1,2\r\n3,"unfinished\r\n'), required=("a",))
    with pytest.raises(InvalidInput, match=r"row 2 .*not valid CSV"):
        read_csv(_file(tmp_path, b'a,b\r\n"x"y,2\r\n'), required=("a",))


def test_a_row_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"row 3: has 3 cells but the header has only 2 columns"):
        read_csv(_file(tmp_path, b"a,b\r\n1,2\r\n1,2,3\r\n"), required=("a",))


def test_a_row_may_leave_out_trailing_empty_cells(tmp_path: Path) -> None:
    table = read_csv(_file(tmp_path, b"a,b,c\r\n1\r\n"), required=("a",))
    assert table.rows[0].cells == {"a": "1", "b": "", "c": ""}


def test_a_file_that_is_not_utf8_says_so_with_its_line(tmp_path: Path) -> None:
    data = "name\r\nok\r\nCaf\u00e9\r\n".encode("latin-1")
    with pytest.raises(InvalidInput, match=r"in\.csv is not UTF-8 text \(byte 0xE9 on line 3\)"):
        read_csv(_file(tmp_path, data), one_of=("name",))


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError, match=r"^absent\.csv does not exist \(looked for .*absent\.csv\)\.$"):
        read_csv(tmp_path / "absent.csv", one_of=("name",))
