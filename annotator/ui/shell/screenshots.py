"""Renders screenshots of the main window on the bundled corpus, coded.

    QT_QPA_PLATFORM=offscreen python -m annotator.ui.shell.screenshots docs/screenshots

Builds a throw-away copy of the bundled-corpus project, has two coders code
the starter codebook's example passages (and some overlapping ones), then
grabs the window in the light and the dark palette.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from annotator.io.demo import build_demo
from annotator.store import Project

#: Words that make a sentence a plausible candidate for a code, for the demo coding.
KEYWORDS = {
    "Capacity building": ("capacity", "training", "skills"),
    "Geopolitical rivalry": ("rival", "competition", "competitor"),
    "Norm-shaper": ("norm", "rule-mak", "standard-setting"),
    "Security risks": ("security", "risk"),
    "Digital divide and inclusiveness": ("divide", "inclusive", "developing countries"),
    "Multilateralism and UN-centred governance": ("united nations", "multilateral", " un "),
    "Export controls and decoupling": ("export control", "decoupl", "restriction"),
}


def code_examples(project: Project) -> None:
    """Two coders code the corpus as a demo: each code's example passage, and
    sentences mentioning a code's key words (Ben more widely than Ann, so their
    codings overlap and sometimes disagree)."""
    ann = project.add_coder("Ann")
    ben = project.add_coder("Ben")
    texts = {d.id: project.document_text(d.id) for d in project.documents()}
    done: set[tuple[str, str, str, int, int]] = set()

    def add(doc_id: str, code_id: str, coder_id: str, start: int, end: int) -> None:
        if (doc_id, code_id, coder_id, start, end) not in done:  # a passage may match twice
            done.add((doc_id, code_id, coder_id, start, end))
            project.add_coding(doc_id, code_id, coder_id, start, end)

    with project.action("Demo coding"):
        for i, code in enumerate(project.codes()):
            if "“" not in code.example:
                continue
            quote = code.example.split("“", 1)[1].rsplit("”", 1)[0]
            for doc_id, text in texts.items():
                at = text.find(quote)
                if at < 0:
                    continue
                add(doc_id, code.id, ann.id, at, at + len(quote))
                if i % 2 == 0:
                    start, end = max(0, at - 40), min(len(text), at + len(quote) + 60)
                    add(doc_id, code.id, ben.id, start, end)
                break
        codes = {name: project.find_code(name).id for name in KEYWORDS}
        for doc_id, text in texts.items():
            for n, match in enumerate(re.finditer(r"[^.!?\n]+[.!?]", text)):
                sentence = match.group().casefold()
                for name, words in KEYWORDS.items():
                    if any(w in sentence for w in words):
                        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
                        if n % 3:
                            add(doc_id, codes[name], ann.id, start, match.end())
                        if n % 4 == 0:
                            add(
                                doc_id, codes[name], ben.id, start, min(len(text), match.end() + 80)
                            )


def shoot(out_dir: Path) -> list[Path]:
    from annotator.ui.shell.main_window import MainWindow

    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ai-governance.sqlite"
        project = build_demo(path)
        code_examples(project)
        ann = project.find_coder("Ann").id
        academic = next(d.id for d in project.documents() if d.source_name.startswith("002"))
        rivalry = project.find_code("Geopolitical rivalry").id
        project.close()
        for theme in ("light", "dark"):
            if theme == "dark":
                app.setPalette(dark_palette())
            settings = QSettings(str(Path(tmp) / f"{theme}.ini"), QSettings.Format.IniFormat)
            window = MainWindow(path, settings)
            window.resize(1500, 900)
            window.state.set_active_coder(ann)
            window.state.set_current_document(academic)
            window.state.set_current_code(rivalry)
            first = window.project.codings(document_id=academic, code_ids=[rivalry])
            if first:
                window.state.reveal(academic, first[0].start, first[0].end)
                window.state.set_current_coding(first[0].id)
                # Show the coding's colours rather than the blue text selection of the jump.
                cursor = window.document_view.text_edit.textCursor()
                cursor.clearSelection()
                window.document_view.text_edit.setTextCursor(cursor)
            window.show()
            app.processEvents()
            target = out_dir / f"main-window-{theme}.png"
            window.grab().save(str(target))
            written.append(target)
            window.close()
            app.processEvents()
    return written


def dark_palette() -> QPalette:
    """The window's own dark theme (View -> Theme -> Dark)."""
    from annotator.ui.widgets.theme import palette_for

    return palette_for("dark")


if __name__ == "__main__":
    for p in shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(p)
