"""Decoding .txt sources: every encoding a researcher's files arrive in, and binary refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from annotator.core.errors import InvalidInput
from annotator.io.sources.decode import decode_text
from annotator.io.sources.extract import extract

TEXT = "Café “naïve” résumé — 人工智能 🤖🇨🇳"


def test_utf8_decodes_without_a_note_and_keeps_emoji() -> None:
    assert decode_text(TEXT.encode("utf-8"), "a.txt") == (TEXT, [])


def test_utf8_byte_order_mark_is_removed() -> None:
    text, notes = decode_text(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "a.txt")
    assert text == TEXT and notes == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_byte_order_mark(codec: str) -> None:
    text, notes = decode_text(("\ufeff" + TEXT).encode(codec), "a.txt")
    assert text == TEXT and notes == []


def test_utf16_without_byte_order_mark_is_recognised_and_reported() -> None:
    text, notes = decode_text("Plain English, said the speaker.\n".encode("utf-16-le"), "a.txt")
    assert text == "Plain English, said the speaker.\n"
    assert notes == ["decoded as UTF-16 LE (no byte-order mark)"]


def test_windows_1252_fallback_is_reported() -> None:
    data = "The “pacing problem” of AI — café".encode("cp1252")
    text, notes = decode_text(data, "old.txt")
    assert text == "The “pacing problem” of AI — café"
    assert notes == ["decoded as Windows-1252 (not UTF-8)"]


def test_byte_undefined_in_windows_1252_falls_back_to_latin1_without_losing_the_rest() -> None:
    data = "“Quoted” café ".encode("cp1252") + b"\x81"
    text, notes = decode_text(data, "old.txt")
    assert text == "“Quoted” café \x81"
    assert "Latin-1" in notes[0] and "not UTF-8" in notes[0]


def test_legacy_chinese_file_is_not_read_as_western_mojibake() -> None:
    sentence = "中国将积极参与人工智能全球治理，加强机器人异化和安全监管等问题研究。\n"
    text, notes = decode_text((sentence * 3).encode("gb18030"), "gb.txt")
    assert text == sentence * 3
    assert notes == ["decoded as GB18030, a guess (not UTF-8)"]


def test_nul_bytes_mean_binary() -> None:
    with pytest.raises(InvalidInput, match=r"photo\.txt looks like a binary file"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "photo.txt")


def test_control_characters_without_nul_mean_binary() -> None:
    with pytest.raises(InvalidInput, match=r"blob\.txt looks like a binary file"):
        decode_text(bytes(range(1, 32)) * 10, "blob.txt")


def test_one_stray_dos_end_of_file_mark_is_still_text() -> None:
    assert decode_text(b"Old DOS notes\r\n\x1a", "dos.txt") == ("Old DOS notes\r\n\x1a", [])


def test_broken_utf16_after_its_mark_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"bad\.txt starts with a UTF-16 byte-order mark"):
        decode_text(codecs.BOM_UTF16_LE + b"a\x00b", "bad.txt")


def test_extract_normalises_line_ends_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "speech.txt"
    path.write_bytes(
        "\r\n  Title line  \r\nFirst\tline \r\rSecond 🤖 line\r\n\r\n".encode("utf-16")
    )
    source = extract(path)
    assert source.text == "\n  Title line  \nFirst\tline \n\nSecond 🤖 line\n\n"
    assert source.title == "Title line"
    assert source.format == "txt"
    assert source.notes == []


def test_extract_reports_the_legacy_encoding_in_notes(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Résumé of the “talks”\r\n".encode("cp1252"))
    source = extract(path)
    assert source.text == "Résumé of the “talks”\n"
    assert source.notes == ["decoded as Windows-1252 (not UTF-8)"]
