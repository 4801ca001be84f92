"""The urgent notice's banner in a real browser: at the very top, above the header, with no way to dismiss
it, and no WCAG violation on the pages that carry it, in either palette."""

from __future__ import annotations

import pytest
from browser_checks import describe_violations, run_axe, screenshot

from conftest import serving


@pytest.fixture(scope="module")
def notice_site_url(notice_site):
    with serving(notice_site.site) as url:
        yield url


@pytest.mark.parametrize(("path", "palette"), [("", "light"), ("", "dark"),
                                                ("action-cards/firearms-and-weapons-attacks/", "light")])
def test_the_banner_is_on_top_and_accessible(path, palette, notice_site_url, new_page, axe_source, artifacts):
    page = new_page(color_scheme=palette)
    page.goto(notice_site_url + path, wait_until="load")
    banner = page.locator(".pp-notice")
    assert banner.inner_text().startswith("Incident in the city centre")
    assert banner.bounding_box()["y"] == 0
    assert (
        banner.bounding_box()["y"] + banner.bounding_box()["height"] <= page.locator(".md-header").bounding_box()["y"]
    )
    assert banner.locator("button").count() == 0  # not dismissible
    screenshot(page, artifacts, f"notice-banner-{palette}-{path.strip('/').replace('/', '-') or 'home'}",
               full_page=False)
    violations = run_axe(page, axe_source)
    assert not violations, f"/{path} ({palette}):\n{describe_violations(violations)}"
