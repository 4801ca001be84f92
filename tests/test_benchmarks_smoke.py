"""Smoke test of `python -m benchmarks`: the corpus is valid content, and a tiny run prints the one table with
every build comparison, growth and page-size row, and positive ratios. No timing is asserted: that is what
the benchmark reports, not what a test on a busy CI machine can promise."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from benchmarks.corpus import generate, plan
from benchmarks.table import COLUMNS

from protectpress.core.content.loading import load_content
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.site_paths import ContentType
from support import REPO

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages
# The tiny run's two sizes: every variant is built at each and every growth row needs two. A build's cost here is
# its start (MkDocs, the theme, Pagefind, a browser for search), not its pages: on 2026-12-07, 4 and 8 pages took
# 21 CPU seconds where 10 and 20 took 24-25 (side by side), for the same rows.
SMALL, LARGE = 4, 8

pytestmark = pytest.mark.long


def test_generated_corpus_is_valid_content_of_every_type(tmp_path):
    corpus = generate(tmp_path / "corpus", 40)
    settings = load_settings(corpus.config("ours"))
    problems = Problems()
    content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary, problems, now=NOW)
    assert not problems.errors and not problems.warnings, [str(p) for p in problems]
    kinds = {item.kind for item in content.published()}
    assert kinds == {ContentType.GUIDANCE, ContentType.ACTION_CARD, ContentType.CONFERENCE, ContentType.NEWS}
    assert len(content.published()) == len(plan(40)) == 40
    guidance = (corpus.docs / plan(40)[0][0]).read_text(encoding="utf-8")
    assert "| --- |" in guidance and "!!! note" in guidance and "\n1. " in guidance and "\n- " in guidance
    assert list((corpus.root / "newsletters").glob("*.md"))
    assert "enabled: false" in corpus.config("disabled").read_text(encoding="utf-8")
    stock = corpus.config("stock").read_text(encoding="utf-8")
    assert "- protectpress" not in stock and "custom_dir" not in stock and "- search" in stock


def test_tiny_benchmark_prints_one_table_with_every_comparison(tmp_path):
    # A process of its own, not `main` called here: its search rows drive a browser with Playwright's sync API,
    # which refuses to start in a test worker where a browser test's Playwright is already running.
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--sizes", f"{SMALL},{LARGE}", "--only", "builds",
                           "--results", str(tmp_path / "results"), "--workdir", str(tmp_path / "work")],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    table_lines = [line for line in done.stdout.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in table_lines[0].strip("|").split("|")]
    assert header == list(COLUMNS)
    rows = json.loads((tmp_path / "results" / "latest.json").read_text(encoding="utf-8"))["rows"]
    assert len(table_lines) == len(rows) + 2  # header, rule, one line per row
    measures = [(row["measure"], row["size"]) for row in rows]
    for size in (f"{SMALL} pages", f"{LARGE} pages"):
        for variant in ("ours: protectpress build", "plugin enabled: false", "stock Material + search",
                        "Markdown floor"):
            assert any(variant in measure and where == size for measure, where in measures), (variant, size)
        for label in ("ours", "ours rebuilt"):
            assert (f"{label} without search indexing ÷ plugin disabled", size) in measures
            assert (f"{label} without search indexing (the build's own process); ratio = ÷ floor", size) in measures
        assert any("build again, nothing changed" in measure and where == size for measure, where in measures)
        # Issue 29: the whole build's wall clock beside the floor's (Pagefind overlaps the build), and a rebuild
        # with nothing changed beside the first build, each with its target.
        wall = next(r for r in rows if r["size"] == size and r["measure"].startswith("whole build wall clock: ours"))
        assert wall["ratio"] > 0 and wall["seconds"] > 0, wall
        again = next(r for r in rows if r["size"] == size and r["measure"].startswith("rebuild, nothing changed;"))
        assert again["ratio"] > 0 and again["met"] in (True, False) and again["target"] == "≤ 0.5", again
        sized = [r for r in rows if r["size"] == size]
        whole = next(r for r in sized if r["measure"].startswith("build: ours: protectpress build;"))
        own = next(r for r in sized if r["measure"].startswith("ours without search indexing ("))
        assert 0 < own["cpu_seconds"] < whole["cpu_seconds"], (own, whole)  # Pagefind's seconds are left out
        assert ("ours ÷ stock Material + search", size) in measures
        # `check` beside the build it runs: measured at every size, as a share of the build's CPU seconds.
        check = next(r for r in sized if r["measure"].startswith("check: ours: protectpress check"))
        assert check["cpu_seconds"] > 0 and check["ratio"] > 0 and check["seconds"] > 0, check
        indexing = next(r for r in rows if r["size"] == size and r["measure"].startswith("search: Pagefind indexing"))
        assert 0 < indexing["ratio"] < 1 and indexing["cpu_seconds"] > 0, indexing
        search_rows = [
            r for r in rows if r["size"] == size and r["measure"].startswith("search: ") and r is not indexing
        ]
        if not any(r["note"].startswith("skipped") for r in search_rows):
            ours_visit = next(
                r for r in search_rows if r["measure"].startswith("search: first visit") and "ours" in r["measure"]
            )
            assert ours_visit["met"] is True and ours_visit["transfer_kb"] > 0, ours_visit
            ours_search = next(
                r for r in search_rows if r["measure"].startswith("search: one") and "ours" in r["measure"]
            )
            assert ours_search["transfer_kb"] > 0, ours_search
    assert sum(m.startswith(f"growth in CPU seconds {LARGE}/{SMALL}") for m, _ in measures) == 4
    # The whole build's largest process, then the build's own Python process, Pagefind and the disabled build.
    assert sum(m.startswith(f"peak memory {LARGE}/{SMALL}") for m, _ in measures) == 4
    own = next(r for r in rows if r["measure"].startswith(f"peak memory {LARGE}/{SMALL}: protectpress build's own"))
    assert own["peak_mb"] > 20 and own["ratio"] > 0, own
    # Every target is printed once more below the table, PASS or FAIL first.
    verdicts = done.stdout.split("\nTargets:\n", 1)[1].strip().splitlines()
    assert len(verdicts) == sum(row["met"] is not None for row in rows) and verdicts
    assert all(line.startswith(("PASS  ", "FAIL  ")) for line in verdicts), verdicts
    assert sum(m.startswith(f"mean page size {LARGE}/{SMALL}") for m, _ in measures) == 3
    for row in rows:
        if row["ratio"] is None:
            continue  # the transfer rows are in kilobytes
        assert isinstance(row["ratio"], float) and row["ratio"] > 0, row
        if row["measure"].startswith("build:"):
            assert row["seconds"] > 0 and row["cpu_seconds"] > 0 and row["peak_mb"] > 0 and row["mean_page_kb"] > 0, row
            # Ours carries a Pagefind index, stock Material its own; the floor and the disabled build have none.
            assert (row["search_index_kb"] or 0) > 0 or "floor" in row["measure"] \
                or "enabled: false" in row["measure"], row
    assert re.search(r"^Machine: .*cores", done.stdout, re.MULTILINE)
