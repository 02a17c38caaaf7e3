"""Real sentences from the bundled corpus, for the benchmarks' generated documents."""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def sentences() -> list[str]:
    """The corpus's sentences of 30 to 400 characters; exits if the seeds are missing."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    found = [s.strip() + "." for s in " ".join(text.split()).split(". ") if 30 < len(s) < 400]
    if not found:
        raise SystemExit(f"No seed texts in {SEEDS}.")
    return found
