"""Codebook CSV: what researchers open in Excel/pandas, and what they import back."""

from __future__ import annotations

import csv
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from csv_helpers import read_rows, write_file
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.changes import ChangeSet
from annotator.core.colors import PALETTE
from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.io.tables.codebook_csv import COLUMNS, export_codebook, import_codebook
from annotator.store import Project


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    return read_rows(path, COLUMNS)


BOM = "\ufeff"


def snapshot(project: Project, path: Path) -> bytes:
    export_codebook(project, path)
    return path.read_bytes()


def strip_counts(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v for k, v in r.items() if k not in ("codings", "documents")} for r in rows]


# -- export ----------------------------------------------------------------------
def test_export_writes_one_row_per_code_in_tree_order_with_counts(sample, tmp_path: Path) -> None:
    path = tmp_path / "codebook.csv"
    assert export_codebook(sample.project, path) == 3
    assert path.read_bytes().startswith(BOM.encode())
    rows = read_csv_rows(path)
    assert [(r["path"], r["parent_path"], r["level"]) for r in rows] == [
        ("Norms", "", "1"), ("Norms/Norm-shaper", "Norms", "2"), ("Geopolitical rivalry", "", "1"),
    ]  # fmt: skip
    norms, shaper, rivalry = rows
    assert norms["id"] == sample.norms.id and norms["definition"] == "Talk about rules and norms."
    assert (shaper["color"], shaper["codings"], shaper["documents"]) == ("#3CB44B", "1", "1")
    assert (rivalry["codings"], rivalry["documents"]) == ("3", "2")
    assert (norms["codings"], norms["documents"]) == ("0", "0")


def test_names_with_slashes_and_formula_prefixes_are_escaped_and_neutralised(
    project, tmp_path: Path
) -> None:
    top = project.add_code("=HYPERLINK(x)")
    project.add_code("either/or", top.id, definition='-1 point, "quoted"\nsecond line')
    path = tmp_path / "c.csv"
    export_codebook(project, path)
    rows = read_csv_rows(path)
    assert rows[0]["name"] == "'=HYPERLINK(x)" and rows[0]["path"] == "'=HYPERLINK(x)"
    assert rows[1]["path"] == "'=HYPERLINK(x)/either\\/or"
    assert rows[1]["definition"] == '\'-1 point, "quoted"\nsecond line'
    fresh = Project.create(tmp_path / "fresh.sqlite")
    import_codebook(fresh, path)
    assert (
        fresh.find_code("=HYPERLINK(x)/either\\/or").definition == '-1 point, "quoted"\nsecond line'
    )
    fresh.close()


