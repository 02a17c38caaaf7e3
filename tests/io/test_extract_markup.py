"""Markdown and HTML sources are stored as the text a reader sees, with no markup left."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InvalidInput
from annotator.io.sources.extract import extract

SEED = Path(__file__).resolve().parents[2] / "seeds" / "002_0f7f9fc4de9fe60e.txt"

MARKDOWN = """\
# The *pacing* problem

Governance of AI faces a **“pacing problem”**<sup>2</sup>, see [the report](http://example.org/r)
and <https://example.org/plain>. Ozone is O<sub>3</sub>; the 5<sup>th</sup> meeting.\\
After a hard break 🤖.

## Initiatives

- Civil Code, 2020<sup>72</sup>
- Data Security Law
  1. first reading
  2. second reading

> A quoted *speech* paragraph.

```
code  kept   as is
```

| Year | Event |
|------|-------|
| 2017 | Plan  |

---

<div>An <b>HTML</b> block.</div>

![a chart](chart.png)

<sup>2</sup> Marchant et al., *The growing gap*, 2011.
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_markdown_keeps_the_words_and_drops_the_markup(tmp_path: Path) -> None:
    source = extract(write(tmp_path, "paper.md", MARKDOWN))
    assert source.format == "md"
    assert source.title == "The pacing problem"
    assert source.text == (
        "The pacing problem\n\n"
        "Governance of AI faces a “pacing problem”², see the report and "
        "https://example.org/plain. Ozone is O₃; the 5th meeting.\n"
        "After a hard break 🤖.\n\n"
        "Initiatives\n\n"
        "• Civil Code, 2020⁷²\n"
        "• Data Security Law\n"
        "  1. first reading\n"
        "  2. second reading\n\n"
        "A quoted speech paragraph.\n\n"
        "code  kept   as is\n\n"
        "Year\tEvent\n"
        "2017\tPlan\n\n"
        "An HTML block.\n\n"
        "² Marchant et al., The growing gap, 2011."
    )


def test_markdown_soft_line_breaks_read_as_spaces(tmp_path: Path) -> None:
    source = extract(
        write(tmp_path, "wrapped.md", "A paragraph wrapped\nat the margin.\r\n\r\nNext.\r\n")
    )
    assert source.text == "A paragraph wrapped at the margin.\n\nNext."


def test_markdown_front_matter_gives_title_and_attributes(tmp_path: Path) -> None:
    text = '---\ntitle: "Finding the same wavelength"\nauthor: Zhang Weiwei\ndate: 2024-01-15\n---\n\n# Heading\n\nBody.\n'
    source = extract(write(tmp_path, "op-ed.markdown", text))
    assert source.title == "Finding the same wavelength"
    assert source.attributes == {"author": "Zhang Weiwei", "created": "2024-01-15"}
    assert source.text == "Heading\n\nBody."


def test_markdown_named_txt_is_read_as_markdown_when_asked(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", "## **Bold** heading\n\nText with *emphasis*.\n")
    assert extract(path).text == "## **Bold** heading\n\nText with *emphasis*.\n"
    source = extract(path, format="md")
    assert (source.format, source.title) == ("md", "Bold heading")
    assert source.text == "Bold heading\n\nText with emphasis."


def test_unknown_format_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="'epub' is not an import format"):
        extract(write(tmp_path, "a.txt", "x"), format="epub")


def test_bundled_markdown_seed_reads_clean() -> None:
    source = extract(SEED, format="md")
    for markup in ("**", "<sup>", "](", "## "):
        assert markup not in source.text
    paragraphs = source.text.split("\n\n")
    assert source.title == "Shaping AI's Future?"
    assert paragraphs[:2] == ["Shaping AI's Future?", "China in Global AI Governance"]
    assert "Abstract" in paragraphs and "Introduction" in paragraphs
    assert "• The State Council of China, 2017¹" in paragraphs
    assert "governance of AI is facing a “pacing problem”², i.e." in source.text


HTML = """<!DOCTYPE html>
<html><head><title>Finding the  same
wavelength</title>
<meta name="author" content="Zhang Weiwei">
<meta property="article:published_time" content="2024-01-15T08:41">
<style>p { color: red }</style><script>document.write("tracking")</script></head>
<body><!-- navigation removed -->
<h1>Opinion</h1>
<p>China and the US share   broad
common interests<sup><a href="#n1">1</a></sup> &amp; goals.</p>
<div>Updated<br>2024-01-15</div>
<ul><li>Trade</li><li><p>Technology</p></li></ul>
<table><tr><th>Year</th><th>Event</th></tr><tr><td>2017</td><td><p>AI plan</p></td></tr></table>
<pre>  line one
    line two</pre>
<p>Emoji 🤖 and caf&eacute;.</p><noscript>Enable JavaScript</noscript>
</body></html>"""


def test_html_visible_text_with_blocks_as_paragraphs(tmp_path: Path) -> None:
    source = extract(write(tmp_path, "oped.html", HTML.replace("\n", "\r\n")))
    assert source.format == "html"
    assert source.title == "Finding the same wavelength"
    assert source.attributes == {"author": "Zhang Weiwei", "created": "2024-01-15T08:41"}
    assert source.text == (
        "Opinion\n\n"
        "China and the US share broad common interests¹ & goals.\n\n"
        "Updated\n2024-01-15\n\n"
        "• Trade\n• Technology\n\n"
        "Year\tEvent\n2017\tAI plan\n\n"
        "  line one\n    line two\n\n"
        "Emoji 🤖 and café."
    )


def test_html_title_falls_back_to_first_h1_then_first_line(tmp_path: Path) -> None:
    assert extract(write(tmp_path, "a.htm", "<h2>Intro</h2><h1>Main</h1><p>x</p>")).title == "Main"
    assert (
        extract(write(tmp_path, "b.html", "<p>First words</p><p>more</p>")).title == "First words"
    )


def test_html_declared_legacy_charset_is_honoured(tmp_path: Path) -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>“Café”</p></body></html>'
    source = extract(write(tmp_path, "old.html", page, "cp1252"))
    assert source.text == "“Café”"
    assert source.notes == []


def test_html_with_only_scripts_has_no_text(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"app\.html has no text to import"):
        extract(
            write(
                tmp_path, "app.html", "<html><script>var a = 1;</script><style>p{}</style></html>"
            )
        )


def test_markdown_front_matter_with_nested_values_is_still_metadata(tmp_path: Path) -> None:
    text = "---\ntitle: Remarks\ntags:\n  - UN\n  - AI\n---\nBody.\n"
    source = extract(write(tmp_path, "r.md", text))
    assert (source.title, source.text) == ("Remarks", "Body.")


def test_markdown_nested_beyond_the_parser_limit_keeps_every_word(tmp_path: Path) -> None:
    # markdown-it silently stops parsing at its nesting limit; the words must survive.
    text = "> " * 80 + "deep quote\n\nNext paragraph.\n"
    source = extract(write(tmp_path, "deep.md", text))
    assert "deep quote" in source.text and "Next paragraph." in source.text
    assert source.notes == ["nested too deeply to read as Markdown; imported as plain text"]


def test_html_nested_thousands_deep_keeps_every_word_and_its_paragraphs(tmp_path: Path) -> None:
    # Old pages repeat <font> without closing it: thousands of levels deep. The walk follows
    # the parser's events without recursing, so depth costs nothing and the layout stays.
    page = "<p>un<b>believ</b>able</p>" + "<font>word " * 3000 + "<p>end</p>"
    source = extract(write(tmp_path, "old.html", page))
    assert source.text == "unbelievable\n\n" + " ".join(["word"] * 3000) + "\n\nend"
    assert source.notes == []
