"""Hostile and broken source files, made here byte by byte: each is refused with one clear
sentence or read safely, quickly, and without touching anything it points at.

Covers XML entity attacks in .docx/.odt/.html/.md, zip bombs (also with lying headers) and
other zip tricks, and PDFs built to keep the reader busy. CSV files, text decoding and hostile
file names are in test_hostile_text_and_csv.py.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import docx
import pypdf
import pytest
from odf.opendocument import OpenDocumentText
from odf.text import P

from annotator.core.errors import InvalidInput
from annotator.io import files
from annotator.io.sources import pdf as extract_pdf
from annotator.io.sources.extract import extract

SECRET = "TOP-SECRET-7f3a"
#: A billion laughs: ten levels of ten references, a thousand million "lol"s if expanded.
LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
    for i in range(1, 10)
)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def attacks(secret: Path, root: str) -> dict[str, tuple[str, str]]:
    """Name -> (DOCTYPE declaration, reference to put in the text)."""
    return {
        "external entity": (
            f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>',
            "&xxe;",
        ),
        "passwd entity": (
            f'<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
            "&xxe;",
        ),
        "billion laughs": (f"<!DOCTYPE {root} [{LAUGHS}]>", "&lol9;"),
        "external DTD": (f'<!DOCTYPE {root} SYSTEM "{secret.as_uri()}">', ""),
    }


def rewrite_zip(data: bytes, part: str, edit: Callable[[str], str]) -> bytes:
    """The archive with ``part`` replaced by ``edit(its text)``."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            content = src.read(item)
            dst.writestr(
                item, edit(content.decode()).encode() if item.filename == part else content
            )
    return out.getvalue()


def with_doctype(doctype: str, marker: str, reference: str) -> Callable[[str], str]:
    def edit(xml: str) -> str:
        end = xml.index("?>") + 2
        return xml[:end] + doctype + xml[end:].replace(marker, f"{marker} {reference}", 1)

    return edit


