"""Seeing the site as it will be: `check --at` and `serve --at` take the moment `build --at` takes, without
touching site/; and a plain `mkdocs serve` shows a mistake on its problems page instead of hanging."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from support import FIXTURES, PROTECTPRESS, copy_project, free_port, http_answer, run_in_process, running, wait_until

SCHEDULED = "docs/guidance/winter-venues.md"
PAGE = """---
title: Winter venues and crowds
type: guidance
summary: What venues can do before the winter markets open.
date: 2026-12-01
publish_at: 2026-12-01T09:00
tags: [lockdown]
sectors: [retail]
---

Check your searches and briefings.
"""
BEFORE, AFTER = "2026-12-01T08:59", "2026-12-01T09:00"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("at") / "project")
    (project / SCHEDULED).write_text(PAGE, encoding="utf-8")
    return project


fetch = http_answer


def wait_for(condition, what: str, timeout: float = 120):
    return wait_until(condition, seconds=timeout, what=what)


def test_check_at_a_moment_lists_what_goes_live_after_it(project):
    before = run_in_process("check", "--at", BEFORE, cwd=project)
    assert before.returncode == 0, before.stdout + before.stderr
    assert "Going live next (publish_at):\n  9am on 1 December 2026: docs/guidance/winter-venues.md " \
           "(Winter venues and crowds)" in before.stdout
    after = run_in_process("check", "--at", AFTER, cwd=project)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "Going live next" not in after.stdout
    assert not (project / "site").exists()  # check never writes site/


def test_check_at_something_that_is_not_a_moment_is_one_line(project):
    result = run_in_process("check", "--at", "next tuesday", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("protectpress: --at: expected a date and time like 2026-12-01T09:00")
    assert result.stderr.strip().endswith("found 'next tuesday'") and "Traceback" not in result.stderr


@pytest.mark.parametrize("at, banner", [(BEFORE, True), (AFTER, False)])
def test_serve_at_shows_the_site_as_it_will_be_then(project, at, banner, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with running([*PROTECTPRESS, "serve", "--port", str(port), "--at", at], cwd=project, port=port,
                 log=tmp_path / "serve.log") as server:
        page = wait_for(lambda: (got := fetch(url + "guidance/winter-venues/"))[0] == 200 and got[1],
                        "the preview serving the scheduled page")
        assert ("Scheduled:</strong> goes live at 9am on 1 December 2026" in page) is banner
        listing = fetch(url + "guidance/")[1]
        # Live at the moment: listed and in the menu like any published page; before it, only in the preview.
        assert ('href="winter-venues/"' in listing) is not banner
    output = server.output()
    assert f"Previewing at {url}, as the site will be at " in output
    assert "Traceback" not in output


def test_a_plain_mkdocs_serve_shows_a_mistake_instead_of_hanging(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    port = free_port()
    url = f"http://127.0.0.1:{port}/guidance/lockdown/"
    with running([sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty", "-a", f"127.0.0.1:{port}"],
                 cwd=project, port=port, log=tmp_path / "serve.log") as server:
        wait_for(lambda: fetch(url)[0] == 200, "mkdocs serve starting")
        source = project / "docs/guidance/lockdown.md"
        good = source.read_text(encoding="utf-8")
        source.write_text(good.replace("date: 2024-01-05", "date: 2024-02-30"), encoding="utf-8")
        shown = wait_for(lambda: (got := fetch(url))[0] == 503 and got[1], "the problems page (503)", timeout=60)
        assert "<strong>docs/guidance/lockdown.md</strong>, line 5" in shown
        assert "/livereload/" in shown  # it reloads itself when the problem is fixed
        source.write_text(good, encoding="utf-8")
        fixed = wait_for(lambda: (got := fetch(url))[0] == 200 and got[1], "the fixed page (200)", timeout=60)
        assert "Dynamic lockdown" in fixed
    output = server.output()
    assert "The server will appear stuck" not in output
    assert "Traceback" not in output
