"""Comparing coders in a real project: what is read, what is refused, what is found."""

from __future__ import annotations

import threading

import pytest
from conftest import EMOJI, SPEECH, Sample

from annotator.app.background import Cancelled
from annotator.app.comparison import compare, comparison_read, disagreements
from annotator.core.errors import InvalidInput, NotFound

RIVALRY_ANN = (SPEECH.index("The US"), len(SPEECH) - 1)
RIVALRY_BEN = (SPEECH.index("technological"), len(SPEECH) - 2)
TOTAL = len(SPEECH) + len(EMOJI)


def test_every_code_someone_coded_in_every_document(sample: Sample) -> None:
    s = sample
    report = compare(s.project, [s.ann.id, s.ben.id])
    assert report.coder_ids == (s.ann.id, s.ben.id)
    assert report.document_ids == (s.speech.id, s.emoji.id)
    # Norms itself has no codings (without its sub-codes): left out; codebook order kept.
    assert [c.code_id for c in report.codes] == [s.norm_shaper.id, s.rivalry.id]
    shaper, rivalry = report.codes
    # Norm-shaper: Ann's 59 characters, Ben none, over every character of both documents
    assert shaper.characters.percent_agreement.value == pytest.approx((TOTAL - 59) / TOTAL)
    assert shaper.coded_only.value == 0.0
    assert dict(shaper.segments) == {s.ann.id: 1, s.ben.id: 0}
    # Rivalry: in the speech both coded, overlapping; in the emoji post only Ben
    both = RIVALRY_BEN[1] - RIVALRY_BEN[0]
    ann_only = RIVALRY_ANN[1] - RIVALRY_ANN[0] - both
    ben_emoji = EMOJI.index(" heats")
    assert rivalry.character_tally.counts == {3: both, 1: ann_only, 2: ben_emoji}
    assert rivalry.characters.percent_agreement.value == pytest.approx(
        (TOTAL - ann_only - ben_emoji) / TOTAL
    )
    assert rivalry.coded_only.value == pytest.approx(both / (both + ann_only + ben_emoji))
    assert rivalry.documents.percent_agreement.value == 0.5  # agree on the speech only
    assert report.overall.segment_kappa.counts["codes"] == 2


def test_sub_codes_count_for_their_parent_when_asked(sample: Sample) -> None:
    s = sample
    plain = compare(s.project, [s.ann.id, s.ben.id], [s.norms.id, s.rivalry.id])
    assert [c.code_id for c in plain.codes] == [s.rivalry.id]
    folded = compare(
        s.project, [s.ann.id, s.ben.id], [s.norms.id, s.rivalry.id], with_subcodes=True
    )
    assert [c.code_id for c in folded.codes] == [s.norms.id, s.rivalry.id]
    assert folded.codes[0].character_tally.counts == {1: 59}


def test_only_the_chosen_documents_count(sample: Sample) -> None:
    s = sample
    report = compare(s.project, [s.ann.id, s.ben.id], document_ids=[s.speech.id])
    assert report.document_ids == (s.speech.id,)
    rivalry = report.codes[-1]
    assert rivalry.characters.percent_agreement.counts["units"] == len(SPEECH)
    assert rivalry.documents.percent_agreement.value == 1.0


def test_three_coders_get_pairs_and_no_cohen_kappa(sample: Sample) -> None:
    s = sample
    cem = s.project.add_coder("Cem")
    s.project.add_coding(s.speech.id, s.rivalry.id, cem.id, *RIVALRY_ANN)
    report = compare(s.project, [s.ann.id, s.ben.id, cem.id], [s.rivalry.id])
    (rivalry,) = report.codes
    assert rivalry.characters.cohen_kappa.value is None
    assert rivalry.characters.krippendorff_alpha.value is not None
    assert [(p.first, p.second) for p in rivalry.pairs] == [(0, 1), (0, 2), (1, 2)]
    ann_cem = rivalry.pairs[1]
    assert ann_cem.characters.cohen_kappa.value == 1.0
    assert ann_cem.segments.matched == 1