# -- round trips -----------------------------------------------------------------
def test_export_import_export_of_the_sample_gives_the_same_codebook(sample, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    export_codebook(sample.project, first)
    fresh = Project.create(tmp_path / "fresh.sqlite")
    report = import_codebook(fresh, first)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    second = tmp_path / "b.csv"
    export_codebook(fresh, second)
    assert strip_counts(read_csv_rows(second)) == strip_counts(
        read_csv_rows(first)
    )  # counts are not imported
    fresh.close()


names = st.text(
    alphabet=st.sampled_from(list("abcXYZ éü中🤖/\\\",'\n=-+@\t")), min_size=1, max_size=12
) | st.sampled_from(["=1+1", "-x", "@me", "a/b", "a\\/b", "\\", "Ünïcödé", '"q"'])
texts = st.text(alphabet=st.sampled_from(list("ab ,\"'\n\r=-@+\té🤖")), max_size=15)
nodes = st.lists(
    st.tuples(names, st.none() | st.integers(0, 30), st.sampled_from(PALETTE), texts, texts,
              st.none() | st.integers(0, 5)),
    max_size=14,
)  # fmt: skip


def build_codebook(project: Project, spec: list) -> None:
    made: list[str] = []
    for name, parent, color, definition, example, position in spec:
        parent_id = made[parent % len(made)] if made and parent is not None else None
        try:
            code = project.add_code(
                name,
                parent_id,
                color=color,
                definition=definition,
                example=example,
                position=position,
            )
        except (AnnotatorError, ValueError):  # empty or duplicate sibling name: not a codebook
            continue
        made.append(code.id)


@settings(max_examples=40, deadline=None)
@given(nodes)
def test_any_codebook_survives_export_and_import_into_a_fresh_project(spec: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        source = Project.create(d / "a.sqlite")
        build_codebook(source, spec)
        first = snapshot(source, d / "a.csv")
        fresh = Project.create(d / "b.sqlite")
        report = import_codebook(fresh, d / "a.csv")
        assert report.created == len(source.codes())
        assert snapshot(fresh, d / "b.csv") == first
        # Importing the same file again into either project changes nothing.
        for p in (source, fresh):
            history = p.last_history_id()
            again = import_codebook(p, d / "a.csv")
            assert (again.created, again.updated, again.unchanged) == (0, 0, len(source.codes()))
            assert p.last_history_id() == history  # no rows written, not even an empty undo step
            assert snapshot(p, d / "c.csv") == first
        source.close()
        fresh.close()


edits = st.lists(
    st.one_of(
        st.tuples(st.just("rename"), st.integers(0, 30), names),
        st.tuples(st.just("move"), st.integers(0, 30), st.none() | st.integers(0, 30)),
        st.tuples(st.just("add"), names, st.none() | st.integers(0, 30)),
        st.tuples(st.just("recolour"), st.integers(0, 30), st.sampled_from(PALETTE)),
    ),
    max_size=8,
)


def edit_codebook(project: Project, ops: list) -> None:
    """Random renames, moves, new codes and colours, as a researcher might make over time."""
    for op, a, b in ops:
        ids = [c.id for c in project.code_tree().walk()]
        try:
            if op == "add":
                project.add_code(a, ids[b % len(ids)] if ids and b is not None else None)
            elif not ids:
                continue
            elif op == "rename":
                project.update_code(ids[a % len(ids)], name=b)
            elif op == "recolour":
                project.update_code(ids[a % len(ids)], color=b)
            else:
                project.move_code(
                    ids[a % len(ids)], ids[b % len(ids)] if b is not None else None, position=0
                )
        except (AnnotatorError, ValueError):
            continue


@settings(max_examples=40, deadline=None)
@given(nodes, edits)
def test_importing_a_codebook_restores_its_codes_after_renames_and_moves(
    spec: list, ops: list
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        original = Project.create(d / "a.sqlite")
        edited = Project.create(d / "b.sqlite")
        try:
            build_codebook(original, spec)
            first = snapshot(original, d / "a.csv")
            import_codebook(edited, d / "a.csv")
            edit_codebook(edited, ops)
            before = snapshot(edited, d / "before.csv")
            try:
                import_codebook(edited, d / "a.csv")
            except InvalidInput as err:
                # Only a code added since can stand in the way (same name at the same place).
                assert "would be the name of two codes" in str(err)
                assert snapshot(edited, d / "after.csv") == before
                return
            ids = {c.id for c in original.codes()}
            export_codebook(edited, d / "b.csv")
            assert [r for r in read_csv_rows(d / "b.csv") if r["id"] in ids] == read_csv_rows(
                d / "a.csv"
            )
            assert first == (d / "a.csv").read_bytes()
        finally:
            original.close()
            edited.close()


# -- updating an existing codebook -----------------------------------------------
def rewrite(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> Path:
    """Edit the exported file as a spreadsheet user would (cells as shown, written back)."""
    rows = read_csv_rows(path)
    rows = change(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_row_with_a_known_id_renames_moves_recolours_and_edits_that_code(
    sample, tmp_path: Path
) -> None:
    p = sample.project
    path = tmp_path / "c.csv"
    export_codebook(p, path)

    def edit(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        norms, shaper, rivalry = rows
        shaper.update(
            name="Shaper",
            path="Geopolitical rivalry/Shaper",
            parent_path="",
            level="2",
            color="#000000",
            inclusion="When a state sets rules.",
        )
        return [norms, rivalry, shaper]

    report = import_codebook(p, rewrite(path, edit))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    code = p.code(sample.norm_shaper.id)
    assert (code.name, code.parent_id, code.color, code.inclusion) == (
        "Shaper",
        sample.rivalry.id,
        "#000000",
        "When a state sets rules.",
    )
    assert len(p.codings(code_ids=[code.id])) == 1  # its codings stay with it


def test_rows_without_a_known_id_update_the_code_at_their_path(sample, tmp_path: Path) -> None:
    p = sample.project
    path = write_file(tmp_path / "c.csv", "path,color,definition\r\nNorms,#123456,New text\r\n")
    report = import_codebook(p, path)
    assert (report.created, report.updated) == (0, 1)
    norms = p.code(sample.norms.id)
    assert (norms.name, norms.color, norms.definition) == ("Norms", "#123456", "New text")


def test_paths_match_ignoring_case_and_the_files_spelling_wins(sample, tmp_path: Path) -> None:
    p = sample.project
    import_codebook(
        p, write_file(tmp_path / "c.csv", "id,path\r\nno-such-id,NORMS/norm-SHAPER\r\n")
    )
    shaper = p.code(sample.norm_shaper.id)
    assert (shaper.name, shaper.parent_id) == ("norm-SHAPER", sample.norms.id)
    assert p.code(sample.norms.id).name == "Norms"  # a parent is only looked up, never renamed


def test_missing_columns_keep_existing_values_and_give_new_codes_defaults(
    sample, tmp_path: Path
) -> None:
    p = sample.project
    path = write_file(tmp_path / "c.csv", "path\nNorms\nNorms/Fresh\n")
    report = import_codebook(p, path)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 1)
    assert p.code(sample.norms.id).definition == "Talk about rules and norms."
    fresh = p.find_code("Norms/Fresh")
    assert fresh.definition == "" and fresh.color in PALETTE


def test_new_codes_keep_a_valid_unused_uuid_and_get_a_new_one_otherwise(
    project, tmp_path: Path
) -> None:
    wanted = str(uuid.uuid4())
    path = write_file(tmp_path / "c.csv", f"id,name\n{wanted.upper()},Kept\nnot-a-uuid,Fresh\n")
    import_codebook(project, path)
    assert project.find_code("Kept").id == wanted
    fresh_id = project.find_code("Fresh").id
    assert str(uuid.UUID(fresh_id)) == fresh_id


def test_parents_may_come_after_their_children_or_already_exist(sample, tmp_path: Path) -> None:
    p = sample.project
    path = write_file(
        tmp_path / "c.csv",
        "name,parent_path\nLeaf,New/Middle\nMiddle,New\nNew,\nUnder norms,Norms/Norm-shaper\n",
    )
    report = import_codebook(p, path)
    assert report.created == 4
    tree = p.code_tree()
    assert tree.path(p.find_code("New/Middle/Leaf").id) == "New/Middle/Leaf"
    assert p.find_code("Norms/Norm-shaper/Under norms").parent_id == sample.norm_shaper.id


def test_sibling_order_follows_the_file_and_unlisted_codes_keep_their_place(
    project, tmp_path: Path
) -> None:
    for name in ("A", "B", "C", "D"):
        project.add_code(name)
    path = write_file(tmp_path / "c.csv", "path\nC\nB\n")
    import_codebook(project, path)
    assert [c.name for c in project.code_tree().walk()] == ["A", "C", "B", "D"]
    report = import_codebook(project, write_file(tmp_path / "d.csv", "path\nB\nC\n"))
    assert report.updated == 2
    assert [c.name for c in project.code_tree().walk()] == ["A", "B", "C", "D"]


def test_two_codes_can_swap_names_in_one_import(project, tmp_path: Path) -> None:
    a, b = project.add_code("Alpha"), project.add_code("Beta")
    path = write_file(tmp_path / "c.csv", f"id,name\n{a.id},Beta\n{b.id},Alpha\n")
    import_codebook(project, path)
    assert (project.code(a.id).name, project.code(b.id).name) == ("Beta", "Alpha")


def test_an_import_is_one_action_and_one_undo_step(sample, tmp_path: Path) -> None:
    p = sample.project
    before = snapshot(p, tmp_path / "before.csv")
    seen: list[ChangeSet] = []
    p.subscribe(seen.append)
    path = write_file(
        tmp_path / "c.csv", "path,color\nNorms,#111111\nNew/One\nNew\nNorms/Norm-shaper/Deep\n"
    )
    import_codebook(p, path)
    assert len(seen) == 1 and seen[0].label == "Import codebook c.csv"
    assert all(
        "(importing" not in str(rc.after) for rc in seen[0].rows
    )  # temporary names compacted away
    p.undo()
    assert snapshot(p, tmp_path / "after.csv") == before


# -- refusals ----------------------------------------------------------------------
BAD_FILES = [
    ("", r"^c\.csv is empty\.$"),
    ("Norms,#FF0000\n", r"^c\.csv, row 1: no header row found"),
    ("id,color\n1,#FF0000\n", r"^c\.csv, row 1: the header needs at least one of the columns name or path"),
    ("path\nA\nB\na\n", r"^c\.csv, row 4: the path 'a' is already in row 2 \(paths are compared ignoring case\)"),
    ("name,parent_path\nA,\nB,Nowhere/Else\n", r"^c\.csv, row 3: the parent 'Nowhere/Else' is neither in this file nor in the codebook"),
    ("path,color\nA,#FF0000\nB,blue\n", r"^c\.csv, row 3: 'blue' is not a colour"),
    ("name,path\nA,A\nB,A/C\n", r"^c\.csv, row 3: the name 'B' does not match the last part of its path 'A/C'"),
    ("path,level\nA,1\nA/B,3\n", r"^c\.csv, row 3: level 3 does not match the path 'A/B' \(level 2\)"),
    ("path,level\nA,one\n", r"^c\.csv, row 2: level 'one' is not a whole number"),
    ("path,parent_path\nA,\nA/B,C\n", r"^c\.csv, row 3: parent_path 'C' does not match the path 'A/B'"),
    ('path,definition\nA,"never closed\n', r"^c\.csv, row 2 \(line 2\): not valid CSV"),
    ("id,path\nx,A\nx,B\n", r"^c\.csv, row 3: the id x is already in row 2"),
    ("name,color\nA,\n,#FF0000\n", r"^c\.csv, row 3: the row has neither a name nor a path"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_are_refused_with_file_and_row_and_change_nothing(
    sample, tmp_path: Path, content: str, message: str
) -> None:
    p = sample.project
    before = snapshot(p, tmp_path / "before.csv")
    with pytest.raises(InvalidInput, match=message):
        import_codebook(p, write_file(tmp_path / "c.csv", content))
    assert snapshot(p, tmp_path / "after.csv") == before


def test_a_file_that_is_not_utf8_is_refused(project, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("name\nCaf\u00e9\n".encode("cp1252"))
    with pytest.raises(InvalidInput, match=r"c\.csv is not UTF-8 text .*line 2"):
        import_codebook(project, path)
    assert project.codes() == []


def test_an_excel_file_with_bom_and_a_late_error_imports_nothing(sample, tmp_path: Path) -> None:
    p = sample.project
    before = snapshot(p, tmp_path / "before.csv")
    path = tmp_path / "c.csv"
    path.write_bytes(
        (BOM + "name,color\r\nOne,#010101\r\nTwo,#020202\r\nThree,not-a-colour\r\n").encode()
    )
    with pytest.raises(InvalidInput, match=r"row 4: 'not-a-colour' is not a colour"):
        import_codebook(p, path)
    assert snapshot(p, tmp_path / "after.csv") == before


def test_renaming_onto_a_code_the_file_does_not_mention_is_a_clash(sample, tmp_path: Path) -> None:
    p = sample.project
    path = write_file(tmp_path / "c.csv", f"id,path\n{sample.rivalry.id},norms\n")
    with pytest.raises(InvalidInput, match=r"row 2: 'norms' would be the name of two codes"):
        import_codebook(p, path)
    assert p.code(sample.rivalry.id).name == "Geopolitical rivalry"


def test_a_file_cannot_put_a_code_under_its_own_descendant(sample, tmp_path: Path) -> None:
    p = sample.project
    path = write_file(tmp_path / "c.csv", f"id,path\n{sample.norms.id},Norms/Norm-shaper/Norms\n")
    with pytest.raises(
        InvalidInput,
        match=r"row 2: placing 'Norms/Norm-shaper/Norms' would make a code its own ancestor",
    ):
        import_codebook(p, path)


def test_a_parent_that_the_file_moves_away_cannot_be_used_by_its_old_path(
    sample, tmp_path: Path
) -> None:
    p = sample.project
    path = write_file(tmp_path / "c.csv", f"id,path\n{sample.norms.id},Rules\n,Norms/Other\n")
    with pytest.raises(
        InvalidInput, match=r"row 3: the parent 'Norms' is moved to 'Rules' by row 2"
    ):
        import_codebook(p, path)


def test_an_import_that_moves_codes_under_new_parents_undoes_and_redoes(project, tmp_path):
    """The import renames codes out of the way, inserts new parents and moves codes
    under them: undo and redo replay exactly that sequence (not a merged summary)."""
    trust = project.add_code("Trust")
    alpha, beta = project.add_code("Alpha"), project.add_code("Beta")
    path = tmp_path / "cb.csv"
    path.write_text(
        "id,name,path,parent_path\r\n"
        ",Attitudes,Attitudes,\r\n"
        f"{trust.id},Trust,Attitudes/Trust,Attitudes\r\n"
        f"{alpha.id},Beta,Beta,\r\n"  # the two names swap
        f"{beta.id},Alpha,Alpha,\r\n",
        encoding="utf-8",
    )
    before = project.codes()
    import_codebook(project, path)
    changes = project.last_changes
    after = project.codes()
    assert project.code_tree().path(trust.id) == "Attitudes/Trust"
    assert project.code(alpha.id).name == "Beta"
    assert changes
    project.undo()
    assert project.codes() == before
    project.redo()
    assert project.codes() == after


def test_a_file_of_ids_and_names_renames_codes_where_they_are(tmp_path, sample):
    """Renaming by id in a spreadsheet (no path columns) must not flatten the tree."""
    p = sample.project
    path = tmp_path / "names.csv"
    path.write_text(f"id,name\r\n{sample.norm_shaper.id},Norm entrepreneur\r\n", encoding="utf-8")
    import_codebook(p, path)
    renamed = p.code(sample.norm_shaper.id)
    assert renamed.name == "Norm entrepreneur" and renamed.parent_id == sample.norms.id
