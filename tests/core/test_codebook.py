"""Code paths and codebook rules (pure Python)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.codebook import CodeTree, join_path, split_path
from annotator.core.errors import Conflict
from annotator.core.models import Code

names = (
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@given(st.lists(names, min_size=1, max_size=4))
def test_paths_split_back_into_the_same_names(parts):
    assert split_path(join_path(parts)) == parts


def test_slash_inside_a_name_is_escaped():
    assert join_path(["Risk/Safety", "AI"]) == "Risk\\/Safety/AI"
    assert split_path("Risk\\/Safety/AI") == ["Risk/Safety", "AI"]


def tree() -> CodeTree:
    a = Code(id="a", name="Roles")
    b = Code(id="b", name="Norm-shaper", parent_id="a")
    c = Code(id="c", name="Sub", parent_id="b")
    d = Code(id="d", name="Rivalry")
    return CodeTree.of([a, b, c, d])


def test_path_level_and_find():
    t = tree()
    assert t.path("c") == "Roles/Norm-shaper/Sub"
    assert t.level("c") == 3
    assert t.find_path("roles/NORM-SHAPER") is not None
    assert t.find_path("Roles/Missing") is None
    assert t.subtree("a") == ["a", "b", "c"]
    # Siblings with equal sort order come alphabetically: Rivalry < Roles.
    assert [c.id for c in t.walk()] == ["d", "a", "b", "c"]


def test_sibling_names_are_unique_case_insensitively():
    t = tree()
    with pytest.raises(Conflict, match="already exists under 'Roles'"):
        t.check_sibling_name("NORM-shaper", "a")
    t.check_sibling_name("Norm-shaper", None)  # same name elsewhere is fine


def test_a_code_cannot_move_into_its_own_subtree():
    t = tree()
    with pytest.raises(Conflict, match="inside itself"):
        t.check_move("a", "c")
    t.check_move("c", None)