def test_comparing_only_reads(sample: Sample) -> None:
    s = sample
    changes = s.project.conn.total_changes
    compare(s.project, [s.ann.id, s.ben.id])
    disagreements(s.project, s.ann.id, s.ben.id)
    assert s.project.conn.total_changes == changes


def test_bad_choices_are_refused_with_one_sentence(sample: Sample) -> None:
    s = sample
    p, ids = s.project, [s.ann.id, s.ben.id]
    with pytest.raises(NotFound, match="No coder"):
        compare(p, [s.ann.id, "nobody"])
    with pytest.raises(InvalidInput, match="at least two coders"):
        compare(p, [s.ann.id])
    with pytest.raises(InvalidInput, match="named twice"):
        compare(p, [s.ann.id, s.ann.id])
    with pytest.raises(InvalidInput, match="No code"):
        compare(p, ids, ["not-a-code"])
    with pytest.raises(NotFound, match="No document"):
        compare(p, ids, document_ids=["not-a-document"])
    with pytest.raises(InvalidInput, match="overlap"):
        compare(p, ids, overlap=0)
    idle = p.add_coder("Idle")
    with pytest.raises(InvalidInput, match="Fewer than two of the chosen coders"):
        compare(p, [s.ann.id, idle.id])
    # Ann's only Norm-shaper coding is hers alone: nothing to compare there either
    with pytest.raises(InvalidInput, match="coded: Ann"):
        compare(p, ids, [s.norm_shaper.id])
    # but a coder without codings may join two who have some
    assert compare(p, [s.ann.id, s.ben.id, idle.id]).overall.segments[idle.id] == 0


def test_disagreements_by_document_then_position(sample: Sample) -> None:
    s = sample
    found = disagreements(s.project, s.ann.id, s.ben.id)
    assert [(d.document_id, d.code_id, d.start, d.end) for d in found] == [
        (s.speech.id, s.norm_shaper.id, 0, 59),
        (s.speech.id, s.rivalry.id, *RIVALRY_ANN),
        (s.emoji.id, s.rivalry.id, 0, EMOJI.index(" heats")),
    ]
    rivalry = found[1]
    assert dict(rivalry.spans) == {s.ann.id: (RIVALRY_ANN,), s.ben.id: (RIVALRY_BEN,)}
    only = disagreements(s.project, s.ann.id, s.ben.id, [s.rivalry.id], [s.emoji.id])
    assert [(d.document_id, d.start) for d in only] == [(s.emoji.id, 0)]
    with pytest.raises(InvalidInput, match="named twice"):
        disagreements(s.project, s.ann.id, s.ann.id)


def test_a_background_comparison_reads_on_its_own_connection(sample: Sample) -> None:
    s = sample
    job = comparison_read(s.project.path, [s.ann.id, s.ben.id])
    result: list[object] = []
    thread = threading.Thread(target=lambda: result.append(job.run()))
    thread.start()
    thread.join(30)
    (report,) = result
    assert report == compare(s.project, [s.ann.id, s.ben.id])
    cancelled = comparison_read(s.project.path, [s.ann.id, s.ben.id])
    cancelled.cancel()
    with pytest.raises(Cancelled):
        cancelled.run()


def test_the_bulk_read_gives_only_the_chosen_coders_spans(sample: Sample) -> None:
    s = sample
    rows = s.project.comparison_spans([s.ben.id])
    assert sorted(rows) == sorted(
        [
            (s.speech.id, s.rivalry.id, s.ben.id, *RIVALRY_BEN),
            (s.emoji.id, s.rivalry.id, s.ben.id, 0, EMOJI.index(" heats")),
        ]
    )
    assert s.project.comparison_spans([]) == []
    assert len(s.project.comparison_spans([s.ann.id, s.ben.id, "nobody"])) == 4
