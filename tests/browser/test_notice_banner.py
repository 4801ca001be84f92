"""The urgent notice's banner in a real browser: at the very top, above the header, with no way to dismiss
it, and no WCAG violation on the pages that carry it, in either palette."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from browser_checks import describe_violations, run_axe, screenshot
from conftest import serving
from support import REPO, copy_project, run_protectpress

NOTICE = """---
level: critical
title: Incident in the city centre
date: 2026-11-29T10:00
expires: 2026-12-01T18:00
---

Avoid the area around the station. Follow [the weapons attack card](/action-cards/firearms-and-weapons-attacks.md).
"""
BEFORE_EXPIRY = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def notice_site_url(tmp_path_factory):
    project = copy_project(REPO, tmp_path_factory.mktemp("banner") / "project")
    (project / "docs" / "notice.md").write_text(NOTICE, encoding="utf-8")
    result = run_protectpress("build", "--quiet", cwd=project,
                              env={"SOURCE_DATE_EPOCH": str(int(BEFORE_EXPIRY.timestamp()))})
    assert result.returncode == 0, result.stdout + result.stderr
    with serving(project / "site") as url:
        yield url


@pytest.mark.parametrize(("path", "palette"), [("", "light"), ("", "dark"),
                                                ("action-cards/firearms-and-weapons-attacks/", "light")])
def test_the_banner_is_on_top_and_accessible(path, palette, notice_site_url, new_page, axe_source, artifacts):
    page = new_page(color_scheme=palette)
    page.goto(notice_site_url + path, wait_until="load")
    banner = page.locator(".pp-notice")
    assert banner.inner_text().startswith("Incident in the city centre")
    assert banner.bounding_box()["y"] == 0
    assert banner.bounding_box()["y"] + banner.bounding_box()["height"] <= page.locator(".md-header").bounding_box()["y"]
    assert banner.locator("button").count() == 0  # not dismissible
    screenshot(page, artifacts, f"notice-banner-{palette}-{path.strip('/').replace('/', '-') or 'home'}",
               full_page=False)
    violations = run_axe(page, axe_source)
    assert not violations, f"/{path} ({palette}):\n{describe_violations(violations)}"
