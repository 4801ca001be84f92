"""WCAG 2.2 AA in a real browser: axe-core finds no violation in the states a reader puts a page in (search open,
mobile drawer open), or in any newsletter email. Every page kind, desktop and phone, is checked in
test_accessibility_light.py and test_accessibility_dark.py: a module for each palette, so that the two workers
of `make test` share the longest sweep of the browser gate."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import MOBILE, PALETTES, describe_violations, open_in_palette, open_path, run_axe, screenshot
from page_kinds import published_newsletters

REPO = Path(__file__).resolve().parents[2]
NEWSLETTER_SLUGS = [source.stem for source in published_newsletters(REPO)]


@pytest.mark.parametrize("palette", PALETTES)
def test_open_search_with_results_has_no_wcag_violations(palette, new_page, site_url, axe_source, artifacts):
    page = open_in_palette(new_page, site_url, "", palette)
    page.keyboard.press("/")
    page.keyboard.type("suspicious")
    page.locator(".md-search-result__item").first.wait_for()
    screenshot(page, artifacts, f"a11y-search-open-{palette}", full_page=False)
    violations = run_axe(page, axe_source)
    assert not violations, f"search open ({palette}):\n{describe_violations(violations)}"


@pytest.mark.parametrize("palette", PALETTES)
def test_open_mobile_drawer_has_no_wcag_violations(palette, page_kind, reading_page, site_url, axe_source,
                                                   artifacts):
    page = open_in_palette(reading_page, site_url, page_kind("guidance").path, palette, viewport=MOBILE)
    page.locator('label.md-header__button[for="__drawer"]').click()
    page.wait_for_function("getComputedStyle(document.querySelector('.md-sidebar--primary')).transform !== 'none'"
                           " && document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0")
    screenshot(page, artifacts, f"a11y-drawer-open-{palette}", full_page=False)
    violations = run_axe(page, axe_source)
    assert not violations, f"mobile drawer open ({palette}):\n{describe_violations(violations)}"


def test_search_is_a_named_search_landmark_holding_its_field_and_results(new_page, site_url, axe_source):
    """Screen-reader users find search by its landmark; the results must be inside it, not elsewhere."""
    page = open_path(new_page(), site_url, "")
    page.keyboard.press("/")
    page.keyboard.type("suspicious")
    page.locator(".md-search-result__item").first.wait_for()
    violations = run_axe(page, axe_source, rules=["landmark-unique", "aria-allowed-role", "label"])
    assert not violations, describe_violations(violations)
    search = page.get_by_role("search", name="Search this site")
    assert search.count() == 1
    assert search.get_by_role("searchbox").count() == 1 and search.get_by_role("link").count() > 0


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("slug", NEWSLETTER_SLUGS)
def test_newsletter_email_has_no_wcag_violations(slug, palette, example_site, reading_page, site_url, axe_source):
    path = f"newsletters/{slug}/email.html"
    assert (example_site / path).is_file(), f"newsletters/{slug}.md is published but the build wrote no {path}"
    page = open_path(reading_page(color_scheme=palette), site_url, path)  # loaded and read: a page a palette will do
    violations = run_axe(page, axe_source)
    assert not violations, f"{path} ({palette}):\n{describe_violations(violations)}"
