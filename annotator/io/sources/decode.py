"""Bytes of a text file to ``str``: byte-order marks, UTF-8, and a reported legacy fallback.

The order is fixed and explainable to a researcher:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides the encoding;
2. NUL bytes without a mark mean UTF-16 without a mark (only if the NULs sit
   where ASCII text in UTF-16 puts them) or else a binary file;
3. valid UTF-8 is UTF-8;
4. UTF-8 with a few bytes that are not UTF-8 (a line pasted from an old
   Windows program into a UTF-8 file) stays UTF-8: only those bytes are read
   as Windows-1252, and the note says how many and on which line the first
   is. Reading the whole file as Windows-1252 instead would turn every
   accented letter, Greek or Cyrillic word into mojibake ("cafÃ©"). The file
   counts as UTF-8 when its valid non-ASCII UTF-8 characters outnumber its
   invalid bytes (a Windows-1252 file has almost no valid UTF-8 sequences);
5. otherwise the file is a legacy 8-bit file: Windows-1252 (what Word and
   Notepad wrote for Western languages); the five bytes Windows-1252 leaves
   undefined are read as Latin-1, as browsers do, so one odd byte does not turn
   every curly quote into a control character. If that reading is mostly
   accented letters, the file is probably not Western at all (Chinese GBK,
   Cyrillic Windows-1251...), and charset-normalizer's guess is used instead.

Every fallback (steps 2, 4 and 5) is reported in the returned notes, e.g.
"decoded as Windows-1252 (not UTF-8)", so a wrong guess is never silent.
Text holding NUL characters is refused whatever its encoding: no text file
has them, and stored they would cut strings short in SQLite and in Qt.
"""

from __future__ import annotations

import codecs
import re
from itertools import islice

from annotator.core.errors import InvalidInput

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its LE mark starts with the UTF-16 LE mark.
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

#: Control characters that never occur in real text (tab, newlines, form feed are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
#: The same without C1 controls, which a legacy file's undefined bytes legitimately become.
_C0_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
#: A decoded file with more control characters than this share (and at least
#: _MIN_CONTROLS of them: one stray DOS end-of-file mark is not binary) is binary.
_MAX_CONTROL_SHARE = 0.01
_MIN_CONTROLS = 8
#: Share of non-ASCII letters above which a Windows-1252 reading is probably wrong.
_MAX_ACCENTED_SHARE = 0.4

_LABELS = {
    "cp1252": "Windows-1252",
    "iso8859_1": "Latin-1",
    "gb18030": "GB18030",
    "gbk": "GBK",
    "gb2312": "GB2312",
    "big5": "Big5",
    "cp950": "Big5 (Windows-950)",
    "cp932": "Shift-JIS (Windows-932)",
    "shift_jis": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR",
    "cp949": "Korean (Windows-949)",
    "koi8_r": "KOI8-R",
}


def encoding_label(codec: str) -> str:
    """A name a researcher recognises: 'Windows-1251' rather than 'cp1251'."""
    key = codecs.lookup(codec).name.replace("-", "_")
    if key in _LABELS:
        return _LABELS[key]
    if re.fullmatch(r"cp125\d", key):
        return "Windows-" + key[2:]
    return key.upper().replace("_", "-")


def decode_bom(data: bytes, name: str) -> str | None:
    """The text of a file that starts with a byte-order mark (None if it has none)."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as err:
                raise InvalidInput(
                    f"{name} starts with a {label} byte-order mark but is not valid {label} "
                    f"(bad bytes at position {err.start + len(bom)})."
                ) from err
    return None


def refuse_nul(
    text: str, name: str, advice: str = "it is a binary file or damaged, not text."
) -> str:
    """``text`` unchanged, unless it holds a NUL character (no text file does)."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InvalidInput(f"{name} contains NUL characters (the first on line {line}); {advice}")
    return text


