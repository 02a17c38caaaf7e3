"""Safe CSV reading and writing shared by the codebook and coded-segment formats.

Files are written the way spreadsheet users and pandas both read them without
settings: UTF-8 *with* a byte-order mark (``utf-8-sig``; Excel only detects
UTF-8 when the BOM is there, and ``pandas.read_csv(path, encoding="utf-8-sig")``
or Python's ``csv`` module with that encoding drop it), RFC 4180 quoting
(quotes only where needed, as ``csv.QUOTE_MINIMAL``; ``\\r\\n`` between records;
newlines inside cells kept inside quotes). Reading accepts files with or
without the BOM, and also what spreadsheets write in other locales: UTF-16 or
UTF-32 with a byte-order mark (Excel's "Unicode text"), and semicolon- or
tab-separated records (European Excel; Excel's ``sep=;`` first line is
honoured). The delimiter is the one under which the header names the most
known columns, so it is decided by the header, not guessed from the data.
Cells may be as long as the longest text a project holds (a coding can quote a
whole document), far beyond the csv module's default limit of 131,072
characters. Files with NUL characters, and files that are not regular files
or are absurdly large, are refused before parsing.

Formula injection (OWASP, "CSV Injection"). A spreadsheet may run a cell as a
formula, or as a command through DDE, depending on how it starts. OWASP names
``=``, ``+``, ``-``, ``@``, tab, carriage return and line feed as first
characters to guard; here a text cell is *dangerous* when, after its leading
``'`` characters (if any), the rest

* starts with tab, CR or LF, or
* has as its first character that is not white space (``str.isspace``: spaces,
  LF, no-break and ideographic spaces, ...) a *formula character*: ``=``,
  ``+``, ``-``, ``@`` or ``|``, or a compatibility form of one, that is a
  character whose NFKC form starts with one of them (full-width ``＝ ＋ － ＠
  ｜``, small ``﹦ ﹢ ﹣ ﹫``, super- and subscript ``⁼ ⁺ ₌ ₊``, ``⩵ ⩶`` and
  the Hebrew alternative plus ``﬩``; ``FORMULA_CHARS`` lists them).

Beyond OWASP's list: leading white space, because a spreadsheet or its import
options (LibreOffice's "trim spaces") may drop it before looking for a formula
(``" =1+1"``, ``"\\n=HYPERLINK(...)"``); compatibility forms, which
spreadsheets in East Asian locales may read as the ASCII operators; and ``|``
as a precaution: it is DDE syntax (``=cmd|' /C calc'!A0``), text rarely starts
with it, and guarding it costs nothing. ``%`` is *not* guarded: OWASP does not
list it and neither Excel, LibreOffice Calc nor Google Sheets starts a formula
or command with it, so guarding it would only put a visible ``'`` before
ordinary text such as "% agreeing".

Export *neutralises* a dangerous cell by prefixing one ``'`` (what spreadsheets
take as "this is text"); import *restores* it by removing one ``'`` from every
dangerous cell that starts with ``'``. Adding or removing a leading quote leaves
the rest after the quotes unchanged, so a cell stays dangerous or not, and
``restore(neutralise(x)) == x`` for every string ``x``; a cell that itself
begins with quotes before a formula (``'=x``) is written ``''=x`` and read back
as ``'=x``. Cells that are not dangerous are written as they are, so no written
cell starts, white space aside, with a formula character, tab, CR or LF.
Numbers are written as plain numbers (``-3``, never ``'-3``).

OWASP also warns that a separator inside a cell can start a new cell there: a
cell holding a comma, semicolon, tab, double quote, CR or LF is wrapped in
double quotes (inner ones doubled, as RFC 4180 says), so a reader that splits
records on semicolons or tabs as well as on commas (LibreOffice's import dialog
with several separators ticked) still sees one cell, starting where the guard
looked. A reader that splits on semicolons *instead of* commas (Excel in many
European locales opening a comma-separated file) misreads whole records, as it
takes a quote that does not open its field literally; no cell-level escape that
round-trips can prevent that, so the guard does not claim to.

Every problem with a file becomes one ``InvalidInput`` naming the file and,
where there is one, the row as a spreadsheet numbers it (the header is row 1).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from annotator.core.errors import InvalidInput
from annotator.io.files import display_name, read_file
from annotator.io.sources.decode import decode_bom, refuse_nul

#: Characters that start a formula, with their compatibility forms: every character
#: whose NFKC form starts with ``=``, ``+``, ``-``, ``@`` or ``|`` (the tests check the list).
FORMULA_CHARS = (
    "=+-@|\u207a\u207c\u208a\u208c\u2a75\u2a76\ufb29"  # ⁺ ⁼ ₊ ₌ ⩵ ⩶ ﬩
    "\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20\uff5c"  # ﹢ ﹣ ﹦ ﹫ ＋ － ＝ ＠ ｜
)
#: First characters that make a spreadsheet treat a cell as a formula.
DANGEROUS_PREFIXES = (*FORMULA_CHARS, "\t", "\r", "\n")

# The rest after any leading quotes is dangerous (see the module docstring). Neither
# alternative can start with a quote, so the quotes taken are all there are.
_RULE = rf"(?:[\t\r\n]|\s*+[{re.escape(FORMULA_CHARS)}])"
_NEEDS_QUOTE = re.compile("'*+" + _RULE).match
_QUOTED = re.compile("'++" + _RULE).match
#: White space, as ``str.isspace`` and the regex ``\s`` know it (U+3000 is the last).
_BLANKS = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
#: Characters a neutralised or to-be-neutralised cell can start with (a fast pre-check).
_FIRST = frozenset("'" + FORMULA_CHARS + _BLANKS)
#: A cell holding any of these is quoted: RFC 4180's comma, quote and line breaks, and the
#: other separators spreadsheets split on (see the module docstring).
_SPECIAL = re.compile(r'[",;\t\r\n]').search

Cell = str | int
#: Records per write call.
_CHUNK = 2000

#: Largest CSV file read (100,000 coded segments with their quoted text take about 50 MB).
MAX_CSV_BYTES = 256 * 1024 * 1024
#: Longest cell read: more than any document's whole text (documents come from files
#: of at most 50 MB), far less than the memory a runaway cell could take.
MAX_CELL_CHARS = 64 * 1024 * 1024
#: Delimiters a header may use, the first winning ties.
_DELIMITERS = (",", ";", "\t")
#: Excel's first line naming the delimiter, e.g. ``sep=;``.
_SEP_LINE = re.compile(r"sep=(.)[ \t]*(?:\r\n|\n|\r|\Z)", re.IGNORECASE)
#: A character that makes a line count for delimiter detection.
_NOT_BLANK = re.compile(r"[^ \t,;\r\n]").search
#: A line break as the csv module and ``io.StringIO(newline="")`` know them: CR, LF, CRLF.
_BREAK = re.compile(r"\r\n?|\n").search
#: The other boundaries ``str.splitlines`` splits at (which are not line breaks in a CSV).
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: Each line with its break (the last may have none).
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+").findall
#: Characters of text cut into lines at a time.
_LINES_CHUNK = 1 << 20


def neutralise(value: str) -> str:
    """The cell as written: a dangerous cell (see the module docstring) gets a ``'`` in front."""
    if value and value[0] in _FIRST and _NEEDS_QUOTE(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """Inverse of ``neutralise``: drop the ``'`` that export put before a dangerous cell."""
    if value and value[0] == "'" and _QUOTED(value):
        return value[1:]
    return value


def format_cell(value: str | int) -> str:
    """One cell as it appears in the file: neutralised, then quoted if it holds a comma,
    semicolon, tab, double quote or line break; numbers as plain numbers."""
    if isinstance(value, int):
        return str(value)
    # Most cells start with a letter or digit: one set lookup, and the regex only for the rest.
    if value and value[0] in _FIRST and _NEEDS_QUOTE(value):
        value = "'" + value
    if _SPECIAL(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def format_row(row: Sequence[Cell]) -> str:
    """One record without its line terminator (what ``csv.writer`` with QUOTE_MINIMAL writes)."""
    if len(row) == 1 and row[0] == "":
        return '""'  # a lone empty cell must not look like a blank line
    return ",".join([format_cell(c) for c in row])


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """Write ``header`` and ``rows``; returns the number of data rows."""
    return write_lines(path, header, (format_row(r) for r in rows))


def write_lines(path: str | Path, header: Sequence[str], lines: Iterable[str]) -> int:
    """Write ``header`` and records already made with ``format_cell``/``format_row``.

    This is the writer behind ``write_csv``; exporters of many rows call it
    directly to format repeated values (a document, a code path) once. Records
    are formatted here rather than by ``csv.writer``, which examines every
    character one by one and took 1.0 s against 0.5 s for the cells of
    100,000 coded segments; the tests check that both write the same bytes,
    except that semicolons and tabs are quoted here too (the formula guard).
    The file is written next to its destination and moved into place at the
    end, so a failed export never leaves half a file behind.
    """
    path = Path(path)
    count = 0
    # A fresh name in the same folder (so the final move is atomic); "x" mode
    # creates it with the user's normal permissions.
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with tmp.open("x", encoding="utf-8-sig", newline="") as fh:
            fh.write(format_row(header) + "\r\n")
            chunk: list[str] = []
            for line in lines:
                chunk.append(line)
                if len(chunk) == _CHUNK:  # one write call per chunk, not per line
                    fh.write("\r\n".join(chunk) + "\r\n")
                    count += len(chunk)
                    chunk.clear()
            if chunk:
                fh.write("\r\n".join(chunk) + "\r\n")
                count += len(chunk)
        os.replace(tmp, path)
    except OSError as err:
        raise InvalidInput(f"Cannot write {display_name(path)}: {err.strerror or err}.") from err
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return count


@dataclass(frozen=True)
class CsvRow:
    """One data row: its spreadsheet row number and its cells by (lower-case) column name."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass(frozen=True)
class CsvTable:
    """A whole CSV file: its name (for messages), header columns and data rows."""

    name: str
    columns: list[str]
    rows: list[CsvRow]

    def has(self, column: str) -> bool:
        return column in self.columns

    def error(self, row: CsvRow | int, message: str) -> InvalidInput:
        """An ``InvalidInput`` saying ``<file>, row <n>: <message>``, on one line whatever
        the cells quoted in it hold."""
        number = row.number if isinstance(row, CsvRow) else row
        return InvalidInput(f"{self.name}, row {number}: {display_name(message)}")


def shown(value: str, limit: int = 60) -> str:
    """A cell's value as a message quotes it: escaped like a file name, and cut short."""
    value = display_name(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _decode(name: str, data: bytes) -> str:
    """The file's text: by its byte-order mark, else UTF-8; NUL characters refused."""
    if data.startswith(codecs.BOM_UTF8):
        # What our own exports start with: decoded past the mark in place, where decode_bom
        # would first copy the bytes after it.
        try:
            text: str | None = str(memoryview(data)[len(codecs.BOM_UTF8) :], "utf-8")
        except UnicodeDecodeError:
            text = decode_bom(data, name)  # raises, saying where
    else:
        text = decode_bom(data, name)
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise InvalidInput(
                f"{name} is not UTF-8 text (byte 0x{data[err.start]:02X} on line {line}); "
                "save it as 'CSV UTF-8' and try again."
            ) from err
    return refuse_nul(
        text,
        name,
        "it is not a text CSV file (perhaps UTF-16 without a "
        "byte-order mark); save it as 'CSV UTF-8' and try again.",
    )


def _delimiter(text: str, known: Sequence[str]) -> tuple[str, int]:
    """The delimiter and where the records start: after a ``sep=`` line, else at the start,
    the delimiter being the one under which the first line with something other than
    separators and blanks names the most known columns (comma on a tie)."""
    sep = _SEP_LINE.match(text)
    if sep is not None:
        return sep.group(1), sep.end()
    # That line is found in place: the file may be hundreds of MB, and its first line too. A
    # header is short; the start of a runaway first line is enough (and stays within the csv
    # module's cell limit, which is not raised here).
    found = _NOT_BLANK(text)
    first = ""
    if found is not None:
        start = max(text.rfind("\n", 0, found.start()), text.rfind("\r", 0, found.start())) + 1
        brk = _BREAK(text, found.start())
        first = text[start : min(brk.start() if brk else len(text), start + 10_000)]
    wanted = set(known)

    def hits(delimiter: str) -> int:
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:  # an unbalanced quote: this delimiter names no columns
            return 0
        return sum(1 for cell in cells if cell.strip().lower() in wanted)

    return max(_DELIMITERS, key=hits), 0  # max keeps the first of equals: the comma


def _lines(text: str, start: int) -> Iterator[str]:
    """The lines of ``text[start:]``, each with its line break, as iterating over
    ``io.StringIO(text[start:], newline="")`` gives them (so the csv module counts the same
    line numbers), without that copy of the whole text, which takes four bytes a character.

    The text is cut into lines about a MB at a time, at a line break; ``str.splitlines``
    does the cutting, unless a piece holds one of the other boundaries it knows (form feed,
    U+2028, ...), which are cell content in a CSV file.
    """

    def pieces() -> Iterator[list[str]]:
        pos, size = start, len(text)
        while pos < size:
            brk = _BREAK(text, pos + _LINES_CHUNK)  # a CRLF is never cut in two
            end = brk.end() if brk else size
            # Eight searches for one character each are several times faster than a regex for
            # any of them.
            if any(text.find(c, pos, end) >= 0 for c in _OTHER_BREAKS):
                yield _LINE(text, pos, end)
            else:
                yield text[pos:end].splitlines(True)
            pos = end

    return chain.from_iterable(pieces())


@contextlib.contextmanager
def _cell_limit(limit: int) -> Iterator[None]:
    """Let the csv module read cells up to ``limit`` characters (its limit is process-wide,
    so the previous one is put back)."""
    previous = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def read_csv(
    path: str | Path,
    *,
    known: Sequence[str] = (),
    required: Sequence[str] = (),
    one_of: Sequence[str] = (),
) -> CsvTable:
    """Read a whole CSV file, checking its header.

    Column names are matched ignoring case and surrounding spaces; the first
    non-blank row is the header if it names at least one of the ``known``,
    ``required`` or ``one_of`` columns. Unknown columns are kept (callers
    ignore them). ``required`` columns must all be
    present and at least one of ``one_of`` must be. Completely blank rows are
    skipped; a row may leave out trailing empty cells but not have more cells
    than the header.
    Cells are ``restore``-d (the formula guard undone).

    The text is parsed in one pass, cut into lines as it goes (see ``_lines``),
    each record becoming its row at once; the file's bytes are let go once
    decoded. Of several problems in a file, the one reported is one that stops
    the parsing (malformed CSV, an oversized cell) wherever it is, else an empty
    file, else the header's, else the first row with too many cells.
    """
    rows: list[CsvRow] = []
    append = rows.append

    def keep(columns: list[str]) -> Callable[[int, list[str]], None]:
        return lambda number, record: append(
            CsvRow(number, dict(zip(columns, record, strict=True)))
        )

    name, columns = _parse(path, keep, rows.clear, [*known, *required, *one_of], required, one_of)
    return CsvTable(name, columns, rows)


@dataclass(frozen=True)
class CsvRecords:
    """A whole CSV file read for speed (an import of 100,000 rows): each data row is the
    list of its cells, one for each of ``columns`` and then ``""`` for each of the
    ``select``-ed columns the header lacks, with its spreadsheet row number in
    ``numbers``. ``indexes`` says where each selected column's cell is in a record."""

    name: str
    columns: list[str]
    records: list[list[str]]
    numbers: list[int]
    indexes: tuple[int, ...]

    def error(self, number: int, message: str) -> InvalidInput:
        return InvalidInput(f"{self.name}, row {number}: {display_name(message)}")


def read_csv_records(
    path: str | Path,
    select: Sequence[str],
    *,
    known: Sequence[str] = (),
    required: Sequence[str] = (),
) -> CsvRecords:
    """``read_csv`` (the same checks and messages), keeping each row as the csv module's
    list of cells rather than a mapping: no object per row, and the cells of ``select``
    are taken from it by position."""
    records: list[list[str]] = []
    numbers: list[int] = []
    indexes: list[int] = []

    def keep(columns: list[str]) -> Callable[[int, list[str]], None]:
        missing = [c for c in select if c not in columns]
        at = {c: i for i, c in reversed(list(enumerate(columns)))}
        at.update({c: len(columns) + i for i, c in enumerate(missing)})
        indexes.extend(at[c] for c in select)
        add_record, add_number = records.append, numbers.append
        if missing:
            pad = [""] * len(missing)

            def padded(number: int, record: list[str]) -> None:
                add_record(record + pad)
                add_number(number)

            return padded

        def kept(number: int, record: list[str]) -> None:
            add_record(record)
            add_number(number)

        return kept

    def clear() -> None:
        records.clear()
        numbers.clear()

    name, columns = _parse(path, keep, clear, [*known, *required, *select], required, ())
    return CsvRecords(name, columns, records, numbers, tuple(indexes))


def _parse(
    path: str | Path,
    keep: Callable[[list[str]], Callable[[int, list[str]], None]],
    clear: Callable[[], None],
    columns_known: list[str],
    required: Sequence[str],
    one_of: Sequence[str],
) -> tuple[str, list[str]]:
    """Parse the file, handing each data row (padded to the header's width, cells
    restored) to the function ``keep(columns)`` returns; ``clear`` drops the rows kept
    when a problem is found. Returns the file's name for messages and its columns."""
    path = Path(path)
    name = display_name(path.name or path)
    data = read_file(path, MAX_CSV_BYTES)
    text = _decode(name, data)
    del data  # the text is all that is needed from here on
    if not text or text.isspace():
        raise InvalidInput(f"{name} is empty.")
    delimiter, start = _delimiter(text, columns_known)
    reader = csv.reader(_lines(text, start), delimiter=delimiter, strict=True)
    number = 0  # records parsed so far (the spreadsheet's number of the last one)
    columns: list[str] = []
    problem: InvalidInput | None = None  # reported once the rest of the file has parsed
    with _cell_limit(MAX_CELL_CHARS):
        try:
            for record in reader:
                number += 1
                if any(c.strip() for c in record):
                    break
            else:
                raise InvalidInput(f"{name} is empty.")
            columns = [c.strip().lower() for c in record]
            try:
                _check_header(name, number, columns, columns_known, required, one_of)
            except InvalidInput as err:
                problem = err
            else:
                width, join, add = len(columns), "\n".join, keep(columns)
                for record in reader:
                    number += 1
                    # The cells joined by line breaks, to look at them at C speed: the row is
                    # blank when that is all white space (its cells then are), and no cell
                    # starts with a quote unless the join does or has one after a line break.
                    joined = join(record)
                    if not joined or joined.isspace():
                        continue
                    if len(record) != width:
                        if len(record) > width:
                            problem = InvalidInput(
                                f"{name}, row {number}: has {len(record)} cells but the header has only "
                                f"{width} columns (check the quoting of commas and line breaks)."
                            )
                            break
                        # Short rows (trailing empty cells left out, as hand-written files do) are padded.
                        record += [""] * (width - len(record))
                    if joined[0] == "'" or "\n'" in joined:  # else restore would change no cell
                        record = list(map(restore, record))
                    add(number, record)
            if problem is not None:
                clear()
                for _ in reader:  # a malformed record further on is what gets reported
                    number += 1
        except csv.Error as err:
            where = f"{name}, row {number + 1} (line {reader.line_num})"
            if "field larger than field limit" in str(err):
                raise InvalidInput(
                    f"{where}: a cell is longer than {MAX_CELL_CHARS:,} characters; "
                    "the file is damaged or not a CSV file."
                ) from err
            raise InvalidInput(f"{where}: not valid CSV ({err}).") from err
    if problem is not None:
        raise problem
    return name, columns


def _check_header(
    name: str, number: int, columns: list[str], known: list[str],
    required: Sequence[str], one_of: Sequence[str],
) -> None:  # fmt: skip
    if not any(c in known for c in columns):
        expected = ", ".join(dict.fromkeys(known))
        raise InvalidInput(
            f"{name}, row {number}: no header row found (expected the columns {expected})."
        )
    seen: set[str] = set()
    for col in columns:
        if col and col in seen:
            raise InvalidInput(
                f"{name}, row {number}: the column '{col}' appears twice in the header."
            )
        seen.add(col)
    missing = [c for c in required if c not in seen]
    if missing:
        raise InvalidInput(
            f"{name}, row {number}: the header lacks the column(s) {', '.join(missing)}."
        )
    if one_of and not any(c in seen for c in one_of):
        raise InvalidInput(
            f"{name}, row {number}: the header needs at least one of the columns {' or '.join(one_of)}."
        )
