"""The shared CSV layer: formula neutralisation, RFC 4180 output, strict and clear reading."""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from csv_helpers import DANGEROUS_FORMS, looks_like_formula
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.io.tables.csv_files import (
    DANGEROUS_PREFIXES,
    FORMULA_CHARS,
    format_cell,
    format_row,
    neutralise,
    read_csv,
    restore,
    write_csv,
)

BOM = b"\xef\xbb\xbf"
#: Every character Python (and so the guard's ``\s``) counts as white space.
BLANKS = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
# NUL is left out: a CSV holding one is refused on import (see test_hostile_input.py).
any_char = st.characters(codec="utf-8", exclude_characters="\x00")
#: Cells built to sit on the guard's edges: quotes, then blanks, then a formula character or
#: something close to one, then anything.
edge_text = st.builds(
    lambda quotes, blanks, first, rest: quotes + blanks + first + rest,
    st.text(alphabet="'", max_size=3),
    st.text(alphabet=st.sampled_from(BLANKS), max_size=3),
    st.sampled_from(
        [*DANGEROUS_PREFIXES, "'", "%", "\uff05", "\u2212", "\u2260", "#", "x", "1", ""]
    ),
    st.text(alphabet=any_char, max_size=6),
)
cell_text = st.text(alphabet=any_char, max_size=20) | edge_text | st.sampled_from(
    ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "'=x", "''-y", "'plain", "a,b", 'say "hi"', "a\nb", "a\r\nb", "",
     " =1+1", "\n=cmd", "\uff1d1+1", "|calc", "' =x", "a;b", "a\tb"]
)  # fmt: skip


# -- formula injection -----------------------------------------------------------
@pytest.mark.parametrize("prefix", DANGEROUS_PREFIXES)
def test_each_dangerous_prefix_is_neutralised_and_restored(prefix: str) -> None:
    value = prefix + 'HYPERLINK("http://x")'
    written = neutralise(value)
    assert written == "'" + value
    assert restore(written) == value


@pytest.mark.parametrize("value", DANGEROUS_FORMS.values(), ids=DANGEROUS_FORMS.keys())
def test_each_dangerous_form_gets_one_quote_and_comes_back_exactly(value: str) -> None:
    written = neutralise(value)
    assert written == "'" + value
    assert not looks_like_formula(written)
    assert not written.lstrip().startswith(DANGEROUS_PREFIXES)
    assert restore(written) == value
    assert list(csv.reader(io.StringIO(format_cell(value), newline=""))) == [[written]]


@pytest.mark.parametrize(
    "value",
    [
        "hello",
        "",
        "1-2",
        "#FF0000",
        "'quoted",
        "it's",
        "2024-01-01",
        " x",
        "\xa0x",
        " 'x",
        " '=x",
        "%50",
        "50%",
        "\uff05x",
        "\u2212" + "2",
        "\u2260x",
        "a=b",
        "'",
    ],
)
def test_harmless_cells_are_written_as_they_are(value: str) -> None:
    assert neutralise(value) == value
    assert restore(value) == value


def test_a_cell_that_already_starts_with_quote_and_formula_survives_the_round_trip() -> None:
    # Otherwise "'=x" would be written as is and come back as "=x".
    assert neutralise("'=x") == "''=x"
    assert restore("''=x") == "'=x"
    assert restore("'=x") == "=x"
    assert neutralise("' =x") == "'' =x" and restore("'' =x") == "' =x"


def test_formula_chars_are_the_ascii_ones_and_all_their_compatibility_forms() -> None:
    """The guarded characters are exactly = + - @ | and every character whose NFKC form starts
    with one of them (full-width, small, super- and subscript forms); % is not guarded."""
    expected = {
        c for c in map(chr, range(sys.maxunicode + 1))
        if unicodedata.normalize("NFKC", c)[:1] in ("=", "+", "-", "@", "|")
    }  # fmt: skip
    assert set(FORMULA_CHARS) == expected
    assert len(FORMULA_CHARS) == len(expected)
    assert {"\uff1d", "\uff0b", "\uff0d", "\uff20", "\uff5c"} <= expected
    assert "%" not in FORMULA_CHARS and neutralise("%x") == "%x"