def docx_bytes(text: str = "Plain words") -> bytes:
    document = docx.Document()
    document.core_properties.title = "Title words"
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(P(text="Plain words"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# -- XML entities ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "attack", ["external entity", "passwd entity", "billion laughs", "external DTD"]
)
@pytest.mark.parametrize(
    ("suffix", "part", "marker"),
    [
        (".docx", "word/document.xml", "Plain words"),
        (".docx", "docProps/core.xml", "Title words"),
        (".odt", "content.xml", "Plain words"),
        (".odt", "meta.xml", "<office:meta>"),
        (".odt", "styles.xml", "<office:styles>"),
    ],
)
def test_office_xml_with_a_doctype_is_refused_fast_and_reads_nothing(
    tmp_path: Path, secret: Path, attack: str, suffix: str, part: str, marker: str
) -> None:
    doctype, reference = attacks(secret, "root")[attack]
    base = docx_bytes() if suffix == ".docx" else odt_bytes()
    path = write(
        tmp_path / f"attack{suffix}",
        rewrite_zip(base, part, with_doctype(doctype, marker, reference)),
    )
    started = time.monotonic()
    with pytest.raises(InvalidInput) as caught:
        extract(path)
    assert time.monotonic() - started < 2
    message = str(caught.value)
    assert message.startswith(f"attack{suffix} cannot be read as ")
    assert f"its part {part} declares a document type" in message
    assert SECRET not in message and "root:" not in message


def test_doctype_behind_an_encoding_expat_cannot_read_is_still_found(
    tmp_path: Path, secret: Path
) -> None:
    """expat refuses multi-byte encodings such as Shift_JIS; the declaration is found in the bytes."""
    doctype, reference = attacks(secret, "root")["external entity"]

    def edit(xml: str) -> str:
        body = xml[xml.index("?>") + 2 :].replace("Plain words", f"Plain words {reference}")
        return '<?xml version="1.0" encoding="Shift_JIS"?>' + doctype + body

    path = write(tmp_path / "sjis.docx", rewrite_zip(docx_bytes(), "word/document.xml", edit))
    with pytest.raises(InvalidInput, match=r"its part word/document\.xml declares a document type"):
        extract(path)


@pytest.mark.parametrize("suffix", [".html", ".md"])
@pytest.mark.parametrize("attack", ["external entity", "passwd entity", "billion laughs"])
def test_html_and_markdown_never_expand_entities(
    tmp_path: Path, secret: Path, attack: str, suffix: str
) -> None:
    """lxml's HTML parser (behind BeautifulSoup) ignores a DTD: the reference stays as written."""
    doctype, reference = attacks(secret, "html")[attack]
    body = f"<div>\n<p>Visible {reference} words</p>\n</div>\n"
    page = (
        f"{doctype}<html><body>{body}</body></html>"
        if suffix == ".html"
        else f"# Title\n\n{doctype}\n{body}"
    )
    started = time.monotonic()
    source = extract(write(tmp_path / f"page{suffix}", page))
    assert time.monotonic() - started < 2
    assert f"Visible {reference} words" in source.text
    assert SECRET not in source.text and "root:" not in source.text and "lollol" not in source.text


@pytest.mark.parametrize("declared", ["unicode_escape", "cp037", "utf-16", "undefined", "punycode"])
def test_html_declaring_a_codec_no_browser_honours_keeps_its_words(
    tmp_path: Path, declared: str
) -> None:
    """A declaration read as ASCII cannot mean EBCDIC or UTF-16, and codecs like unicode_escape
    would rewrite the text ("\\x41" to "A"): like browsers, the bytes decide instead."""
    page = f'<meta charset="{declared}"><p>Café \\x41 “words”</p>'
    assert extract(write(tmp_path / "odd.html", page)).text == "Café \\x41 “words”"


# -- zip archives ----------------------------------------------------------------------


def zip_member(name: str, data: bytes, *, method: int = zipfile.ZIP_DEFLATED, declared: int | None = None,
               crc: int | None = None, flags: int = 0, mode: int = 0o100644) -> tuple[bytes, bytes]:  # fmt: skip
    """A hand-made member: (local header + data, central directory entry without its offset).

    ``data`` is stored as given (already compressed for deflate); ``declared`` and ``crc``
    are what the headers claim, which a hostile archive need not match.
    """
    encoded = name.encode()
    size = len(data) if declared is None else declared
    crc = 0 if crc is None else crc
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(data), size,
                        len(encoded), 0) + encoded + data  # fmt: skip
    central = struct.pack("<6H3L5HL", 0x031E, 20, flags, method, 0, 0x21, crc, len(data), size,
                          len(encoded), 0, 0, 0, 0, mode << 16) + encoded  # fmt: skip
    return local, central


