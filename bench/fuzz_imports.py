"""Fuzzer: mutate small valid files of every import format and import each; count what happens.

Run with ``.venv/bin/python bench/fuzz_imports.py [--n 3000] [--seed 1]``.

Each case is one valid seed file (.txt, .md, .html, .docx, .odt, .rtf, .pdf, built
here) changed by one mutation: bit flips, truncation, a span of random bytes, a
duplicated or deleted chunk, wholly random bytes, or, for the zip formats, damage
to one member re-packed with a correct checksum (so the damage reaches the XML
parser instead of stopping at the zip layer). Cases are read the way the import
reads them (``isolated.IsolatedReader``: the structured formats in the worker
process with its deadline and memory cap, plain text in this process) and
stored with ``sources.store_extracted`` into a throwaway project.

Outcomes: imported (each case into a new, empty project), refused with ``InvalidInput`` (the expected failure), and the bugs:
any other exception, a project changed by a file that was refused, and a
refusal whose message does not name the file. Refusals that only extract()'s
catch-all caught (a library failure no extractor foresaw) are listed too. Prints the counts
per format, the refusal reasons seen most, and the slowest case. Exits 1 if it
found a bug. Run it as a script (the worker process imports this module again).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core.errors import AnnotatorError, InvalidInput
from annotator.io.sources.batch import ImportReport, store_extracted
from annotator.io.sources.extract import ExtractedSource, extract
from annotator.io.sources.isolated import IN_PROCESS_FORMATS, IsolatedReader
from annotator.store import Project

WORDS = (
    "China",
    "governance",
    "norms",
    "café",
    "naïve",
    "人工智能",
    "治理",
    "🤖",
    "rivalry",
    "dialogue",
)


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize() + "."


def seed_txt(rng: random.Random) -> bytes:
    return "\r\n\r\n".join(sentence(rng) for _ in range(8)).encode()


def seed_md(rng: random.Random) -> bytes:
    body = "\n\n".join(sentence(rng) for _ in range(4))
    return (f"---\ntitle: Fuzz\n---\n# Heading *one*\n\n{body}\n\n- item **a**\n- item [b](x)\n\n"
            f"| a | b |\n|---|---|\n| 1 | 2 |\n\n![pic](p.png) <sup>1</sup>\n").encode()  # fmt: skip


def seed_html(rng: random.Random) -> bytes:
    paragraphs = "".join(f"<p>{sentence(rng)}</p>" for _ in range(4))
    return (f'<html><head><meta charset="utf-8"><title>Fuzz</title><meta name="author" content="A">'
            f"</head><body><h1>Head</h1>{paragraphs}<ul><li>one<ul><li>two</li></ul></li></ul>"
            f"<table><tr><td>a</td><td>b</td></tr></table>x<sup>2</sup><br>end</body></html>").encode()  # fmt: skip


def seed_docx(rng: random.Random) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Fuzz"
    document.add_heading("Heading", 1)
    for _ in range(3):
        document.add_paragraph(sentence(rng))
    document.add_paragraph("Item", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(1, 1).text = "a", "b"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_odt(rng: random.Random) -> bytes:
    from odf import dc
    from odf.opendocument import OpenDocumentText
    from odf.text import H, List, ListItem, P, S

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Fuzz"))
    document.text.addElement(H(outlinelevel=1, text="Heading"))
    for _ in range(3):
        paragraph = P(text=sentence(rng))
        paragraph.addElement(S(c=2))
        paragraph.addText("more")
        document.text.addElement(paragraph)
    items = List()
    item = ListItem()
    item.addElement(P(text="Item"))
    items.addElement(item)
    document.text.addElement(items)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_rtf(rng: random.Random) -> bytes:
    body = r"\par ".join(sentence(rng).encode("ascii", "replace").decode() for _ in range(4))
    return (r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Times;}}{\info{\title Fuzz}{\author A}}"
            r"\f0 Caf\'e9 \u8220?quoted\u8221? " + body + r"\par}").encode()  # fmt: skip


def seed_pdf(rng: random.Random) -> bytes:
    """A two-page PDF with a text layer, one page's content compressed."""
    import zlib

    def stream(data: bytes, packed: bool) -> bytes:
        if packed:
            data = zlib.compress(data)
            return b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (
                len(data),
                data,
            )
        return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)

    texts = [sentence(rng).encode("ascii", "replace") for _ in range(2)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R 6 0 R] /Count 2 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % texts[0], False),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 7 0 R >>",
        stream(b"BT /F1 12 Tf 72 700 Td (%s) Tj ET" % texts[1], True),
        b"<< /Title (Fuzz) /Author (A) >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 8 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


SEEDS: dict[str, Callable[[random.Random], bytes]] = {
    "txt": seed_txt, "md": seed_md, "html": seed_html, "docx": seed_docx,
    "odt": seed_odt, "rtf": seed_rtf, "pdf": seed_pdf,
}  # fmt: skip


# -- mutations ------------------------------------------------------------------------


