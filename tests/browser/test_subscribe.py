"""The Subscribe page (core/subscriptions/page.py, pp-subscribe.js): without JavaScript a list of choices, each
with one address that fits a phone; with it, a picker that gives one address in the chosen format to copy."""

from __future__ import annotations

from browser_checks import MOBILE, describe_violations, open_path, run_axe, screenshot, sideways_overflow

SITE_URL = "https://protectpress.example.org/"
PICKER = "[data-pp-subscribe-picker]"


def test_without_javascript_every_choice_shows_one_address_that_fits_a_phone(new_page, site_url, artifacts):
    page = open_path(new_page(viewport=MOBILE, java_script_enabled=False), site_url, "subscribe/")
    screenshot(page, artifacts, "subscribe-no-javascript-mobile")
    assert page.locator(PICKER).is_hidden()
    items = page.locator(".pp-feed-list__item")
    assert items.count() >= 20
    # Each address is inside the content column, wrapped rather than cut or scrolled sideways.
    widest = page.evaluate("""() => Math.max(...[...document.querySelectorAll('.pp-feed-address code')]
        .map(code => code.getBoundingClientRect().right))""")
    assert widest <= MOBILE["width"], f"a feed address reaches {widest}px on a {MOBILE['width']}px phone"
    assert sideways_overflow(page) <= 0
    retail = page.locator('.pp-feed-list__item[data-pp-feed="Retail"] .pp-feed-address')
    assert retail.inner_text().strip() == SITE_URL + "feeds/sectors/retail/rss.xml"
    assert _visible_format_explanations(page) == 1


def test_the_picker_gives_one_address_in_the_chosen_format_and_copies_it(new_page, site_url, axe_source,
                                                                        artifacts):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    open_path(page, site_url, "subscribe/")
    page.locator(PICKER).wait_for(state="visible")
    address = page.locator("#pp-feed-address")
    assert address.inner_text() == SITE_URL + "feeds/rss.xml", "everything, as RSS, is the first choice"

    # Two plain questions: what kind of thing, then which one; RSS unless "Other formats" is opened.
    page.get_by_role("radio", name="Sectors").check()
    page.get_by_label("Which sector?").select_option(label="Retail")
    assert address.inner_text() == SITE_URL + "feeds/sectors/retail/rss.xml"
    assert not page.get_by_label("Atom").is_visible()
    # The picker offers the other formats, so the page's note for readers without the script is hidden.
    assert _visible_format_explanations(page) == 1
    page.get_by_text("Other formats: Atom and JSON Feed").click()
    page.get_by_label("Atom").check()
    assert address.inner_text() == SITE_URL + "feeds/sectors/retail/atom.xml"
    page.get_by_role("button", name="Copy address").click()
    page.get_by_role("status").filter(has_text="copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == SITE_URL + "feeds/sectors/retail/atom.xml"
    screenshot(page, artifacts, "subscribe-picker")

    # The long list folds away under the picker: the page is a screen or two, not a wall of addresses.
    assert page.locator("details.pp-subscribe__all").count() == 1
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2200, f"the Subscribe page is {height}px tall with the picker"
    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(violations)


def test_a_topic_pages_follow_link_opens_the_picker_on_its_feed(new_page, site_url):
    page = open_path(new_page(), site_url, "topics/weapons-attacks/")
    page.get_by_role("link", name="Get updates about weapons attacks").click()
    page.locator(PICKER).wait_for(state="visible")
    assert page.get_by_role("radio", name="Topics").is_checked()
    assert page.locator("#pp-feed-address").inner_text() == SITE_URL + "feeds/topics/weapons-attacks/rss.xml"
    # The picker holding that choice is on screen, not the long list the address was linked in.
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('[data-pp-subscribe-picker]').getBoundingClientRect().top < "
                           "innerHeight / 2 && !document.querySelector('details.pp-subscribe__all').open")


def _visible_format_explanations(page) -> int:
    """How many places on screen offer or explain "Atom and JSON Feed" (a trial found two with the picker)."""
    return page.evaluate("""() => [...document.querySelectorAll('summary')]
        .filter(s => s.textContent.includes('Atom and JSON Feed') && s.checkVisibility()).length""")