def hand_zip(members: list[tuple[bytes, bytes]]) -> bytes:
    out, central = bytearray(), bytearray()
    for local, entry in members:
        central += b"PK\x01\x02" + entry[:38] + struct.pack("<L", len(out)) + entry[38:]
        out += local
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0
    )
    return bytes(out + central + end)


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def docx_members(**replace: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """A real Word document's parts as hand-made members, some replaced."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    return [
        replace.get(name)
        or zip_member(name, deflate(data), declared=len(data), crc=zlib.crc32(data))
        for name, data in parts.items()
    ]


def test_the_hand_made_archive_is_a_sound_document(tmp_path: Path) -> None:
    """The builder below is trustworthy: with honest headers, the document imports."""
    assert extract(write(tmp_path / "honest.docx", hand_zip(docx_members()))).text == "Plain words"


def test_zip_bomb_whose_headers_lie_is_refused_without_inflating_it(tmp_path: Path) -> None:
    """The header says a few KB; the data inflates to 256 MB (Python's zipfile would inflate it
    all in one go before cutting it to the declared size)."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        real = archive.read("word/document.xml")
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = packer.compress(real) + packer.flush(zlib.Z_FULL_FLUSH)
    # After a full flush the compressor starts afresh: one MB of spaces always compresses alike.
    block = packer.compress(b" " * (1 << 20)) + packer.flush(zlib.Z_FULL_FLUSH)
    bomb = head + block * 256 + packer.flush()
    lying = zip_member("word/document.xml", bomb, declared=len(real), crc=zlib.crc32(real))
    path = write(tmp_path / "bomb.docx", hand_zip(docx_members(**{"word/document.xml": lying})))
    assert path.stat().st_size < 2_000_000
    started = time.monotonic()
    with pytest.raises(
        InvalidInput,
        match=r"^bomb\.docx cannot be read as a Word document \(\.docx\): its part "
        r"word/document\.xml unpacks to more than the archive says \(a damaged file or a zip bomb\)\.$",
    ):
        extract(path)
    assert time.monotonic() - started < 2


def test_member_cut_short_is_damage(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        real = archive.read("word/document.xml")
    short = zip_member(
        "word/document.xml", deflate(real)[:-20], declared=len(real), crc=zlib.crc32(real)
    )
    with pytest.raises(
        InvalidInput, match=r"word/document\.xml unpacks to less than the archive says"
    ):
        extract(
            write(tmp_path / "short.docx", hand_zip(docx_members(**{"word/document.xml": short})))
        )


def test_archive_with_absurdly_many_members_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_MEMBERS", 30)
    extra = [zip_member(f"media/{i}.bin", b"", method=zipfile.ZIP_STORED) for i in range(30)]
    with pytest.raises(
        InvalidInput, match=r"many\.docx cannot be read as .* it holds \d+ files, more than the 30"
    ):
        extract(write(tmp_path / "many.docx", hand_zip(docx_members() + extra)))


def test_member_names_climbing_out_of_the_folder_write_nothing(tmp_path: Path) -> None:
    """Nothing is unpacked to disk: ../ and absolute names are just names in the archive."""
    folder = tmp_path / "in" / "deeper"
    folder.mkdir(parents=True)
    extra = [zip_member(n, deflate(b"pwned"), declared=5, crc=zlib.crc32(b"pwned"))
             for n in ("../../escaped.txt", "/tmp/absolute-escape.txt", "..\\..\\windows.txt")]  # fmt: skip
    path = write(folder / "names.docx", hand_zip(docx_members() + extra))
    before = sorted(p for p in tmp_path.rglob("*"))
    assert extract(path).text == "Plain words"
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/absolute-escape.txt").exists()


def test_symbolic_link_member_is_not_followed(tmp_path: Path, secret: Path) -> None:
    """A Unix symlink entry is only its target's name as bytes: the secret is never read."""
    target = str(secret).encode()
    link = zip_member(
        "word/document.xml",
        target,
        method=zipfile.ZIP_STORED,
        crc=zlib.crc32(target),
        mode=0o120777,
    )
    with pytest.raises(
        InvalidInput, match=r"^link\.docx cannot be read as a Word document"
    ) as caught:
        extract(
            write(tmp_path / "link.docx", hand_zip(docx_members(**{"word/document.xml": link})))
        )
    assert SECRET not in str(caught.value)


def test_zip_encrypted_members_are_refused_as_protected(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(docx_bytes())) as archive:
        real = archive.read("word/document.xml")
    locked = zip_member("word/document.xml", bytes(12) + deflate(real), declared=len(real), crc=zlib.crc32(real),
                        flags=0x1)  # fmt: skip
    with pytest.raises(
        InvalidInput, match=r"locked\.docx cannot be read as .* encrypted with a password"
    ):
        extract(
            write(tmp_path / "locked.docx", hand_zip(docx_members(**{"word/document.xml": locked})))
        )


def test_unusual_compression_method_is_refused(tmp_path: Path) -> None:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item))
    with pytest.raises(InvalidInput, match=r"bz\.docx cannot be read as .* compression method"):
        extract(write(tmp_path / "bz.docx", out.getvalue()))