def flip_bits(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def random_span(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    length = rng.randint(1, 64)
    return data[:start] + rng.randbytes(length) + data[start + length :]


def duplicate_or_delete(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 512)]
    if rng.random() < 0.5:
        return data[:start] + chunk * rng.randint(2, 50) + data[start:]
    return data[:start] + data[start + len(chunk) :]


def random_bytes(data: bytes, rng: random.Random) -> bytes:
    return rng.randbytes(rng.randint(1, 4096))


def corrupt_member(data: bytes, rng: random.Random) -> bytes:
    """One member of a zip archive damaged by another mutation, re-packed with a right CRC."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src:
            infos = src.infolist()
            victim = rng.choice(infos).filename
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in infos:
                    content = src.read(info)
                    if info.filename == victim and content:
                        content = rng.choice(BYTE_MUTATIONS)(content, rng)
                    dst.writestr(info, content)
    except (zipfile.BadZipFile, ValueError, IndexError):
        return flip_bits(data, rng)
    return out.getvalue()


BYTE_MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    flip_bits,
    truncate,
    random_span,
    duplicate_or_delete,
]
ALL_MUTATIONS = [*BYTE_MUTATIONS, random_bytes]
ZIP_MUTATIONS = [*ALL_MUTATIONS, corrupt_member, corrupt_member, corrupt_member]


# -- the run --------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n", type=int, default=3000, help="number of mutated files (default 3000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seeds = {fmt: make(random.Random(i)) for i, (fmt, make) in enumerate(SEEDS.items())}
    outcomes: dict[str, Counter[str]] = {fmt: Counter() for fmt in SEEDS}
    reasons: Counter[str] = Counter()
    bugs: list[str] = []
    unforeseen: list[str] = []  # refusals by the catch-all: a library failure no extractor expected
    worst = (0.0, "")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, IsolatedReader() as reader:
        root = Path(folder)
        project_path = root / "case.sqlite"
        for fmt, data in seeds.items():  # the seeds themselves must import, or nothing is tested
            seed_path = root / f"seed.{fmt}"
            seed_path.write_bytes(data)
            reader.extract(seed_path, fmt) if fmt not in IN_PROCESS_FORMATS else extract(seed_path)
        for case in range(args.n):
            fmt = list(SEEDS)[case % len(SEEDS)]
            mutations = ZIP_MUTATIONS if fmt in ("docx", "odt") else ALL_MUTATIONS
            mutation = rng.choice(mutations)
            data = mutation(seeds[fmt], rng) or b"x"
            path = root / f"case{case:05d}.{fmt}"
            path.write_bytes(data)
            label = f"case {case} ({fmt}, {mutation.__name__}, seed {args.seed})"
            began = time.monotonic()
            try:
                if fmt in IN_PROCESS_FORMATS:
                    result: ExtractedSource | str = extract(path, format=fmt)
                else:
                    result = reader.extract(path, fmt)
            except InvalidInput as err:
                result = str(err)
            except Exception as err:  # the point is to catch anything
                outcomes[fmt]["bug: exception"] += 1
                bugs.append(f"{label}: {type(err).__name__}: {err}")
                path.unlink()
                continue
            elapsed = time.monotonic() - began
            if elapsed > worst[0]:
                worst = (elapsed, label)
            _store(project_path, path, result, fmt, label, outcomes, reasons, bugs, unforeseen)
            path.unlink()
    total = time.monotonic() - started
    print(f"fuzz_imports: {args.n} mutated files in {total:.1f} s (seed {args.seed})")
    columns = ["imported", "refused", "bug: exception", "bug: project changed on refusal",
               "bug: message without the file name"]  # fmt: skip
    print(f"  {'format':6} " + " ".join(f"{c.removeprefix('bug: ')[:12]:>12}" for c in columns))
    for fmt, counts in outcomes.items():
        print(f"  {fmt:6} " + " ".join(f"{counts[c]:12d}" for c in columns))
    print("  most frequent refusals:")
    for reason, count in reasons.most_common(12):
        print(f"    {count:5d}  {reason}")
    print(f"  slowest case: {worst[0]:.2f} s, {worst[1]}")
    for note in unforeseen[:10]:
        print(f"  unforeseen failure (refused by the catch-all) {note}")
    for bug in bugs[:20]:
        print(f"  BUG {bug}")
    return 1 if bugs else 0


def _store(
    project_path: Path,
    path: Path,
    result: ExtractedSource | str,
    fmt: str,
    label: str,
    outcomes: dict[str, Counter[str]],
    reasons: Counter[str],
    bugs: list[str],
    unforeseen: list[str],
) -> None:
    """Store one case's result into a throwaway project and count what happened."""
    report = ImportReport()
    with Project.create(project_path) as project:
        changes = project.conn.total_changes
        try:
            store_extracted(project, path, result, report)
        except Exception as err:
            outcomes[fmt]["bug: exception"] += 1
            bugs.append(f"{label}: storing raised {type(err).__name__}: {err}")
        else:
            if report.imported:
                outcomes[fmt]["imported"] += 1
            elif report.duplicates:  # cannot happen in an empty project
                outcomes[fmt]["bug: exception"] += 1
                bugs.append(f"{label}: a duplicate in an empty project: {report.duplicates[0][1]}")
            else:
                outcomes[fmt]["refused"] += 1
                message = report.failed[0][1]
                reasons[_reason(message, path.name)] += 1
                if "damaged or unusual (" in message:  # extract()'s catch-all, not the extractor's
                    unforeseen.append(f"{label}: {message}")
                if project.conn.total_changes != changes:
                    outcomes[fmt]["bug: project changed on refusal"] += 1
                    bugs.append(f"{label}: the project changed although the file was refused")
                if path.name not in message:
                    outcomes[fmt]["bug: message without the file name"] += 1
                    bugs.append(f"{label}: the message does not name the file: {message}")
    for leftover in (project_path, Path(f"{project_path}-wal"), Path(f"{project_path}-shm")):
        leftover.unlink(missing_ok=True)


def _reason(message: str, name: str) -> str:
    """A refusal message without the file name and the details that vary, to group them."""
    reason = message.replace(name, "X")
    for stop in (" (", ": line", ", line"):
        reason = reason.split(stop)[0]
    return reason[:110]


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AnnotatorError as err:
        sys.exit(f"fuzz_imports: {err}")