def decode_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode a text file's bytes; return the text and notes on any guess made.

    Raises ``InvalidInput`` naming ``name`` when the bytes are not text.
    """
    text = decode_bom(data, name)
    if text is not None:
        return _checked(refuse_nul(text, name), name), []

    if b"\x00" in data:
        found = _bomless_utf16(data)
        if found is None:
            raise InvalidInput(
                f"{name} looks like a binary file (it contains NUL bytes), not text."
            )
        text, codec = found
        return _checked(text, name), [f"decoded as {codec} (no byte-order mark)"]

    try:
        return _checked(data.decode("utf-8"), name), []
    except UnicodeDecodeError:
        pass

    mostly = _mostly_utf8(data)
    if mostly is not None:
        text, note = mostly
        return _checked(text, name, _C0_CONTROL), [note]

    text, label = _legacy(data)
    return _checked(text, name, _C0_CONTROL), [f"decoded as {label} (not UTF-8)"]


def _checked(text: str, name: str, control: re.Pattern[str] = _CONTROL) -> str:
    """Refuse text full of control characters: a binary file that happened to decode."""
    if text:
        controls = sum(1 for _ in control.finditer(text))
        if controls >= _MIN_CONTROLS and controls > _MAX_CONTROL_SHARE * len(text):
            raise InvalidInput(
                f"{name} looks like a binary file ({controls} control characters), not text."
            )
    return text


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a mark: Western text then has NUL in every other byte, on one side only."""
    if len(data) % 2:
        return None
    half = len(data) // 2
    nul_even = data[0::2].count(0)
    nul_odd = data[1::2].count(0)
    for nuls, others, codec, label in (
        (nul_odd, nul_even, "utf-16-le", "UTF-16 LE"),
        (nul_even, nul_odd, "utf-16-be", "UTF-16 BE"),
    ):
        if others == 0 and nuls >= 0.3 * half:
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                return None
    return None


#: One byte that is not UTF-8, as ``surrogateescape`` decoding marks it.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
#: A non-ASCII character that is not such a mark: proof of real UTF-8.
_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with a few stray bytes: the text (those bytes read as Windows-1252) and a note.

    None when the invalid bytes are not outnumbered by valid non-ASCII UTF-8
    characters, i.e. the file is a legacy 8-bit file after all.
    """
    escaped = data.decode("utf-8", errors="surrogateescape")
    bad = sum(1 for _ in _ESCAPED_BYTE.finditer(escaped))
    first = _ESCAPED_BYTE.search(escaped)
    # Stop counting valid characters once they outnumber the bad bytes.
    if first is None or next(islice(_NON_ASCII.finditer(escaped), bad, None), None) is None:
        return None
    line = escaped.count("\n", 0, first.start()) + 1
    text = _ESCAPED_BYTE.sub(
        lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", "annotator-latin1-holes"),
        escaped,
    )
    what = (
        f"1 byte that is not UTF-8 (on line {line}) was"
        if bad == 1
        else (f"{bad} bytes that are not UTF-8 (the first on line {line}) were")
    )
    return text, f"decoded as UTF-8; {what} read as Windows-1252"


def _latin1_holes(err: UnicodeError) -> tuple[str, int]:
    """Error handler: a byte Windows-1252 does not define is read as Latin-1."""
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("annotator-latin1-holes", _latin1_holes)


def _legacy(data: bytes) -> tuple[str, str]:
    """An 8-bit file: Windows-1252 (holes as Latin-1), unless that is clearly not Western text."""
    try:
        text, label = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="annotator-latin1-holes")
        label = "Windows-1252, with Latin-1 for bytes Windows-1252 leaves undefined"
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 0x7F)
    if letters and accented > _MAX_ACCENTED_SHARE * len(letters):
        guessed = _guess(data)
        if guessed is not None:
            return guessed[0], f"{encoding_label(guessed[1])}, a guess"
    return text, label


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best reading, if it found one without mojibake."""
    from charset_normalizer import from_bytes  # imported late: only legacy files need it

    best = from_bytes(data).best()
    western = {"utf_8", "ascii", "cp1252", "latin_1", "iso8859_15"}
    if best is None or best.chaos > 0.1 or best.encoding in western:
        return None
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        return None
