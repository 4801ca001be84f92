"""The public site as a reader in a hurry meets it, in Chromium (issue 25): an action card's first step on a
phone's first screen even under an urgent notice, no contents rail, a Print button that does not print, light
pages, navigation and the drawer without JavaScript, search hidden offline, and screenshots of every page kind
in both palettes on a phone and a desktop (tests/artifacts/), for a person to look at."""

from __future__ import annotations

import pytest
from browser_checks import DESKTOP, open_path, screenshot
from page_kinds import PAGE_KIND_NAMES

from conftest import serving
from support import wait_until

PHONE = {"width": 390, "height": 844}
# Everything a first visit to an action card loads (page, styles, scripts, images), uncompressed.
FIRST_VISIT_LIMIT = 200_000


@pytest.fixture(scope="module")
def notice_site_url(notice_site):
    with serving(notice_site.site) as url:
        yield url


def test_every_action_cards_first_step_starts_on_a_phones_first_screen_under_an_urgent_notice(
        notice_site, notice_site_url, new_page, artifacts):
    cards = sorted(p.parent.name for p in (notice_site.site / "action-cards").glob("*/index.html"))
    assert len(cards) >= 2
    page = new_page(viewport=PHONE)
    for card in cards:
        open_path(page, notice_site_url, f"action-cards/{card}/")
        assert page.locator(".pp-notice").is_visible()
        top = page.evaluate("document.querySelector('.pp-page--action-card ol > li').getBoundingClientRect().top")
        screenshot(page, artifacts, f"public-service-card-with-notice-{card}-phone", full_page=False)
        assert top < PHONE["height"], f"{card}: the first step starts {top}px down a {PHONE['height']}px screen"


@pytest.mark.parametrize("kind_name", ["topic index", "action card"])
def test_the_menu_ends_above_the_footer_on_a_short_page(kind_name, page_kind, new_page, site_url):
    # Material sizes its sticky menu with a script the site does not load: without a height of its own, the menu
    # of a short page (the topic index with its topics open) ran over the footer's text at desktop width.
    page = open_path(new_page(viewport=DESKTOP), site_url, page_kind(kind_name).path)
    menu_bottom, footer_top = page.evaluate(
        "[document.querySelector('.md-sidebar--primary .md-nav').getBoundingClientRect().bottom,"
        " document.querySelector('.md-footer').getBoundingClientRect().top]")
    assert menu_bottom <= footer_top, f"the menu ends at {menu_bottom}px, the footer starts at {footer_top}px"


@pytest.mark.parametrize("kind_name", ["action card", "guidance", "home"])
def test_no_contents_rail_at_desktop_width(kind_name, page_kind, reading_page, site_url):
    page = open_path(reading_page(viewport=DESKTOP), site_url, page_kind(kind_name).path)
    rails = page.locator(".md-sidebar--secondary, .md-nav--secondary, [data-md-type=toc]")
    assert rails.count() == 0 or not any(rails.nth(i).is_visible() for i in range(rails.count()))
    # One column at a readable measure: a paragraph runs to about 70 characters (19px text), not the window.
    measure = page.evaluate("document.querySelector('#pp-content > p:not(.pp-lead), #pp-content p')"
                            ".getBoundingClientRect().width")
    assert measure <= 800, f"a paragraph is {measure}px wide"


def test_the_print_button_prints_and_is_not_printed(page_kind, new_page, site_url):
    page = new_page(viewport=PHONE)
    page.add_init_script("window.print = () => { window.ppPrinted = (window.ppPrinted || 0) + 1; };")
    open_path(page, site_url, page_kind("action card").path)
    button = page.get_by_role("button", name="Print this card")
    assert button.is_visible()
    box = button.bounding_box()
    assert box["height"] >= 44, "a target a finger can hit"
    button.click()
    assert page.evaluate("window.ppPrinted") == 1
    page.emulate_media(media="print")
    assert not button.is_visible()


