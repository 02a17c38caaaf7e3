"""Reading files people hand us, safely: shared by every importer.

- ``display_name``: a file name as a message shows it (one line, in its real order).
- ``read_file``: the bytes of a regular file up to a limit (a pipe or device would
  block or never end; an absurd size is refused before reading).
- ``check_archive``: a zip-based document (.docx, .odt, REFI-QDA's .qdpx) checked
  before any library sees it: a renamed file of another kind, a password-protected
  one, an archive that would unpack to an absurd size (a zip bomb, also one whose
  headers lie, or one compressed far beyond what text compresses to), a member whose
  name would escape its folder or that is a link, an XML part too large or with too
  many tags to parse in bounded memory, or an XML part with a DTD (entity expansion,
  external entities) each give one ``InvalidInput`` naming the file.
- ``check_xml_prolog``: the same DTD refusal for an XML file that is not in an
  archive (a REFI-QDA .qdc codebook).
- ``safe_member_name``: a member name as a relative path inside its archive, or None
  when it would escape (``../``, an absolute path, a drive letter).
"""

from __future__ import annotations

import codecs
import io
import posixpath
import stat
import struct
import unicodedata
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InvalidInput

#: Bytes inflated at a time when measuring what an archive member really unpacks to.
_CHUNK = 1 << 16

#: Characters a name is shown without: controls, unpaired surrogates (bytes of a
#: file name that are not UTF-8), line separators and the bidirectional controls
#: that reorder what follows them (U+202E shows "txt.exe" as "exe.txt").
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_name(name: str | Path) -> str:
    """A file name or path as a message shows it: one line, in its real order.

    Ordinary names come back unchanged; a control or bidi character is written
    as an escape (``\\n``, ``\\u202e``), and a byte of the name that is not UTF-8
    as ``\\xff``.
    """
    text = str(name)
    if (
        text.isprintable()
    ):  # the common case: nothing to escape (bidi controls are Cf, not printable)
        return text
    parts: list[str] = []
    for char in text:
        if char in _SHORT_ESCAPES:
            parts.append(_SHORT_ESCAPES[char])
        elif 0xDC80 <= ord(char) <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
            parts.append(f"\\x{ord(char) - 0xDC00:02x}")
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in _HIDDEN_CATEGORIES:
            parts.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            parts.append(char)
    return "".join(parts)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (through ``..``, links or hard links). Only
    ``stat``: no descriptor is opened, so a project's locks are never at risk."""
    a, b = Path(a), Path(b)
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:  # a path we cannot look at is not the project, which is open
        return False


def refuse_project_file(project_path: Path, target: str | Path, what: str) -> None:
    """``InvalidInput`` if ``target`` is the project's own file or its ``-wal``/``-shm``:
    an export moved over the database while it is open loses the project
    (``annotator qdpx export p.sqlite -o p.sqlite`` is an easy slip). ``what`` is what
    was to be written ("the codebook")."""
    for own in (project_path, Path(f"{project_path}-wal"), Path(f"{project_path}-shm")):
        if same_file(target, own):
            raise InvalidInput(
                f"{display_name(Path(target))} is the project's own file; write {what} to "
                "another file. Nothing was written."
            )


