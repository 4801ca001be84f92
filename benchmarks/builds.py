"""Parts 1-3 of the benchmark: whole builds of one corpus three ways, against the Markdown floor."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus
from .run import OWN_PEAK_WRAPPER, Measured, SiteWeight, measure, weigh

VARIANTS = {
    "ours": "ours: protectpress build",
    "rebuild": "ours: protectpress build again, nothing changed (.cache/ kept)",
    "check": "ours: protectpress check (the same build into a throwaway folder, no search index; .cache/ kept)",
    "disabled": "same mkdocs.yml + overrides, plugin enabled: false",
    "stock": "stock Material + search",
    "floor": "Markdown floor (Python-Markdown alone)",
}


@dataclass(frozen=True)
class BuildResult:
    variant: str
    pages: int
    measured: Measured
    weight: SiteWeight


def command(corpus: Corpus, variant: str, out_dir: Path) -> list[str]:
    if variant in ("ours", "rebuild"):
        return [sys.executable, "-c", OWN_PEAK_WRAPPER, "protectpress", "build", "-q", "-f", str(corpus.config("ours")),
                "-d", str(out_dir)]
    if variant == "check":  # every check the build runs, as comms staff run it before publishing
        return [sys.executable, "-c", OWN_PEAK_WRAPPER, "protectpress", "check", "-f", str(corpus.config("ours"))]
    if variant == "floor":
        return [sys.executable, "-m", "benchmarks.floor", str(corpus.config("ours")), str(out_dir)]
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(corpus.config(variant)), "-d", str(out_dir)]


def build(corpus: Corpus, variant: str, *, repeat: int = 1) -> BuildResult:
    """Build into a fresh folder `repeat` times and keep the fastest run (the least disturbed by the machine).
    `ours` always starts with no .cache/ (a first build, as on a fresh clone); `rebuild` keeps what the build
    before it left there, as on an author's machine or a CI that keeps .cache/ between runs."""
    out_dir = corpus.root / f"site-{variant}"
    best: Measured | None = None
    for _ in range(repeat):
        shutil.rmtree(out_dir, ignore_errors=True)
        if variant == "ours":
            shutil.rmtree(corpus.root / ".cache", ignore_errors=True)
        measured = measure(command(corpus, variant, out_dir), cwd=Path(__file__).resolve().parent.parent)
        if best is None or measured.cpu_seconds < best.cpu_seconds:
            best = measured
    assert best is not None
    return BuildResult(variant, corpus.pages, best, weigh(out_dir))
