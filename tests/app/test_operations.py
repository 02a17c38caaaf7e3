"""The coding operations and their policies, without Qt: what the window and the CLI share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import SPEECH, Sample

from annotator.app import operations
from annotator.app.session import Session
from annotator.core.errors import AnnotatorError, Conflict, InvalidInput, NotFound
from annotator.core.models import Coding
from annotator.store import Project


@pytest.fixture
def session(sample: Sample) -> Session:
    s = Session(sample.project)
    s.set_active_coder(sample.ann.id)
    return s


def words(text: str, after: str = "") -> tuple[int, int]:
    start = SPEECH.index(text, SPEECH.index(after) if after else 0)
    return start, start + len(text)


def steps(project: Project) -> list[str]:
    return [e.label for e in project.history() if e.kind == "action"]


class Asked:
    """A ``confirm`` that records each question and gives one answer."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.questions: list[str] = []

    def __call__(self, question: str) -> bool:
        self.questions.append(question)
        return self.answer


# -- coding text -----------------------------------------------------------------------------
def test_coding_with_a_chosen_code(session: Session, sample: Sample) -> None:
    p = sample.project
    coded = operations.code_span(
        session, sample.speech.id, *words("global governance"), code_id=sample.norms.id
    )
    assert not coded.created and coded.code.id == sample.norms.id
    assert (coded.coding.coder_id, coded.coding.start, coded.coding.end) == (
        sample.ann.id,
        *words("global governance"),
    )
    assert [rc.key[0] for rc in coded.changes.of("codings")] == [coded.coding.id]
    assert steps(p)[-1] == "Code with Norms" and session.recent_codes == [sample.norms.id]


def test_pick_then_apply_a_path_creates_the_code_under_its_parent(
    session: Session, sample: Sample
) -> None:
    p = sample.project
    before = len(steps(p))
    coded = operations.code_span(
        session, sample.speech.id, *words("capacity"), new_name="Norms / Capacity"
    )
    assert (
        coded.created and coded.code.name == "Capacity" and coded.code.parent_id == sample.norms.id
    )
    assert p.code_tree().path(coded.code.id) == "Norms/Capacity"
    assert p.coding(coded.coding.id).code_id == coded.code.id
    assert steps(p)[before:] == ["Code with new code Capacity"]  # one step for both
    p.undo()
    assert "Capacity" not in {c.name for c in p.codes()} and len(p.codings()) == 4
    deeper = operations.code_span(
        session, sample.speech.id, 0, 5, new_name="norms/norm-shaper/Strong"
    )
    assert (
        p.code_tree().path(deeper.code.id) == "Norms/Norm-shaper/Strong"
    )  # names match as the codebook does


def test_a_path_under_a_code_that_does_not_exist_is_refused(
    session: Session, sample: Sample
) -> None:
    p = sample.project
    before = (len(p.codes()), len(p.codings()), len(steps(p)))
    with pytest.raises(NotFound, match="no code 'Emotion' at the top level to create 'Joy' under"):
        operations.code_span(session, sample.speech.id, 0, 5, new_name="Emotion/Joy")
    assert (len(p.codes()), len(p.codings()), len(steps(p))) == before


@pytest.mark.parametrize("answer", [True, False])
def test_missing_parents_of_a_typed_path_are_made_after_asking(
    session: Session, sample: Sample, answer: bool
) -> None:
    """Issue 8, item 13: "Emotion/Positive/Joy" with no Emotion asks, then makes all
    three in one step (yes), or refuses and changes nothing (no)."""
    p = sample.project
    before = (len(p.codes()), len(p.codings()), len(steps(p)))
    asked: list[str] = []

    def confirm(question: str) -> bool:
        asked.append(question)
        return answer

    if not answer:
        with pytest.raises(NotFound, match="no code 'Emotion'"):
            operations.code_span(
                session, sample.speech.id, 0, 5, new_name="Emotion/Positive/Joy", confirm=confirm
            )
        assert (len(p.codes()), len(p.codings()), len(steps(p))) == before
    else:
        coded = operations.code_span(
            session, sample.speech.id, 0, 5, new_name="Emotion/Positive/Joy", confirm=confirm
        )
        assert p.code_tree().path(coded.code.id) == "Emotion/Positive/Joy"
        assert steps(p)[before[2] :] == ["Code with new code Joy"]  # one step for all
        p.undo()
        assert (len(p.codes()), len(p.codings())) == before[:2]
    assert asked == [
        "There is no code 'Emotion/Positive' at the top level yet. Create it, with 'Joy' under it?"
    ]