def test_streamed_archive_with_data_descriptors_still_imports(tmp_path: Path) -> None:
    """Archives written to a pipe put sizes after the data; the size check reads the directory."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, data: bytes) -> int:  # type: ignore[override]
            self.buffer += data
            return len(data)

    sink = Unseekable()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes())) as src,
        zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            with dst.open(item.filename, "w") as fh:
                fh.write(src.read(item))
    data = bytes(sink.buffer)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].flag_bits & 0x8
    assert extract(write(tmp_path / "streamed.docx", data)).text == "Plain words"


def test_password_protected_word_file_is_named_as_such(tmp_path: Path) -> None:
    """Word keeps a protected .docx inside an old-style compound file, in an EncryptedPackage stream."""
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(1000)
        + "EncryptedPackage".encode("utf-16-le")
        + bytes(100)
    )
    with pytest.raises(
        InvalidInput, match=r"^secret\.docx is protected by a password; open it in Word"
    ):
        extract(write(tmp_path / "secret.docx", ole))


def test_password_protected_odt_is_named_as_such(tmp_path: Path) -> None:
    def encrypt(manifest: str) -> str:
        return manifest.replace(
            'manifest:full-path="content.xml"',
            'manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum="x"/',
            1,
        )

    data = rewrite_zip(odt_bytes(), "META-INF/manifest.xml", encrypt)
    data = rewrite_zip(data, "content.xml", lambda _: "\x8a\x13 ciphertext")
    with pytest.raises(
        InvalidInput, match=r"^locked\.odt is protected by a password; open it in LibreOffice"
    ):
        extract(write(tmp_path / "locked.odt", data))


@pytest.mark.parametrize("cut", [10, 100, 0.5, -30])
def test_truncated_archive_is_damage(tmp_path: Path, cut: float) -> None:
    data = docx_bytes()
    data = data[: int(len(data) * cut) if isinstance(cut, float) else cut]
    with pytest.raises(
        InvalidInput, match=r"^cut\.docx cannot be read as a Word document \(\.docx\): "
    ):
        extract(write(tmp_path / "cut.docx", data))


# -- PDF ---------------------------------------------------------------------------------


def hand_pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (numbered from 1; object 1 the catalog), with a correct xref."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)


def pages_pdf(contents: list[bytes]) -> bytes:
    """One page per content stream; a stream repeated by identity is stored once and shared."""
    unique = list(dict.fromkeys(contents))
    first_page = 4 + len(unique)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *(stream(c) for c in unique),
    ]
    for content in contents:
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R >>" % (4 + unique.index(content))
        )
    return hand_pdf(objects)


def shows(text: str) -> bytes:
    return b"BT /F1 12 Tf 72 700 Td (%s) Tj ET\n" % text.encode()


def test_hand_made_pdf_reads(tmp_path: Path) -> None:
    assert extract(
        write(tmp_path / "two.pdf", pages_pdf([shows("First page."), shows("Second page.")]))
    ).text == ("First page.\n\nSecond page.")


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256", "AES-256-R5"])
def test_aes_encrypted_pdf_opens_without_password_and_is_refused_with_one(
    tmp_path: Path, algorithm: str
) -> None:
    """AES needs the 'cryptography' package (pypdf[crypto]); it is installed and used."""
    pytest.importorskip("cryptography")
    for password, name in (("", "open.pdf"), ("secret", "locked.pdf")):
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(pages_pdf([shows("Encrypted words.")])))
        writer.encrypt(password, owner_password="owner", algorithm=algorithm)
        out = io.BytesIO()
        writer.write(out)
        path = write(tmp_path / name, out.getvalue())
        if password:
            with pytest.raises(InvalidInput, match=r"^locked\.pdf is protected by a password"):
                extract(path)
        else:
            assert extract(path).text == "Encrypted words."


def test_pdf_whose_pages_share_a_huge_drawing_is_read_fast_with_a_note(tmp_path: Path) -> None:
    """30 KB of PDF, 9 MB of instructions per page, 40 pages: pypdf would take about 20 s
    a page. Those pages are skipped and named; the real page is read."""
    heavy = shows("word") * 260_000
    path = write(tmp_path / "heavy.pdf", pages_pdf([shows("Real text."), *[heavy] * 40]))
    assert path.stat().st_size < 100_000
    started = time.monotonic()
    source = extract(path)
    assert time.monotonic() - started < 5
    assert source.text == "Real text."
    assert source.notes == [
        "40 of 41 pages (pages 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...) hold more than 8 MB of "
        "drawing instructions and were skipped"
    ]


def test_pdf_of_only_huge_drawings_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract_pdf, "MAX_PAGE_CONTENT_BYTES", 100)
    with pytest.raises(
        InvalidInput, match=r"^drawn\.pdf cannot be read: its pages hold more drawing instructions"
    ):
        extract(write(tmp_path / "drawn.pdf", pages_pdf([shows("word") * 10] * 2)))


def test_pdf_reading_stops_at_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract_pdf, "MAX_SECONDS", 0.0)
    with pytest.raises(
        InvalidInput,
        match=r"^slow\.pdf took too long to read \(stopped at page 1 of 3 after 0 seconds\)",
    ):
        extract(write(tmp_path / "slow.pdf", pages_pdf([shows("a"), shows("b"), shows("c")])))


def test_pdf_with_too_many_pages_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract_pdf, "MAX_PAGES", 2)
    with pytest.raises(
        InvalidInput, match=r"^long\.pdf has 3 pages, more than the 2 that can be imported"
    ):
        extract(write(tmp_path / "long.pdf", pages_pdf([shows("a"), shows("b"), shows("c")])))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.4\n" + bytes(range(256)) * 40,
        # A page tree that contains itself.
        hand_pdf(
            [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
        ),
        # A content stream whose length lies.
        pages_pdf([shows("Fine.")]).replace(b"/Length ", b"/Length 9", 1),
    ],
    ids=["header only", "garbage", "page tree loop", "lying length"],
)
def test_malformed_pdf_is_damage_not_a_traceback(tmp_path: Path, data: bytes) -> None:
    started = time.monotonic()
    try:
        source = extract(write(tmp_path / "bad.pdf", data))
    except InvalidInput as err:
        assert str(err).startswith("bad.pdf ")
    else:  # pypdf repaired it: then the words are right
        assert source.text == "Fine."
    assert time.monotonic() - started < 2


# -- damaged parts: refused whole, nothing printed ---------------------------------------


def odt_of_paragraphs(count: int = 20) -> bytes:
    document = OpenDocumentText()
    for i in range(count):
        document.text.addElement(P(text=f"Paragraph number {i} with words."))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("suffix", "part", "damage"),
    [
        (".odt", "content.xml", lambda xml: xml[: len(xml) * 2 // 3]),  # cut mid-document
        (".odt", "content.xml", lambda xml: xml.replace("</text:p>", "</text:q>", 3)),  # bit rot
        (".odt", "meta.xml", lambda xml: xml[: len(xml) // 2]),
        (".docx", "word/document.xml", lambda xml: xml[: len(xml) * 2 // 3]),
        (".docx", "word/document.xml", lambda xml: xml.replace("</w:t>", "</w:x>", 1)),
        (".docx", "word/styles.xml", lambda xml: xml[: len(xml) // 2]),
    ],
    ids=["odt cut", "odt bad tag", "odt meta cut", "docx cut", "docx bad tag", "docx styles cut"],
)
def test_a_damaged_xml_part_refuses_the_file_and_prints_nothing(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    suffix: str,
    part: str,
    damage: Callable[[str], str],
) -> None:
    """odfpy used to print "SAX FAILED TO PARSE" and the whole XML, then import what it had
    (333 of 458 characters): a part that does not parse must refuse the file, silently."""
    base = odt_of_paragraphs() if suffix == ".odt" else docx_bytes("Paragraph number 0 with words.")
    path = write(tmp_path / f"damaged{suffix}", rewrite_zip(base, part, damage))
    with pytest.raises(InvalidInput) as caught:
        extract(path)
    message = str(caught.value)
    assert message.startswith(f"damaged{suffix} cannot be read as ") and "damaged" in message[10:]
    assert "\n" not in message
    assert capfd.readouterr() == ("", "")


def test_odt_damaged_through_the_import_is_one_failure_and_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The same through import_files, where the file is read in the worker process."""
    from annotator.io.sources.batch import import_files
    from annotator.store import Project

    good = write(tmp_path / "good.odt", odt_of_paragraphs(3))
    bad = write(
        tmp_path / "bad.odt", rewrite_zip(odt_of_paragraphs(), "content.xml", lambda x: x[:-200])
    )
    with Project.create(tmp_path / "p.sqlite") as project:
        report = import_files(project, [bad, good])
        assert [d.source_name for d in project.documents()] == ["good.odt"]
    assert [(p, m.split(":")[0]) for p, m in report.failed] == [
        (bad, "bad.odt cannot be read as an OpenDocument text (.odt)")
    ]
    assert capfd.readouterr() == ("", "")


