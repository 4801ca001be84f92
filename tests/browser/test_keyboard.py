"""Every page kind works with the keyboard alone: a skip link first, focus always visible, search reachable."""

from __future__ import annotations

import contextlib

import pytest
from browser_checks import DESKTOP_AND_MOBILE, focus_state, open_path, type_search

from support import wait_until

# Enough tab stops to cross the header, the navigation and into the content of any page kind.
TAB_STOPS = 60
# How long a focused element that is out of sight may take to be revealed by the page's scripts.
REVEAL_SECONDS = 3


@pytest.mark.parametrize("kind_name", ["home", "guidance", "action card", "card index", "topic index", "404",
                                       "newsletter web version", "subscribe page"])
def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(kind_name, page_kind, reading_page,
                                                                              site_url):
    kind = page_kind(kind_name)
    # Each case loads its page afresh, which puts focus back at the start: one page a module will do.
    page = open_path(reading_page(), site_url, kind.path)
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.matches('a.md-skip') && document.activeElement.textContent")
    assert first and first.strip() == "Skip to content", f"/{kind.path}: first tab stop is {focus_state(page)}"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    state = focus_state(page)
    assert state["inContent"], f"/{kind.path}: after the skip link, Tab went to {state['element']}"


@pytest.mark.parametrize("viewport_name", DESKTOP_AND_MOBILE)
@pytest.mark.parametrize("kind_name", ["guidance", "action card", "topic page"])
def test_every_tab_stop_is_visible_with_a_focus_indicator(kind_name, viewport_name, page_kind, reading_page,
                                                          site_url):
    """Tab through the header, the navigation (on a phone: the drawer) and into the content: each stop must
    be on screen, not covered, and content links must show an outline or shadow."""
    kind = page_kind(kind_name)
    page = open_path(reading_page(viewport=DESKTOP_AND_MOBILE[viewport_name]), site_url, kind.path)
    # Judge where the drawer and panels end up, without waiting out Material's 250 ms slides at every stop.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important }")
    hidden, no_indicator, content_links = [], [], 0
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        state = focus_state(page)
        if not state["visible"]:
            # Material's scripts reveal some things on focus (search, the sidebar's own scroll): give them until
            # they have, with room for a loaded machine (a fixed 300 ms was too short at load 10).
            with contextlib.suppress(AssertionError):
                wait_until(lambda: focus_state(page)["visible"], seconds=REVEAL_SECONDS, what="focus in sight")
            state = focus_state(page)
        if state["element"] == "body":
            break
        if not state["visible"]:
            hidden.append(state["element"])
        if state["inContent"] and state["element"].startswith("a."):
            content_links += 1
            if not state["indicator"]:
                no_indicator.append(state["element"])
        if content_links >= 3:
            break
    assert content_links, f"/{kind.path} ({viewport_name}): {TAB_STOPS} tab stops never reached a content link"
    assert not hidden, f"/{kind.path} ({viewport_name}): focus went out of sight on: {hidden}"
    assert not no_indicator, f"/{kind.path} ({viewport_name}): no visible focus indicator on: {no_indicator}"


@pytest.mark.parametrize("viewport_name", DESKTOP_AND_MOBILE)
def test_search_is_reachable_and_usable_by_keyboard(viewport_name, page_kind, new_page, site_url):
    """Tab to the search field (or press "/"), type, arrow down to a result, Enter opens it."""
    page = open_path(new_page(viewport=DESKTOP_AND_MOBILE[viewport_name]), site_url, page_kind("guidance").path)
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.md-search__input')"):
            break
    else:
        pytest.fail(f"the search field is not in the first {TAB_STOPS} tab stops")
    page.wait_for_function("document.getElementById('__search').checked")  # focus opens the search dialog
    assert focus_state(page)["visible"], "the focused search field is not on screen"
    type_search(page, "hostile")
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("ArrowDown")
    target = page.evaluate("document.activeElement.matches('.md-search-result__link') && document.activeElement.href")
    assert target, f"ArrowDown from the search field went to {focus_state(page)['element']}"
    page.keyboard.press("Enter")
    page.wait_for_url(target)

    page = open_path(new_page(viewport=DESKTOP_AND_MOBILE[viewport_name]), site_url, "")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('.md-search__input')"), "the / shortcut opens search"