def test_without_javascript_the_print_button_and_search_stay_hidden_and_the_drawer_works(page_kind, new_page,
                                                                                          site_url):
    page = open_path(new_page(viewport=PHONE, java_script_enabled=False), site_url, page_kind("action card").path)
    assert not page.locator(".pp-print-button").is_visible()
    assert not page.locator(".pp-search-open").is_visible()
    # The drawer is Material's CSS toggle: it opens and every section is reachable with no script at all.
    page.locator("label.md-header__button[for=__drawer]").click()
    drawer = page.locator(".md-sidebar--primary")
    # Until its slide ends (no script to wait on: a fixed 400 ms was most of the test's time).
    wait_until(lambda: drawer.bounding_box()["x"] >= 0, seconds=10, what="the drawer open on screen")
    assert page.get_by_role("link", name="Subscribe to updates").is_visible()


def test_search_is_hidden_while_the_device_is_offline(page_kind, new_page, site_url):
    page = new_page(viewport=DESKTOP)
    open_path(page, site_url, page_kind("guidance").path)
    search = page.locator("#pp-search")
    search.wait_for(state="visible")
    page.context.set_offline(True)
    page.wait_for_function("document.getElementById('pp-search').hidden")
    page.context.set_offline(False)
    page.wait_for_function("!document.getElementById('pp-search').hidden")


@pytest.mark.parametrize("kind_name", ["action card", "home", "guidance", "topic page"])
def test_a_first_visit_is_light(kind_name, page_kind, new_page, site_url):
    page = new_page(viewport=PHONE, service_workers="block")
    sizes: list[tuple[str, int]] = []
    page.on("requestfinished", lambda request: sizes.append((request.url, len(request.response().body()))))
    open_path(page, site_url, page_kind(kind_name).path)
    page.wait_for_load_state("networkidle")
    total = sum(size for _, size in sizes)
    assert total <= FIRST_VISIT_LIMIT, f"{kind_name}: {total} bytes: {sizes}"
    assert not any("bundle." in url for url, _ in sizes), "Material's script is not loaded"


def test_search_excerpts_mark_the_searched_words_not_stop_words(page_kind, new_page, site_url):
    page = open_path(new_page(viewport=DESKTOP), site_url, page_kind("guidance").path)
    page.locator("#pp-search-input").fill("signs of an attack")
    page.locator(".md-search-result__link").first.wait_for()
    marked = page.evaluate("[...document.querySelectorAll('.md-search-result mark')].map(m => m.textContent)")
    assert marked, "the searched words are marked"
    assert not [word for word in marked if word.lower() in ("of", "an")], marked


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_screenshots_of_every_page_kind(device, scheme, page_kinds, reading_page, site_url, artifacts):
    """For a person to look at (tests/artifacts/public-service-*.png): each kind fits the width it is given."""
    page = reading_page(viewport=PHONE if device == "phone" else DESKTOP, color_scheme=scheme)
    for name in PAGE_KIND_NAMES:
        kind = page_kinds[name]
        open_path(page, site_url, kind.path)
        screenshot(page, artifacts, f"public-service-{kind.slug}-{device}-{scheme}", full_page=False)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name} ({device}, {scheme}) scrolls sideways: {width}px"
    page.emulate_media(media="print")
    try:
        for card in (p.path for p in page_kinds.values() if p.name == "action card"):
            open_path(page, site_url, card)
            if device == "desktop":
                page.pdf(path=str(artifacts / f"public-service-printed-card-{scheme}.pdf"))
            screenshot(page, artifacts, f"public-service-printed-card-{device}-{scheme}")
    finally:
        page.emulate_media(media="null")  # the page is the module's: the next case reads it on a screen again


def test_a_palette_toggle_asked_for_in_mkdocs_yml_switches_and_is_remembered(palette_toggle_site, serve_site,
                                                                            new_page):
    """Without Material's script: the site's own script works Material's toggle markup and keeps the choice."""
    url = serve_site(palette_toggle_site)
    page = new_page(color_scheme="dark")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    open_path(page, url, "")
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    page.wait_for_function(f"{scheme} === 'slate'")  # the system's dark, on a first visit
    page.locator("label[title='Switch slate']").click()  # slate's toggle switches to light
    assert page.evaluate(scheme) == "default"
    assert page.locator("label[title='Switch default']").is_visible()
    assert not page.locator("label[title='Switch slate']").is_visible()
    open_path(page, url, "guidance/")
    page.wait_for_function(f"{scheme} === 'default'")  # remembered on the next page
    assert errors == []