def test_odt_reader_keeps_the_old_rules_for_undeclared_prefixes(tmp_path: Path) -> None:
    """Some writers use ODF prefixes without declaring them; odfpy accepted that, and so do we."""

    def undeclare(xml: str) -> str:
        return xml.replace(' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"', "", 1)

    path = write(tmp_path / "lax.odt", rewrite_zip(odt_of_paragraphs(2), "content.xml", undeclare))
    assert extract(path).text == "Paragraph number 0 with words.\n\nParagraph number 1 with words."


def test_an_odt_without_a_text_body_is_named_as_such(tmp_path: Path) -> None:
    def spreadsheet(xml: str) -> str:
        return xml.replace("<office:text>", "<office:spreadsheet>").replace(
            "</office:text>", "</office:spreadsheet>"
        )

    path = write(tmp_path / "sheet.odt", rewrite_zip(odt_bytes(), "content.xml", spreadsheet))
    with pytest.raises(
        InvalidInput, match=r"^sheet\.odt cannot be read as .*: it has no text body"
    ):
        extract(path)


# -- zip bombs of honest XML: refused early, with bounded memory ---------------------------


def honest_bomb(kind: str, paragraph: bytes, megabytes: int) -> bytes:
    """A real document whose main part is padded with ``megabytes`` MB of honest XML (after
    its first paragraph, or inside it if ``paragraph`` is plain text), written in a stream
    (the test itself never holds it): a small file, a huge part."""
    part = "word/document.xml" if kind == "docx" else "content.xml"
    marker = b"</w:p>" if kind == "docx" else b"</text:p>"
    base = docx_bytes() if kind == "docx" else odt_bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            data = src.read(item)
            if item.filename != part:
                dst.writestr(item, data)
                continue
            cut = data.index(marker) + (len(marker) if paragraph.startswith(b"<") else 0)
            info = zipfile.ZipInfo(part)
            info.compress_type = zipfile.ZIP_DEFLATED
            block = paragraph * ((1 << 20) // len(paragraph))
            with dst.open(info, "w", force_zip64=True) as fh:
                fh.write(data[:cut])
                for _ in range(megabytes):
                    fh.write(block)
                fh.write(data[cut:])
    return out.getvalue()


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


@pytest.mark.parametrize(
    ("kind", "paragraph", "megabytes", "refusal"),
    [
        # 100 MB of "<w:p><w:r><w:t>a</w:t></w:r></w:p>": python-docx took 7.9 GB and hours.
        (
            "docx",
            b"<w:p><w:r><w:t>a</w:t></w:r></w:p>",
            100,
            r"unpacks to 10\d MB of XML, more than the 64 MB",
        ),
        # Under the size limit, but 15 million tags: a tree of them would be gigabytes.
        ("odt", b"<text:p/>", 60, r"holds more than 5 million XML tags"),
        # Few tags, but 21 million characters of text in one paragraph.
        ("odt", b"words " * 10, 21, r"holds more than 20 million characters of text"),
    ],
    ids=["docx part too large", "odt too many tags", "odt too much text"],
)
def test_honest_zip_bomb_is_refused_early_with_bounded_memory(
    tmp_path: Path, kind: str, paragraph: bytes, megabytes: int, refusal: str
) -> None:
    data = honest_bomb(kind, paragraph, megabytes)
    assert len(data) < 1_000_000  # a small file...
    path = write(tmp_path / f"bomb.{kind}", data)
    del data
    before = peak_rss_mb()
    with pytest.raises(
        InvalidInput, match=rf"^bomb\.{kind} (cannot be read as .*: its part \S+ )?{refusal}"
    ):
        extract(path)
    # ...refused without building what it unpacks to (the peak is the process's high-water
    # mark, so this only bounds the growth loosely).
    assert peak_rss_mb() - before < 300


def test_html_with_a_million_tags_is_refused_before_parsing(tmp_path: Path) -> None:
    """3 MB of unclosed "<b>": a million open elements, far beyond any real page."""
    path = write(tmp_path / "tags.html", b"<b>" * 1_000_001)
    before = peak_rss_mb()
    with pytest.raises(
        InvalidInput, match=r"^tags\.html holds more than 1 million HTML tags \(1\.0 million\)"
    ):
        extract(path)
    assert peak_rss_mb() - before < 100