def read_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``InvalidInput`` naming the file when it is missing, unreadable, a
    folder, not a regular file (a pipe would block the read, a device such as
    /dev/zero would never end), larger than ``limit`` or empty.
    """
    path = Path(path)
    name = display_name(path.name or path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InvalidInput(f"{name} is a folder, not a file.")
        if not stat.S_ISREG(info.st_mode):
            raise InvalidInput(f"{name} is not a regular file (it is a pipe, device or socket).")
        if info.st_size > limit:
            raise InvalidInput(
                f"{name} is too large to import ({info.st_size / 1e6:.1f} MB; "
                f"the limit is {limit / 1e6:.0f} MB)."
            )
        if info.st_size == 0:
            raise InvalidInput(f"{name} is empty.")
        data = path.read_bytes()
    except FileNotFoundError as err:
        where = display_name(path)
        raise InvalidInput(
            f"{name} does not exist" + (f" (looked for {where})." if where != name else ".")
        ) from err
    except PermissionError as err:
        raise InvalidInput(f"{name} cannot be read: permission denied.") from err
    except OSError as err:
        raise InvalidInput(f"{name} cannot be read: {err.strerror or err}.") from err
    if len(data) > limit:  # it grew between stat and read
        raise InvalidInput(f"{name} is too large to import (the limit is {limit / 1e6:.0f} MB).")
    if not data:
        raise InvalidInput(f"{name} is empty.")
    return data


#: Largest total size a .docx/.odt may unpack to (its parts, uncompressed). The file itself
#: is at most 50 MB and pictures, most of a large document, barely compress, so a real
#: document unpacks to not much more than its own size; python-docx holds every part in
#: memory, so this is also a bound on what it allocates for them.
MAX_UNPACKED_BYTES = 250_000_000


#: Largest one XML part may unpack to. Word writes about 2-5 bytes of XML per character of
#: text, so a source of a few million characters has a document.xml of 10-30 MB; a parsed
#: tree takes about ten times its XML in memory.
MAX_XML_PART_BYTES = 64_000_000


#: Most tags (counted as "<") one XML part may hold. A 1,000-page book has a few hundred
#: thousand; each becomes a parser node of 100-1,000 bytes, so this bounds the tree, and the
#: time to walk it, where a part of tiny honest paragraphs stays under the size limit.
MAX_XML_TAGS = 5_000_000


#: Most members an archive may have (Word writes a few dozen, plus one per picture).
MAX_MEMBERS = 10_000


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the header of old binary Office files


#: The stream in which Office keeps a password-protected .docx (inside an OLE2 file).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


#: A zip local file header: signature, versions, flags, method, time, date, CRC,
#: sizes, then the lengths of the name and the extra field that precede the data.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def check_archive(
    data: bytes,
    name: str,
    kind: str,
    required: str | None,
    *,
    max_unpacked: int | None = None,
    max_ratio: float | None = None,
    strict_names: bool = False,
) -> None:
    """Refuse what is not a sound zip archive holding ``required``, before any library reads it.

    ``required`` None leaves finding the main part to the caller (a .qdpx names its
    project XML after the project). ``max_unpacked`` bounds the total unpacked size
    (``MAX_UNPACKED_BYTES`` unless given); ``max_ratio``, if given, how much more than
    its compressed size a member larger than 1 MB may unpack to (text compresses 3-10
    times; a bomb hundreds of times). ``strict_names`` refuses the whole archive when a
    member's name would escape its folder or a member is a symbolic link (an office
    document's reader ignores such members; an exchange file holding one is crafted).

    Besides damage, this stops the attacks a zip archive can carry: a zip bomb
    (checked on the sizes the archive declares *and* on what its members really
    unpack to, since headers can lie and Python's zipfile then inflates up to
    2 GB in one go before cutting the result to the declared size), encrypted
    members, and XML parts with a document type declaration (entity expansion,
    "billion laughs", or external entities that read local files). Nothing is
    ever unpacked to disk, so member names such as ``../x`` or symbolic-link
    entries cannot write anywhere.
    """
    if data.startswith(_OLE2):
        if _ENCRYPTED_PACKAGE in data:
            raise InvalidInput(
                f"{name} is protected by a password; open it in Word, remove the "
                "password (File > Info > Protect Document) and import the saved copy."
            )
        raise InvalidInput(
            f"{name} is an old binary Office file, not {kind}; "
            "save it in the current format (.docx or .odt) and import that."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise InvalidInput(
                    f"{name} cannot be read as {kind}: it holds {len(infos)} files, "
                    f"more than the {MAX_MEMBERS} a document ever has."
                )
            if required is not None and required not in {info.filename for info in infos}:
                raise InvalidInput(
                    f"{name} cannot be read as {kind}: it is a zip archive without {required}."
                )
            if strict_names:
                _check_names(infos, name, kind)
            _check_sizes(
                data,
                infos,
                name,
                kind,
                MAX_UNPACKED_BYTES if max_unpacked is None else max_unpacked,
                max_ratio,
            )
            _check_encryption(archive, infos, name)
            for info in infos:
                _check_prolog(archive, info, name, kind)
    except InvalidInput:
        raise
    # NotImplementedError: zipfile's word for archives spanning disks and unknown methods.
    except (
        zipfile.BadZipFile,
        ValueError,
        OSError,
        EOFError,
        struct.error,
        zlib.error,
        NotImplementedError,
    ) as err:
        raise InvalidInput(
            f"{name} cannot be read as {kind}: the file is damaged or of another kind."
        ) from err


#: Members smaller than this are never refused for their compression ratio (a page of
#: repeated white space compresses a thousand times and is harmless).
_RATIO_FLOOR = 1_000_000

#: ``st_mode`` bits a zip entry made on Unix keeps in the high half of ``external_attr``.
_S_IFMT, _S_IFLNK = 0o170000, 0o120000


def safe_member_name(member: str) -> str | None:
    """``member`` as a normalised relative path inside its archive, or None if it would
    land outside the folder it is unpacked into (``../x``, ``/etc/x``, ``C:x``, ``\\x``)."""
    text = member.replace("\\", "/")
    if not text or text.startswith("/") or (len(text) > 1 and text[1] == ":") or "\x00" in text:
        return None
    normal = posixpath.normpath(text)
    if normal == ".." or normal.startswith("../") or normal.startswith("/"):
        return None
    return normal


def _check_names(infos: list[zipfile.ZipInfo], name: str, kind: str) -> None:
    """No member may name a place outside the archive's folder, or be a symbolic link: we
    never unpack to disk, but a member that tries either is a crafted file, not a document."""
    for info in infos:
        if safe_member_name(info.filename) is None:
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its member {display_name(info.filename)} "
                "would be written outside its folder; it was refused for safety."
            )
        if (info.external_attr >> 16) & _S_IFMT == _S_IFLNK:
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its member {display_name(info.filename)} "
                "is a symbolic link; it was refused for safety."
            )


def _check_sizes(
    data: bytes,
    infos: list[zipfile.ZipInfo],
    name: str,
    kind: str,
    max_unpacked: int,
    max_ratio: float | None,
) -> None:
    """The declared sizes within the limit, every member unpacking to exactly its declared
    size, and every XML part within the per-part limits."""
    declared = sum(info.file_size for info in infos)
    if declared > max_unpacked:
        raise InvalidInput(
            f"{name} would unpack to {declared / 1e6:.0f} MB; "
            f"the limit is {max_unpacked / 1e6:.0f} MB."
        )
    for info in infos:
        if (
            max_ratio is not None
            and info.file_size > _RATIO_FLOOR
            and info.file_size > max_ratio * max(info.compress_size, 1)
        ):
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its member {display_name(info.filename)} "
                f"unpacks to {info.file_size / max(info.compress_size, 1):.0f} times its packed "
                "size, far more than any text; it may be built to exhaust memory (a zip bomb)."
            )
        if info.flag_bits & 0x1:
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its parts are encrypted with a password; "
                "save an unprotected copy and import that."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InvalidInput(
                f"{name} cannot be read as {kind}: it uses a zip compression method "
                "that office programs never write."
            )
        actual, tags, head = _unpacked_size(data, info)
        part = display_name(info.filename)
        if actual != info.file_size:
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its part {part} unpacks to "
                f"{'more' if actual > info.file_size else 'less'} than the archive says "
                "(a damaged file or a zip bomb)."
            )
        # A part is XML by what it holds, not by its name: the package's relationships may
        # point a parser at a part called anything.
        if not _looks_like_xml(head):
            continue
        if actual > MAX_XML_PART_BYTES:
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its part {part} unpacks to "
                f"{actual / 1e6:.0f} MB of XML, more than the {MAX_XML_PART_BYTES / 1e6:.0f} MB "
                "any real document has; it may be damaged or built to exhaust memory."
            )
        if tags > MAX_XML_TAGS:
            raise InvalidInput(
                f"{name} cannot be read as {kind}: its part {part} holds more than "
                f"{MAX_XML_TAGS / 1e6:.0f} million XML tags, more than any real document has; "
                "it may be damaged or built to exhaust memory."
            )


def _looks_like_xml(head: bytes) -> bool:
    """Whether a part's first bytes may start XML: "<" after a byte-order mark and white
    space, or a NUL byte first (UTF-16 or UTF-32 without a mark, which parsers detect)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"\x00")):
        return True
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n").startswith(b"<")