@pytest.mark.parametrize("blank", BLANKS, ids=[f"U+{ord(b):04X}" for b in BLANKS])
def test_any_white_space_before_a_formula_character_is_guarded(blank: str) -> None:
    """The fast first-character check must let every blank through to the full rule."""
    for formula in ("=", "\uff1d", "|", "-"):
        assert neutralise(blank + formula + "1") == "'" + blank + formula + "1"
        assert neutralise(blank * 3 + formula + "1") == "'" + blank * 3 + formula + "1"
    assert neutralise(blank + "x") == ("'" + blank + "x" if blank in "\t\r\n" else blank + "x")


@settings(max_examples=500)
@given(cell_text)
def test_neutralise_never_leaves_a_formula_and_restore_inverts_it(value: str) -> None:
    written = neutralise(value)
    assert not looks_like_formula(written)
    assert not written.startswith(DANGEROUS_PREFIXES)
    assert restore(written) == value
    # Only dangerous cells (quotes aside) are touched, and then by one quote.
    assert written == ("'" + value if looks_like_formula(value.lstrip("'")) else value)
    assert neutralise(restore(written)) == written


def test_numbers_are_written_as_plain_numbers_and_text_neutralised(tmp_path: Path) -> None:
    assert [format_cell(n) for n in (0, 12, -3, -(10**20))] == [
        "0",
        "12",
        "-3",
        "-" + "1" + "0" * 20,
    ]
    path = tmp_path / "n.csv"
    write_csv(path, ["start", "text"], [[12, "=1+2"], [-3, "-3"], [7, " =1"]])
    assert path.read_bytes() == BOM + b"start,text\r\n12,'=1+2\r\n-3,'-3\r\n7,' =1\r\n"


@pytest.mark.parametrize(("value", "cell"), [
    ('=1+2";=1+2', '"\'=1+2"";=1+2"'),
    ("=1+2'\" ;,=1+2", '"\'=1+2\'"" ;,=1+2"'),
])  # fmt: skip
def test_owasp_examples_are_escaped_as_owasp_shows(value: str, cell: str) -> None:
    assert format_cell(value) == cell


# -- writing ---------------------------------------------------------------------
@settings(max_examples=100)
@given(st.lists(cell_text, min_size=1, max_size=5))
def test_records_are_what_the_csv_module_writes_with_semicolons_and_tabs_quoted_too(
    row: list[str],
) -> None:
    line = format_row(row) + "\r\n"
    cells = [neutralise(c) for c in row]
    assert list(csv.reader(io.StringIO(line, newline=""), strict=True)) == [cells]
    for value in row:  # a reader splitting on ; or tab as well as , sees the cell whole
        assert format_cell(value).startswith('"') == any(ch in value for ch in ',;"\t\r\n')
    if not any(";" in c or "\t" in c for c in cells):
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(cells)
        assert line == buf.getvalue()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(cell_text, min_size=3, max_size=3), max_size=6))
def test_what_is_written_reads_back_unchanged(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    path = tmp_path_factory.mktemp("rt") / "t.csv"
    assert write_csv(path, ["a", "b", "c"], rows) == len(rows)
    table = read_csv(path, required=("a",))
    # A row of blanks reads as a blank line, unless the formula guard marked one of its cells
    # (a cell starting with a tab or a line break gets a leading quote): then it is a row.
    blank = [
        r for r in rows if not any(c.strip() for c in r) and all(neutralise(c) == c for c in r)
    ]
    assert [[r.get("a"), r.get("b"), r.get("c")] for r in table.rows] == [
        r for r in rows if r not in blank
    ]


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
        table = read_csv(
            _file(tmp_path, prefix + b" ID , Name\r\n1,'=x\r\n"), required=("id", "name")
        )
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
    with pytest.raises(
        InvalidInput, match=r"row 1: the header needs at least one of the columns name or path"
    ):
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
    with pytest.raises(
        AnnotatorError, match=r"^absent\.csv does not exist \(looked for .*absent\.csv\)\.$"
    ):
        read_csv(tmp_path / "absent.csv", one_of=("name",))
