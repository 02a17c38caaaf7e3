"""How ``read_csv`` parses: its text cut into lines (as ``io.StringIO`` would cut it) a piece at
a time, rows built in one pass, ``restore`` only where a cell starts with a quote, and the
problem reported when a file has several."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import InvalidInput
from annotator.io.tables import csv_files
from annotator.io.tables.csv_files import read_csv, restore

BOM = codecs.BOM_UTF8
#: Line breaks, and the other boundaries ``str.splitlines`` knows (which are not breaks in a CSV).
BREAKS = ["\r\n", "\r", "\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def _file(tmp_path: Path, data: bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut the text a few characters at a time, so records and cells straddle the pieces."""
    monkeypatch.setattr(csv_files, "_LINES_CHUNK", 3)


# -- lines -----------------------------------------------------------------------
@settings(max_examples=300)
@given(
    st.lists(st.sampled_from([*BREAKS, "a", "é", "名", '"', ","]), max_size=30).map("".join),
    st.integers(0, 5),
    st.sampled_from([1, 2, 3, 8, 1 << 20]),
)
def test_lines_are_those_stringio_gives(text: str, start: int, chunk: int) -> None:
    """Cut at CR, LF and CRLF only, each line with its break, wherever the pieces end."""
    start = min(start, len(text))
    original = csv_files._LINES_CHUNK
    csv_files._LINES_CHUNK = chunk
    try:
        assert list(csv_files._lines(text, start)) == list(io.StringIO(text[start:], newline=""))
    finally:
        csv_files._LINES_CHUNK = original


@pytest.mark.usefixtures("small_pieces")
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_quoted_cells_keep_their_line_breaks_across_pieces(tmp_path: Path, newline: str) -> None:
    memo = f"first{newline}second{newline}{newline}third"
    data = f'name,memo\r\nA,"{memo}"\r\nB,"x{newline}y"\r\nC,z\r\n'
    table = read_csv(_file(tmp_path, BOM + data.encode()), one_of=("name",))
    assert [(r.number, r.get("name"), r.get("memo")) for r in table.rows] == [
        (2, "A", memo), (3, "B", f"x{newline}y"), (4, "C", "z"),
    ]  # fmt: skip


@pytest.mark.parametrize("boundary", BREAKS[3:])
def test_other_unicode_line_boundaries_are_cell_content(tmp_path: Path, boundary: str) -> None:
    """Form feed, U+2028 and the like split lines for ``str.splitlines``, not records in a CSV."""
    data = f'name,memo\r\nA{boundary}B,x{boundary}\r\nC,"{boundary}y"\r\n'
    table = read_csv(_file(tmp_path, data.encode("utf-16")), one_of=("name",))
    assert [(r.number, r.get("name"), r.get("memo")) for r in table.rows] == [
        (2, f"A{boundary}B", f"x{boundary}"), (3, "C", f"{boundary}y"),
    ]  # fmt: skip


@pytest.mark.usefixtures("small_pieces")
def test_a_malformed_record_after_multi_line_cells_names_its_row_and_line(tmp_path: Path) -> None:
    data = b'name,memo\r\nA,"1\n2\r\n3"\r\nB,"4\r5"\r\nC,"unfinished\r\n\r\n'
    with pytest.raises(InvalidInput, match=r"^in\.csv, row 4 \(line 8\): not valid CSV"):
        read_csv(_file(tmp_path, data), one_of=("name",))


# -- header ----------------------------------------------------------------------
def test_the_delimiter_comes_from_the_first_line_with_more_than_separators(tmp_path: Path) -> None:
    table = read_csv(_file(tmp_path, b" \t\r\n;;\r\n\rname;memo\rA;1,2\r"), one_of=("name",))
    assert table.columns == ["name", "memo"]
    assert [(r.number, r.get("memo")) for r in table.rows] == [(5, "1,2")]