def _unpacked_size(data: bytes, info: zipfile.ZipInfo) -> tuple[int, int, bytes]:
    """What the member really inflates to, its count of "<" and its first bytes, counted in
    small steps (never held in memory), stopping one chunk past the declared size: enough to
    prove a header lies."""
    header = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    if header[0] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"no local header for {info.filename!r}")
    begin = info.header_offset + _LOCAL_HEADER.size + header[10] + header[11]
    end = begin + info.compress_size
    if len(data) < end:
        raise zipfile.BadZipFile(f"{info.filename!r} is cut short")
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size, data.count(b"<", begin, end), data[begin : min(end, begin + 64)]
    compressed = memoryview(data)[begin:end]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total, tags, head, position, pending = 0, 0, b"", 0, b""
    while not inflater.eof and total <= info.file_size:
        if not pending and position < len(compressed):
            pending = bytes(compressed[position : position + _CHUNK])
            position += _CHUNK
        out = inflater.decompress(pending, _CHUNK)
        pending = inflater.unconsumed_tail
        if len(head) < 64:
            head += out[: 64 - len(head)]
        total += len(out)
        tags += out.count(b"<")
        if not out and not pending and position >= len(compressed):
            break  # the input is used up: a stream cut short
    return total, tags, head


def _check_encryption(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> None:
    """LibreOffice keeps a password-protected .odt as a zip whose parts are encrypted
    inside; only its manifest says so."""
    manifest = "META-INF/manifest.xml"
    if any(info.filename == manifest for info in infos):
        with archive.open(manifest) as fh:
            if b"encryption-data" in fh.read(MAX_UNPACKED_BYTES):
                raise InvalidInput(
                    f"{name} is protected by a password; open it in LibreOffice, save a copy "
                    "without the password and import that."
                )


class _Prolog(Exception):
    """Raised from expat handlers to stop at the end of an XML part's prolog."""

    def __init__(self, doctype: bool) -> None:
        super().__init__()
        self.doctype = doctype


def _declares_doctype(chunks: Iterator[bytes]) -> bool:
    """Whether the XML in ``chunks`` has a document type declaration in its prolog (read
    only up to the first element)."""

    def on_doctype(*_: object) -> None:
        raise _Prolog(doctype=True)

    def on_element(*_: object) -> None:
        raise _Prolog(doctype=False)

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = on_doctype
    parser.StartElementHandler = on_element
    chunk = b""
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
    except _Prolog as stop:
        return stop.doctype
    except (xml.parsers.expat.ExpatError, ValueError, LookupError):
        # Not XML, or an encoding expat cannot read (it refuses multi-byte ones such
        # as Shift_JIS, which keep ASCII as it is; a damaged name is no encoding at
        # all): look for the declaration itself.
        return b"<!DOCTYPE" in chunk
    return False


def check_xml_prolog(data: bytes, name: str, kind: str) -> None:
    """Refuse an XML file (not in an archive) whose prolog declares a document type: the
    way in for entity expansion ("billion laughs") and external entities."""
    if _declares_doctype(iter([data[i : i + _CHUNK] for i in range(0, len(data), _CHUNK)])):
        raise InvalidInput(
            f"{name} cannot be read as {kind}: it declares a document type (<!DOCTYPE>), "
            "which can smuggle in XML entity attacks; it was refused for safety."
        )


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, kind: str) -> None:
    """Refuse an XML part whose prolog has a document type declaration.

    Office programs never write one (the OPC standard behind .docx forbids
    it), and a DTD is what entity attacks need: expanding "billion laughs"
    until memory runs out, or external entities that pull /etc/passwd into
    the text. Only the prolog is read, in small chunks, stopping at the first
    element; what is not XML at all (pictures) stops at once, and a part that
    is not well-formed is left to the parser to refuse (python-docx parses
    with entities off; the .odt reader refuses any DTD or entity declaration
    it meets: neither expands any).
    """
    with archive.open(info) as fh:
        doctype = _declares_doctype(iter(lambda: fh.read(_CHUNK), b""))
    if doctype:
        raise InvalidInput(
            f"{name} cannot be read as {kind}: its part {display_name(info.filename)} "
            "declares a document type (<!DOCTYPE>), which office programs never write "
            "and which can smuggle in XML entity attacks; it was refused for safety."
        )
