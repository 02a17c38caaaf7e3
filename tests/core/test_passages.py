"""The sentence and paragraph around a passage (triple-click, "Code all" widened)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.passages import paragraph_span, sentence_span, widen

ARTICLE = (
    "AI governance is contested. States differ on who sets the rules!\n"
    "Some wrap lines inside a paragraph.\n"
    "\n"
    "China proposes “inclusive” standards. The US 🇺🇸 leads on chips… Others hedge.\n"
    "\n\n"
    "Last one"
)
TRANSCRIPT = "Q: Who sets the rules?\nA: Everyone, in the end. Or so we hope.\nQ: Thanks."


def text_of(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def test_a_paragraph_runs_from_blank_line_to_blank_line_when_the_text_has_them() -> None:
    pos = ARTICLE.index("wrap")
    assert text_of(ARTICLE, paragraph_span(ARTICLE, pos)) == (
        "AI governance is contested. States differ on who sets the rules!\n"
        "Some wrap lines inside a paragraph."
    )
    pos = ARTICLE.index("chips")
    assert text_of(ARTICLE, paragraph_span(ARTICLE, pos)).startswith("China proposes")
    assert text_of(ARTICLE, paragraph_span(ARTICLE, len(ARTICLE))) == "Last one"


def test_on_a_blank_line_the_next_paragraph_is_taken() -> None:
    pos = ARTICLE.index("\n\nChina") + 1
    assert text_of(ARTICLE, paragraph_span(ARTICLE, pos)).startswith("China proposes")


def test_a_text_without_blank_lines_has_one_paragraph_per_line() -> None:
    pos = TRANSCRIPT.index("Everyone")
    assert text_of(TRANSCRIPT, paragraph_span(TRANSCRIPT, pos)) == (
        "A: Everyone, in the end. Or so we hope."
    )


def test_a_sentence_ends_at_its_mark_and_closing_quotes() -> None:
    pos = ARTICLE.index("leads")
    assert text_of(ARTICLE, sentence_span(ARTICLE, pos)) == "The US 🇺🇸 leads on chips…"
    pos = ARTICLE.index("inclusive")
    assert text_of(ARTICLE, sentence_span(ARTICLE, pos)) == "China proposes “inclusive” standards."
    pos = ARTICLE.index("rules")
    assert text_of(ARTICLE, sentence_span(ARTICLE, pos)) == "States differ on who sets the rules!"


def test_a_hit_across_two_sentences_widens_to_both() -> None:
    start = ARTICLE.index("contested")
    end = ARTICLE.index("differ") + 3
    assert text_of(ARTICLE, sentence_span(ARTICLE, start, end)) == (
        "AI governance is contested. States differ on who sets the rules!"
    )


def test_cjk_full_stops_end_sentences_without_a_space() -> None:
    text = "人工智能治理很重要。各国看法不同！我们合作。"
    assert text_of(text, sentence_span(text, text.index("各国"))) == "各国看法不同！"


def test_widen_to_the_hit_keeps_it() -> None:
    assert widen(ARTICLE, 3, 9, "hit") == (3, 9)
    para = widen(ARTICLE, ARTICLE.index("China"), ARTICLE.index("Others"), "paragraph")
    assert text_of(ARTICLE, para).endswith("Others hedge.")


@given(st.text(alphabet="ab .!\n🇺é", max_size=60), st.data())
def test_spans_hold_the_position_and_never_start_or_end_in_white_space(text, data) -> None:
    pos = data.draw(st.integers(0, len(text)))
    for span in (paragraph_span(text, pos), sentence_span(text, pos)):
        start, end = span
        assert 0 <= start <= end <= len(text)
        if start < end:
            assert not text[start].isspace() and not text[end - 1].isspace()
    s_start, s_end = sentence_span(text, pos)
    p_start, p_end = paragraph_span(text, pos)
    if s_start < s_end and text[min(pos, len(text) - 1) :].strip():
        assert p_start <= s_start and s_end <= p_end  # a sentence stays in its paragraph