def test_a_missing_parent_deeper_down_is_asked_about_from_where_the_path_leaves_the_tree(
    session: Session, sample: Sample
) -> None:
    p = sample.project
    coded = operations.code_spans(
        session,
        [(sample.speech.id, 0, 5), (sample.emoji.id, 0, 4)],
        new_name="Norms/Soft power/Persuasion",
        confirm=lambda q: "'Soft power' under 'Norms'" in q,
    )
    assert p.code_tree().path(coded.code.id) == "Norms/Soft power/Persuasion"
    assert len(coded.codings) == 2


def test_a_new_name_is_tidied_and_an_escaped_slash_is_part_of_it(
    session: Session, sample: Sample
) -> None:
    p = sample.project
    coded = operations.code_span(session, sample.speech.id, 0, 5, new_name="  Global   governance ")
    assert coded.code.name == "Global governance" and coded.code.parent_id is None
    assert steps(p)[-1] == "Code with new code Global governance"  # the name the codebook shows
    slash = operations.code_with_new_code(session, r"AI\/ML", sample.speech.id, 0, 5)
    assert slash.code.name == "AI/ML" and slash.code.parent_id is None


def test_a_new_code_named_like_an_existing_one_is_refused(session: Session, sample: Sample) -> None:
    with pytest.raises(Conflict):
        operations.code_span(session, sample.speech.id, 0, 5, new_name="norms")
    assert len(sample.project.codes()) == 3


def test_in_vivo_names_the_code_after_the_words_literally(session: Session, sample: Sample) -> None:
    p = sample.project
    doc = p.add_document("Slash", "They said and/or\nmaybe.")
    coded = operations.code_in_vivo(session, doc.id, 5, 23)
    assert coded.code.name == "said and/or maybe." and coded.code.parent_id is None  # no path
    assert steps(p)[-1] == "Code with new code said and/or maybe."
    with pytest.raises(InvalidInput, match="Select some words"):
        operations.code_in_vivo(session, doc.id, 16, 17)  # a line break only


def test_without_an_active_coder_nothing_is_coded(sample: Sample) -> None:
    session = Session(sample.project)
    for attempt in (
        lambda: operations.code_span(session, sample.speech.id, 0, 5, code_id=sample.norms.id),
        lambda: operations.code_spans(session, [(sample.speech.id, 0, 5)], new_name="New"),
        lambda: operations.code_in_vivo(session, sample.speech.id, 0, 5),
    ):
        with pytest.raises(InvalidInput, match="Choose who is coding first"):
            attempt()
    assert len(sample.project.codings()) == 4 and len(sample.project.codes()) == 3


def test_choose_a_code_or_name_one(session: Session, sample: Sample) -> None:
    with pytest.raises(InvalidInput, match="Choose a code, or name a new one"):
        operations.code_span(session, sample.speech.id, 0, 5)
    with pytest.raises(InvalidInput):
        operations.code_span(
            session, sample.speech.id, 0, 5, code_id=sample.norms.id, new_name="Both"
        )


# -- coding many spans: skip what is coded already ----------------------------------------------
def test_coding_many_spans_skips_those_the_coder_already_coded(
    session: Session, sample: Sample
) -> None:
    p = sample.project
    s = sample.speech.id
    coded_already = (s, 0, 59)  # Ann's Norm-shaper coding in the sample
    new = (s, *words("capacity"))
    bens = next((c.document_id, c.start, c.end) for c in p.codings(coder_ids=[sample.ben.id]))
    p.add_coding(
        bens[0], sample.norm_shaper.id, sample.ben.id, bens[1], bens[2]
    )  # Ben's: no reason to skip
    before = len(steps(p))
    coded = operations.code_spans(
        session, [coded_already, new, bens], code_id=sample.norm_shaper.id
    )
    assert coded.skipped == 1 and {(c.document_id, c.start, c.end) for c in coded.codings} == {
        new,
        bens,
    }
    assert all(c.coder_id == sample.ann.id for c in coded.codings)
    assert steps(p)[before:] == ["Code 2 passages with Norm-shaper"]
    again = operations.code_spans(
        session, [coded_already, new, bens], code_id=sample.norm_shaper.id
    )
    assert again.codings == () and again.skipped == 3 and not again.changes
    assert len(steps(p)) == before + 1  # nothing to do: no step


def test_coding_many_spans_with_a_new_code_is_one_step(session: Session, sample: Sample) -> None:
    p = sample.project
    spans = [(sample.speech.id, *words("China")), (sample.speech.id, *words("China", "US and"))]
    coded = operations.code_spans(session, spans, new_name="Norms/China")
    assert coded.created and coded.code.parent_id == sample.norms.id and len(coded.codings) == 2
    assert steps(p)[-1] == "Code 2 passages with new code China"
    p.undo()
    assert "China" not in {c.name for c in p.codes()}
    with pytest.raises(InvalidInput, match="nothing to code"):
        operations.code_spans(session, [], code_id=sample.norms.id)


