"""On a phone (375 x 667): the navigation drawer reaches every section, and no page scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import MOBILE, open_path, screenshot, sideways_overflow
from page_kinds import PAGE_KIND_NAMES

# Top-level folders of the built site that are not sections a reader navigates to.
NOT_SECTIONS = {"assets", "search", "feeds"}


def top_level_sections(site_dir: Path) -> list[str]:
    """Every top-level page and section of the built site, as site-relative paths ("guidance/")."""
    return sorted(f"{folder.name}/" for folder in site_dir.iterdir()
                  if folder.is_dir() and folder.name not in NOT_SECTIONS and (folder / "index.html").is_file())


def open_drawer(page) -> None:
    page.locator('label.md-header__button[for="__drawer"]').click()
    page.wait_for_function("document.getElementById('__drawer').checked"
                           " && document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= 0")


def test_the_drawer_opens_and_reaches_every_top_level_section(example_site, new_page, site_url, artifacts):
    sections = top_level_sections(example_site)
    assert "guidance/" in sections and "action-cards/" in sections, sections
    page = open_path(new_page(viewport=MOBILE), site_url, "")
    open_drawer(page)
    screenshot(page, artifacts, "mobile-drawer-open", full_page=False)
    unreachable = []
    for section in sections:
        page.goto(site_url, wait_until="load")
        open_drawer(page)
        link = page.locator(f'.md-nav--primary > .md-nav__list > .md-nav__item a.md-nav__link[href$="{section}"]')
        if link.count() == 0 or not link.first.is_visible():
            unreachable.append(section)
            continue
        link.first.click()
        page.wait_for_url(f"{site_url}{section}")
    assert not unreachable, f"the mobile drawer has no visible link to: {', '.join(unreachable)}"


@pytest.mark.parametrize("kind_name", PAGE_KIND_NAMES)
def test_no_page_kind_scrolls_sideways_on_a_phone(kind_name, page_kind, reading_page, site_url, artifacts):
    kind = page_kind(kind_name)
    page = open_path(reading_page(viewport=MOBILE), site_url, kind.path)
    screenshot(page, artifacts, f"mobile-{kind.slug}")
    overflow = sideways_overflow(page)
    assert overflow <= 0, f"{kind.name} page /{kind.path} scrolls {overflow}px sideways at 375px wide"


@pytest.mark.parametrize("path", ["", "news/"])
def test_a_listings_kind_and_date_sit_on_their_own_line_under_each_title(path, reading_page, site_url, artifacts):
    # Run on after the title, "News · Updated ..." wrapped differently on each entry of a phone's list (a trial).
    page = open_path(reading_page(viewport=MOBILE), site_url, path)  # loaded and read, as the page kinds above
    screenshot(page, artifacts, f"mobile-listing-{path.strip('/') or 'home'}")
    entries = page.evaluate("""() => [...document.querySelectorAll('.pp-listing > li')].map(li => ({
        title: li.querySelector('a').getBoundingClientRect().bottom,
        facts: li.querySelector('small').getBoundingClientRect().top,
        left: li.querySelector('small').getBoundingClientRect().left - li.getBoundingClientRect().left}))""")
    assert entries, f"no listing on /{path}"
    assert all(entry["facts"] >= entry["title"] - 1 and entry["left"] < 1 for entry in entries), entries
