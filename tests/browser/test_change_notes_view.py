"""A page with change notes in a real browser: "See all updates" opens by keyboard and shows the history, and
the page has no WCAG violation with it open."""

from __future__ import annotations

from browser_checks import describe_violations, open_path, run_axe

PAGE_WITH_CHANGES = "guidance/martyns-law/"  # the example site's page with `changes:`


def test_see_all_updates_opens_by_keyboard_without_violations(new_page, site_url, axe_source):
    page = open_path(new_page(), site_url, PAGE_WITH_CHANGES)
    history = page.locator(".pp-changes__list")
    assert not history.is_visible()
    page.locator(".pp-changes__all > summary").focus()
    page.keyboard.press("Enter")
    assert history.is_visible()
    assert history.locator("li").count() == 3  # two changes and first publication
    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(violations)
