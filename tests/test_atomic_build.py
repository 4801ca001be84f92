"""`protectpress build` replaces site/ only after a complete build; a failed build leaves it byte for byte."""

import gc
import re

import mkdocs.commands.build as mkdocs_build

from protectpress.cli.build import build_site, full_collections_held
from protectpress.core.foundation.dates import build_now
from support import FIXTURES, copy_project, run_in_process, run_protectpress, snapshot


def test_a_failed_build_leaves_the_previous_site_intact(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    first = run_in_process("build", cwd=project)
    assert first.returncode == 0, first.stderr
    before = snapshot(project / "site")
    assert "guidance/retail/index.html" in before

    page = project / "docs" / "guidance" / "retail.md"
    page.write_text(page.read_text().replace("date: 2024-02-01", "date: 1st February"), encoding="utf-8")
    (project / "docs" / "action-cards" / "parcels.md").write_text("no front matter\n", encoding="utf-8")
    failed = run_in_process("build", cwd=project)

    assert failed.returncode == 1
    assert "docs/guidance/retail.md:5: date: expected a date like 2023-03-30, found '1st February'" in failed.stderr
    assert "docs/action-cards/parcels.md:1: expected front matter" in failed.stderr  # both, in one run
    assert "site/ was left as it was" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert snapshot(project / "site") == before
    leftovers = [p.name for p in project.iterdir() if p.name.startswith(".site")]
    assert leftovers == []


def test_a_successful_build_replaces_the_site_and_removes_stale_files(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    (project / "site").mkdir()
    (project / "site" / "stale.html").write_text("old", encoding="utf-8")
    result = run_protectpress("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (project / "site" / "stale.html").exists()
    # What comms staff read names site/, never the temporary folder the build really went into, and ends
    # with one line saying what was made.
    assert ".site-building-" not in result.stderr + result.stdout and "Cleaning site directory" not in result.stderr
    assert re.fullmatch(
        r"Built site/: 13 pages, 8 feeds and 0 newsletters in (under )?[0-9.]+ seconds\.\n"
        r"Indexed \d+ pages for search in (under )?[\d.]+ seconds\n",
        result.stdout,
    )
    assert (project / "site" / "index.html").is_file()
    assert oct((project / "site").stat().st_mode & 0o777) == "0o755"


def test_strict_build_fails_on_warnings(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    copy = project / "docs" / "guidance" / "retail-copy.md"
    copy.write_text((project / "docs" / "guidance" / "retail.md").read_text(), encoding="utf-8")
    relaxed = run_in_process("build", cwd=project)
    assert relaxed.returncode == 0
    assert "docs/guidance/retail.md: title: expected a title not used by another guidance page" in relaxed.stderr
    strict = run_in_process("build", "--strict", cwd=project)
    assert strict.returncode == 1
    assert "strict" in strict.stderr


def test_an_unexpected_fault_is_a_plain_message_and_keeps_the_site(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    assert run_in_process("build", cwd=project).returncode == 0  # the site to keep; the fault's builds are processes
    before = snapshot(project / "site")
    # A theme template that raises: a fault no content check can catch, standing in for a bug of ours.
    (project / "overrides" / "main.html").write_text('{% extends "base.html" %}{% block content %}'
                                                     '{{ 1 // 0 }}{% endblock %}', encoding="utf-8")
    failed = run_protectpress("build", cwd=project)
    assert failed.returncode == 1
    assert "protectpress stopped on an unexpected error: ZeroDivisionError" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert snapshot(project / "site") == before
    debug = run_protectpress("build", cwd=project, env={"PROTECTPRESS_DEBUG": "1"})
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_a_build_makes_no_full_collection_and_gives_the_collectors_thresholds_back(tmp_path, monkeypatch):
    # MkDocs holds every page until the build ends, so a full collection walks them all again (5 at 1,000 pages,
    # 0.25 CPU s): build_site holds full collections off while MkDocs builds, young ones as before. Tests and the
    # preview build in-process, so the thresholds must be back afterwards, even after builds one inside another.
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    before = gc.get_threshold()
    building: list[bool] = []
    thresholds: list[tuple[int, int, int]] = []  # the collector's, as MkDocs' build starts
    during: list[int] = []  # the generation of each collection made while MkDocs builds

    def count(phase: str, info: dict) -> None:
        if phase == "start" and building:
            during.append(info["generation"])

    def build(*args, **kwargs):
        thresholds.append(gc.get_threshold())
        building.append(True)
        try:
            return real_build(*args, **kwargs)
        finally:
            building.clear()

    real_build = mkdocs_build.build
    monkeypatch.setattr(mkdocs_build, "build", build)
    gc.set_threshold(100, 1, 1)  # a full collection as often as the collector may make one
    gc.callbacks.append(count)
    try:
        gc.collect()  # the collector also waits for a quarter as many new long-lived objects as old: from none
        result = build_site(project / "mkdocs.yml", tmp_path / "site", now=build_now())
        with full_collections_held():
            with full_collections_held():
                held = gc.get_threshold()
            assert gc.get_threshold() == held
        after = gc.get_threshold()
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*before)
    assert result.ok, result.stopped
    assert thresholds == [(100, 1, held[2])]
    assert during.count(1) > 10 and 2 not in during  # middle collections, each of which could have been full
    assert held[:2] == (100, 1) and held[2] > 1_000_000
    assert after == (100, 1, 1)