# -- the other-coder rule ---------------------------------------------------------------------------
def bens_coding(sample: Sample) -> Coding:
    return next(
        c
        for c in sample.project.codings(document_id=sample.speech.id)
        if c.coder_id == sample.ben.id
    )


EDITS: dict[str, tuple[Callable[[Session, Coding, Sample, Asked], operations.Edited], str]] = {
    "remove": (
        lambda s, c, _x, ask: operations.remove_coding(s, c.id, confirm=ask),
        "Remove it anyway?",
    ),
    "reassign": (
        lambda s, c, x, ask: operations.reassign_coding(s, c.id, x.norms.id, confirm=ask),
        "Re-assign it to Norms anyway?",
    ),
    "resize": (
        lambda s, c, _x, ask: operations.resize_coding(s, c.id, c.start + 1, c.end, confirm=ask),
        "Change the passage it covers anyway?",
    ),
    "memo": (
        lambda s, c, _x, ask: operations.set_coding_memo(s, c.id, "Ben's? Hm.", confirm=ask),
        "Change its memo anyway?",
    ),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_editing_another_coder_s_coding_asks_and_a_no_changes_nothing(
    session: Session, sample: Sample, edit: str
) -> None:
    p = sample.project
    run, question = EDITS[edit]
    coding = bens_coding(sample)
    before = (p.codings(), steps(p))
    ask = Asked(False)
    result = run(session, coding, sample, ask)
    assert ask.questions == [f"This Geopolitical rivalry coding is Ben's. {question}"]
    assert not result.done and not result.changes and result.coding == coding
    assert (p.codings(), steps(p)) == before


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_editing_another_coder_s_coding_after_a_yes(
    session: Session, sample: Sample, edit: str
) -> None:
    p = sample.project
    run, _question = EDITS[edit]
    coding = bens_coding(sample)
    ask = Asked(True)
    result = run(session, coding, sample, ask)
    assert len(ask.questions) == 1 and result.done and result.changes.touches("codings")
    label = {
        "remove": "Remove coding Geopolitical rivalry",
        "reassign": "Re-assign coding to Norms",
        "resize": "Resize coding Geopolitical rivalry",
        "memo": "Edit memo of coding Geopolitical rivalry",
    }
    assert steps(p)[-1] == label[edit]
    assert p.history()[-1].actor == "Ann"  # done by Ann, on Ben's coding
    if edit == "remove":
        assert coding.id not in {c.id for c in p.codings()}
    else:
        assert p.coding(coding.id) == result.coding != coding
        assert result.coding.coder_id == sample.ben.id  # still Ben's


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_the_active_coder_s_own_codings_are_edited_without_a_question(
    session: Session, sample: Sample, edit: str
) -> None:
    run, _question = EDITS[edit]
    own = next(
        c
        for c in sample.project.codings(document_id=sample.speech.id)
        if c.coder_id == sample.ann.id and c.code_id == sample.rivalry.id
    )

    def never(question: str) -> bool:
        raise AssertionError(f"asked: {question}")

    assert run(session, own, sample, never).done  # type: ignore[arg-type]


def test_without_an_active_coder_every_coding_is_another_s(sample: Sample) -> None:
    session = Session(sample.project)
    ask = Asked(False)
    assert not operations.remove_coding(session, bens_coding(sample).id, confirm=ask).done
    assert len(ask.questions) == 1


def test_an_edit_that_changes_nothing_asks_nothing_and_takes_no_step(
    session: Session, sample: Sample
) -> None:
    p = sample.project
    coding = bens_coding(sample)
    before = steps(p)

    def never(question: str) -> bool:
        raise AssertionError(question)

    assert operations.reassign_coding(session, coding.id, coding.code_id, confirm=never).done
    assert operations.resize_coding(
        session, coding.id, coding.start, coding.end, confirm=never
    ).done
    assert operations.set_coding_memo(session, coding.id, coding.memo, confirm=never).done
    assert steps(p) == before


def test_an_impossible_edit_is_refused_even_after_a_yes(session: Session, sample: Sample) -> None:
    """A yes does not make an impossible edit possible: the store's sentence comes through."""
    coding = bens_coding(sample)
    with pytest.raises(AnnotatorError, match="impossible"):
        operations.resize_coding(session, coding.id, 5, 10_000, confirm=Asked(True))
    assert sample.project.coding(coding.id) == coding
