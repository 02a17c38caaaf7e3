"""The audit trail export: every step with who, when and what, readable in a spreadsheet."""

from __future__ import annotations

import csv

from annotator.io.tables.audit import COLUMNS, export_audit


def test_the_audit_trail_lists_every_step_with_who_did_it(tmp_path, project):
    project.actor = "Ann"
    ann = project.add_coder("Ann")
    doc = project.add_document("Speech", "We build capacity together.")
    code = project.add_code("Capacity building")
    project.add_coding(doc.id, code.id, ann.id, 3, 17)
    project.undo()
    out = tmp_path / "audit.csv"
    assert export_audit(project, out) == 5
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMNS
    body = [dict(zip(COLUMNS, r, strict=True)) for r in rows[1:]]
    assert [r["action"] for r in body] == [
        "Add coder Ann",
        "Import Speech",
        "Add code Capacity building",
        "Apply code",
        "Undo Apply code",
    ]
    assert all(r["who"] == "Ann" for r in body)
    assert body[3]["state"] == "undone" and body[3]["what"] == "1 coding added"
    assert body[4]["kind"] == "undo" and body[4]["undoable"] == "no"


def test_a_formula_in_a_name_stays_inert_in_the_trail(tmp_path, project):
    project.actor = '=HYPERLINK("http://x")'
    project.add_coder("Ann")
    out = tmp_path / "audit.csv"
    export_audit(project, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        who = list(csv.reader(fh))[1][2]
    assert who == "'" + project.actor