def test_only_the_start_of_a_runaway_first_line_decides_the_delimiter(tmp_path: Path) -> None:
    data = b"\r\n" + b";" * 9_000 + b"name;memo\r\n" + b";" * 9_000 + b"A;1\r\n"
    table = read_csv(_file(tmp_path, data), one_of=("name",))
    assert table.columns[-2:] == ["name", "memo"]
    assert [(r.number, r.get("name"), r.get("memo")) for r in table.rows] == [(3, "A", "1")]
    with pytest.raises(InvalidInput, match=r"^in\.csv, row 2: no header row found"):
        read_csv(_file(tmp_path, data.replace(b";" * 9_000, b";" * 11_000, 1)), one_of=("name",))


def test_sep_line_then_records_from_the_next_line(tmp_path: Path) -> None:
    table = read_csv(_file(tmp_path, b"SEP=;\rname;memo\r\nA;1,2\n"), one_of=("name",))
    assert [(r.number, r.get("name"), r.get("memo")) for r in table.rows] == [(2, "A", "1,2")]


def test_a_utf8_file_broken_after_its_mark_says_so(tmp_path: Path) -> None:
    path = _file(tmp_path, BOM + b"name\r\nok\r\n\xff\r\n", "broken.csv")
    with pytest.raises(InvalidInput, match=r"^broken\.csv starts with a UTF-8 byte-order mark but is not "
                                           r"valid UTF-8 \(bad bytes at position 13\)"):  # fmt: skip
        read_csv(path, one_of=("name",))


# -- rows ------------------------------------------------------------------------
def test_only_cells_starting_with_a_quote_are_restored(tmp_path: Path) -> None:
    cells = ["'=1", "'plain", "it's", "''-2", "=raw", "a\n'=b", " '=c", "'"]
    data = "name,memo\r\n" + "".join(f'x,"{c}"\r\n"{c}",\r\n' for c in cells)
    table = read_csv(_file(tmp_path, BOM + data.encode()), one_of=("name",))
    expected = [restore(c) for c in cells]
    assert expected[:5] == ["=1", "'plain", "it's", "'-2", "=raw"]
    assert [r.get("memo") for r in table.rows[::2]] == expected  # a later cell of its row
    assert [r.get("name") for r in table.rows[1::2]] == expected  # the first cell
    assert [r.get("name") for r in table.rows[::2]] == ["x"] * len(cells)


def test_rows_of_white_space_are_blank_whatever_the_white_space(tmp_path: Path) -> None:
    data = 'name,memo\r\n\u3000,\t\r\n"\n",\xa0\r\n,,,,\r\n\x1c\r\nA,1\r\n'
    table = read_csv(_file(tmp_path, data.encode()), one_of=("name",))
    assert [(r.number, r.get("name")) for r in table.rows] == [(6, "A")]


def test_a_malformed_record_is_reported_before_a_bad_row_or_header(tmp_path: Path) -> None:
    """Parsing goes on past a row with too many cells, or a bad header, as the file is
    reported malformed first wherever that is."""
    broken = b'"x"y\r\n'
    with pytest.raises(InvalidInput, match=r"^in\.csv, row 4 \(line 4\): not valid CSV"):
        read_csv(_file(tmp_path, b"name\r\n1,2\r\n3\r\n" + broken), one_of=("name",))
    with pytest.raises(InvalidInput, match=r"^in\.csv, row 3 \(line 3\): not valid CSV"):
        read_csv(_file(tmp_path, b"nothing\r\n1\r\n" + broken), one_of=("name",))
    with pytest.raises(
        InvalidInput, match=r"^in\.csv, row 2: has 2 cells but the header has only 1 columns"
    ):
        read_csv(_file(tmp_path, b"name\r\n1,2\r\n3,4,5\r\n"), one_of=("name",))
    with pytest.raises(InvalidInput, match=r"^in\.csv, row 2: no header row found"):
        read_csv(_file(tmp_path, b"\r\nnothing\r\n1,2,3\r\n"), one_of=("name",))
