"""What the link check keeps for the next build (core/checks/kept_scans.py): each built file's scan, by its bytes'
digest. Only the scanning is reused: the check runs on every build against the files this build wrote, so a link
whose target changed since is reported by a rebuild as a first build reports it.

The builds run in the test's process (`run_in_process`): what is proven is what each build reports, and what one
build keeps for the next is only its .cache/ (tests/test_in_process_runner.py proves a build hands nothing else on)."""

from __future__ import annotations

import datetime as dt
import functools
import shutil

from protectpress.cli.build import build_site
from protectpress.core.checks import linkcheck
from protectpress.core.foundation.buildcache import CACHE_FOLDER
from protectpress.core.foundation.sealedmemory import KEY_FILE_ENV
from support import FIXTURES, at, copy_project, run_in_process, snapshot

NOW = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)


def _warm_and_cold(project, tmp_path, env):
    warm = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / "warm"), cwd=project, env=env)
    cold_project = copy_project(project, tmp_path / "cold")
    shutil.rmtree(cold_project / CACHE_FOLDER)
    cold = run_in_process("build", "--quiet", "--site-dir", str(tmp_path / "cold-site"), cwd=cold_project, env=env)
    return warm, cold


def test_a_link_to_a_heading_renamed_since_is_reported_as_a_first_build_reports_it(tmp_path):
    # docs/index.md links to guidance/retail.md#what-to-do. Renaming that heading changes only the retail page:
    # the home page's bytes, and so its kept scan, are the same, and the check must still find the link broken.
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    env = {**at(NOW), KEY_FILE_ENV: str(tmp_path / "key")}
    first = run_in_process("build", "--quiet", cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    retail = project / "docs" / "guidance" / "retail.md"
    retail.write_text(retail.read_text(encoding="utf-8").replace("## What to do", "## Steps to take"),
                      encoding="utf-8")
    warm, cold = _warm_and_cold(project, tmp_path, env)
    assert warm.returncode == cold.returncode == 1
    assert "docs/index.md" in warm.stderr and "what-to-do" in warm.stderr
    assert warm.stderr.replace(str(tmp_path / "warm"), "SITE") == cold.stderr.replace(str(tmp_path / "cold-site"),
                                                                                          "SITE")


def test_a_link_to_a_file_deleted_since_is_reported_as_a_first_build_reports_it(tmp_path):
    # A link written as an address (not a page's file, which MkDocs resolves) to a page that is then removed: the
    # linking page's body and every feed that carries it are the bytes whose scans were kept.
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    env = {**at(NOW), KEY_FILE_ENV: str(tmp_path / "key")}
    retail = project / "docs" / "guidance" / "retail.md"
    text = retail.read_text(encoding="utf-8")
    extra = project / "docs" / "guidance" / "staff-briefing.md"
    extra.write_text(text.replace("Retail security basics", "Staff briefing"), encoding="utf-8")
    retail.write_text(text + "\nSee <a href=\"../staff-briefing/\">the briefing</a>.\n", encoding="utf-8")
    first = run_in_process("build", "--quiet", cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    extra.unlink()
    warm, cold = _warm_and_cold(project, tmp_path, env)
    assert warm.returncode == cold.returncode == 1
    assert "docs/guidance/retail.md" in warm.stderr and "staff-briefing" in warm.stderr
    assert warm.stderr.replace(str(tmp_path / "warm"), "SITE") == cold.stderr.replace(str(tmp_path / "cold-site"),
                                                                                          "SITE")


def test_a_rebuild_scans_no_file_it_scanned_before_and_writes_the_same_site(tmp_path, monkeypatch):
    # The kept scans must really be used (else the tests above prove nothing about them): a rebuild where
    # nothing changed scans no built file again (404.html is read from disk: MkDocs renders it outside the page
    # loop). The feeds this build writes are parsed by neither build: their writer gives the check their links
    # (tests/test_feed_writer_links.py), so no scan of them is there to keep.
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "key"))
    scanned: dict[str, list[str]] = {"scan_xml_feed": [], "scan_json_feed": [], "scan_html": []}
    for name in scanned:
        real = getattr(linkcheck, name)

        @functools.wraps(real)
        def spy(text, real=real, name=name, **options):
            scanned[name].append(text)
            return real(text, **options)

        monkeypatch.setattr(linkcheck, name, spy)
    counts = []
    for build in ("first", "again"):
        for texts in scanned.values():
            texts.clear()
        result = build_site(project / "mkdocs.yml", tmp_path / build, now=NOW)
        assert result.ok, result.stopped
        counts.append({name: len(texts) for name, texts in scanned.items()})
    assert counts[0]["scan_html"] > 0 and counts[1]["scan_html"] == 0, counts
    assert counts[0]["scan_xml_feed"] == counts[0]["scan_json_feed"] == 0, counts
    assert counts[1]["scan_xml_feed"] == counts[1]["scan_json_feed"] == 0, counts
    assert (tmp_path / "first" / "feeds" / "rss.xml").is_file()
    assert snapshot(tmp_path / "again") == snapshot(tmp_path / "first")
