"""Long random sequences of store actions: every action undoes to exactly the state
before it and redoes to exactly the state after it, alone and in chains (Undo takes the
newest step still done, Redo the oldest one undone, a new action drops what could be
redone); a refused action changes nothing; offsets stay inside their texts."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from annotator.core.errors import AnnotatorError
from annotator.store import Project

TABLES = ("coders", "documents", "document_attributes", "codes", "codings", "memos", "settings")
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
]
NAMES = ["A", "B", "C", "a", "D"]


def snapshot(p: Project) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: sorted(tuple(dict(r).items()) for r in p.conn.execute(f"SELECT * FROM {t}"))
        for t in TABLES
    }


def random_action(p: Project, rnd: random.Random, coders: list[str]) -> Callable[[], object] | None:
    codes = [c.id for c in p.codes()]
    codings = [c.id for c in p.codings()]
    docs = [d.id for d in p.documents()]
    name = rnd.choice(NAMES) + str(rnd.randrange(3))
    op = rnd.choice(
        [
            "code",
            "code",
            "coding",
            "coding",
            "coding",
            "remove",
            "resize",
            "reassign",
            "memo",
            "move",
            "merge",
            "delete",
            "quick",
            "rename",
            "attribute",
            "note",
            "drop_document",
        ]
    )
    if op == "code":
        parent = rnd.choice([*codes, None])
        return lambda: p.add_code(
            name,
            parent,
            position=rnd.choice([None, 0, 2]),
            **({"quick_key": rnd.randint(1, 9)} if rnd.random() < 0.3 else {}),
        )
    if op == "coding" and codes and docs:
        doc = rnd.choice(docs)
        length = p.document_length(doc)
        start = rnd.randrange(length - 1)
        end = min(length, start + rnd.randint(1, 40))
        return lambda: p.add_coding(doc, rnd.choice(codes), rnd.choice(coders), start, end)
    if op == "remove" and codings:
        return lambda: p.remove_coding(rnd.choice(codings))
    if op == "resize" and codings:
        c = p.coding(rnd.choice(codings))
        start = max(0, c.start + rnd.randint(-5, 5))
        end = min(p.document_length(c.document_id), max(start + 1, c.end + rnd.randint(-5, 5)))
        return lambda: p.update_coding(c.id, start=start, end=end)
    if op == "reassign" and codings and codes:
        return lambda: p.update_coding(rnd.choice(codings), code_id=rnd.choice(codes))
    if op == "memo" and codings:
        return lambda: p.update_coding(rnd.choice(codings), memo=rnd.choice(["", "x"]))
    if op == "move" and codes:
        return lambda: p.move_code(
            rnd.choice(codes), rnd.choice([*codes, None]), rnd.choice([None, 0, 1, 9])
        )
    if op == "merge" and len(codes) > 1:
        a, b = rnd.sample(codes, 2)
        return lambda: p.merge_codes(a, b)
    if op == "delete" and codes:
        c = rnd.choice(codes)
        return lambda: (
            p.delete_code(c, "delete")
            if rnd.random() < 0.5
            else p.delete_code(c, "move", rnd.choice(codes))
        )
    if op == "quick" and codes:
        return lambda: p.update_code(rnd.choice(codes), quick_key=rnd.choice([None, 1, 2]))
    if op == "rename" and codes:
        return lambda: p.update_code(rnd.choice(codes), name=name)
    if op == "attribute" and docs:
        return lambda: p.set_document_attribute(
            rnd.choice(docs), rnd.choice("gh"), rnd.choice("12")
        )
    if op == "note" and docs:
        return lambda: p.add_memo(
            "note", document_id=rnd.choice([*docs, None]), coder_id=rnd.choice(coders)
        )
    if op == "drop_document" and len(docs) > 1 and rnd.random() < 0.2:
        return lambda: p.delete_document(rnd.choice(docs))
    return None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_actions_undo_and_redo_exactly(project, seed):
    rnd = random.Random(seed)
    coders = [project.add_coder(n).id for n in ("Ann", "Ben")]
    for i in range(3):
        project.add_document(
            f"D{i}",
            " ".join(rnd.choice(WORDS) for _ in range(150)) + f" doc{i}",
            attributes={"g": str(i)},
        )
    # The state after each step still done, oldest first: Undo goes back along it.
    done = [snapshot(project)]
    for _ in range(150):
        action = random_action(project, rnd, coders)
        if action is None:
            continue
        before = snapshot(project)
        redo, mark = project.redo_entry(), project.last_history_id()
        try:
            action()
        except AnnotatorError:
            assert snapshot(project) == before  # refused: nothing written
            assert project.redo_entry() == redo  # not even the history
            continue
        after = snapshot(project)
        if project.last_history_id() == mark:
            assert after == before  # nothing to do (a move to where it is): no step
            continue
        assert project.redo_entry() is None  # a new action drops what could be redone
        for c in project.codings():
            assert 0 <= c.start < c.end <= project.document_length(c.document_id)
        project.undo()
        assert snapshot(project) == before
        project.redo()
        assert snapshot(project) == after
        assert project.redo_entry() is None
        done.append(after)
        if len(done) > 5 and rnd.random() < 0.15:
            # Several steps back, as a researcher pressing Ctrl+Z a few times...
            steps = rnd.randint(2, 4)
            for back in range(1, steps + 1):
                project.undo()
                assert snapshot(project) == done[-1 - back]
            if rnd.random() < 0.6:
                # ... then forward again with Ctrl+Y,
                for forward in range(steps - 1, -1, -1):
                    project.redo()
                    assert snapshot(project) == done[-1 - forward]
                assert project.redo_entry() is None
            else:
                # ... or on from there: the next action drops the steps undone.
                del done[-steps:]
    # And all the way back to where the sequence began, step by step.
    for state in reversed(done[:-1]):
        project.undo()
        assert snapshot(project) == state
