"""Site search (Pagefind, partials/search.html): nothing loads until a reader opens search; a word from an
action card finds it first and Enter opens it; filters narrow results; drafts never appear, in the site or in
the preview; it works from the keyboard alone and on a 320px phone, with no axe violations."""

from __future__ import annotations

import re
import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_checks import (
    describe_violations,
    focus_state,
    load_side_by_side,
    open_path,
    run_axe,
    screenshot,
    sideways_overflow,
    tabs,
    type_search,
)
from page_kinds import action_card_sources

from protectpress.core.foundation.frontmatter import split_front_matter
from search_index import indexed_pages
from support import copy_project, running

REPO = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[a-z]{7,}")
SEARCH_FILES = ("/pagefind/", "/search/", "/assets/javascripts/pp-search.js")
PHONE = {"width": 320, "height": 640}
RESULT_LINKS = ".md-search-result__item > .md-search-result__link"
STATUS = "[data-pp-search-status]"
PAGES_AT_ONCE = 6  # pages loading side by side, so their quiet half-seconds overlap


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def word_only_in_card_body(card: Path) -> str:
    """A word in the card's body that appears in no other source, nor in the card's title or summary (which
    listings repeat). Nearby forms count as appearances too, since search stems words ("conceal" would match
    "concealed"). A newsletter may quote the whole card; the card must still come first."""
    card_source = split_front_matter(card.read_text(encoding="utf-8"))
    elsewhere = " ".join(path.read_text(encoding="utf-8").lower() for path in
                         [*(REPO / "docs").rglob("*.md"), *(REPO / "newsletters").glob("*.md")] if path != card)
    elsewhere += " " + " ".join(str(value).lower() for value in card_source.data.values())
    for word in sorted(words(card_source.body), key=lambda w: (-len(w), w)):
        if word[:-2] not in elsewhere:
            return word
    pytest.fail(f"{card.relative_to(REPO)}: every word of its body appears on another page too")


def search_for(page, text: str) -> None:
    """Open search with the "/" key and type, as a reader would; wait until the results are shown."""
    page.keyboard.press("/")
    type_search(page, text)
    page.wait_for_function(f"!/^Type to start/.test(document.querySelector('{STATUS}').textContent)")
    page.locator(RESULT_LINKS).first.wait_for()


def result_paths(page) -> list[str]:
    return [urlsplit(href).path for href in page.locator(RESULT_LINKS).evaluate_all("links => links.map(a => a.href)")]


def search_requests(page) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    return requested


def test_loading_any_page_requests_nothing_for_search_until_search_opens(page_kinds, new_page, site_url):
    pages = tabs(new_page(), PAGES_AT_ONCE)
    requested = [search_requests(page) for page in pages]
    for _ in load_side_by_side(pages, site_url, [kind.path for kind in page_kinds.values()], state="networkidle"):
        pass
    loaded = [path for paths in requested for path in paths if path.startswith(SEARCH_FILES)]
    assert not loaded, f"pages loaded search files before anyone searched: {loaded}"

    page, requested_by_page = pages[0], requested[0]
    page.keyboard.press("/")
    page.wait_for_function("document.querySelector('[data-pp-search-filters]').hidden === false")
    assert any(path.startswith("/pagefind/") for path in requested_by_page), "opening search loads Pagefind"
    assert not any(path.startswith("/search/") for path in requested_by_page), "nothing of Material's search index"


def test_a_word_no_page_has_is_not_called_a_match(new_page, site_url):
    # Pagefind answers a word no page has with the pages holding the longest part of it ("parcel": pages about
    # PALs). A reader in a hurry must not take those for pages about parcels.
    sources = " ".join(path.read_text(encoding="utf-8").lower() for path in
                       [*(REPO / "docs").rglob("*.md"), *(REPO / "newsletters").glob("*.md")])
    assert "parc" not in sources, "the example content now mentions parcels: pick another word here"
    page = open_path(new_page(), site_url, "")
    search_for(page, "parcel")
    status = page.locator(STATUS).inner_text()
    assert status.startswith("No exact matches for “parcel”. ") and status.endswith("with similar words"), status
    page.keyboard.press("Control+a")
    page.keyboard.type("suspicious")
    page.wait_for_function(f"/matching page/.test(document.querySelector('{STATUS}').textContent)")


@pytest.mark.parametrize("card", action_card_sources(REPO), ids=lambda card: card.stem)
def test_a_word_only_in_an_action_card_lists_it_first_and_enter_opens_it(card, new_page, site_url, artifacts):
    word = word_only_in_card_body(card)
    title = split_front_matter(card.read_text(encoding="utf-8")).data["title"]
    card_path = f"/action-cards/{card.stem}/"

    page = open_path(new_page(), site_url, "")
    search_for(page, word)
    screenshot(page, artifacts, f"search-{card.stem}", full_page=False)
    assert result_paths(page)[0] == card_path, f"searching for {word!r} should list {card_path} first"
    first = page.locator(RESULT_LINKS).first
    assert title in first.inner_text() and "Action card" in first.inner_text()
    assert page.locator(f"{RESULT_LINKS} mark").first.inner_text().lower().startswith(word[:5]), \
        "the excerpt marks the word searched for"

    page.keyboard.press("Enter")  # focus is still in the search box
    page.wait_for_url(f"{site_url.rstrip('/')}{card_path}**")
    assert page.locator("h1").first.inner_text().strip() == title


def test_a_sector_filter_narrows_results_to_that_sector(example_site, new_page, site_url, artifacts):
    sectors_of = {url: set(page["filters"].get("sector", [])) for url, page in indexed_pages(example_site).items()}
    page = open_path(new_page(), site_url, "")
    search_for(page, "security")
    everything = page.locator(STATUS).inner_text()

    page.locator("select[name=sector]").select_option(label="Retail")
    page.wait_for_function(f"document.querySelector('{STATUS}').textContent !== {everything!r}")
    screenshot(page, artifacts, "search-filter-retail", full_page=False)
    retail = result_paths(page)
    assert retail, "some pages about security are for retail"
    outside = [path for path in retail if "Retail" not in sectors_of[path]]
    assert not outside, f"the Retail filter listed pages for other sectors: {outside}"
    assert int(page.locator(STATUS).inner_text().split()[0]) < int(everything.split()[0]), \
        f"the filter did not narrow anything: {everything!r} before, {page.locator(STATUS).inner_text()!r} after"
    # Pages for all sectors are for retail too, as the sector listings say.
    assert any("All sectors" in sectors_of[path] for path in retail)


def test_results_name_topics_and_sectors_in_words_and_list_each_page_once(example_site, new_page, site_url):
    vocabulary_slugs = {"suspicious-items", "hostile-reconnaissance", "martyns-law", "night-time-economy"}
    page = open_path(new_page(), site_url, "")
    search_for(page, "suspicious")
    rows = page.locator(".md-search-result__item").evaluate_all("items => items.map(item => item.innerText)")
    paths = result_paths(page)
    assert len(paths) == len(set(paths)), f"a page is listed twice: {paths}"
    labels = page.locator(".pp-search-hit__labels").all_inner_texts()
    assert any("Topics: " in line and "Suspicious items" in line for line in labels), labels
    assert any("Sectors: All sectors" in line for line in labels), labels
    facts = " ".join(labels + page.locator(".pp-search-hit__facts").all_inner_texts())
    assert not [slug for slug in vocabulary_slugs if slug in facts], f"a slug shows in results: {facts}"
    # The labels come from the index, as the theme recorded them for each page.
    first = indexed_pages(example_site)[paths[0]]["meta"]
    assert first.get("topics", "") in rows[0] and first.get("sectors", "") in rows[0]


def test_keyboard_alone_opens_chooses_and_closes_search_and_focus_returns(page_kind, new_page, site_url):
    page = open_path(new_page(), site_url, page_kind("guidance").path)
    page.locator(".md-content a[href]").first.focus()
    before = page.evaluate("document.activeElement.outerHTML")

    page.keyboard.press("s")
    assert page.evaluate("document.activeElement.id") == "pp-search-input", "the s key opens search"
    assert page.evaluate("document.getElementById('__search').checked")
    type_search(page, "hostile")
    page.locator(RESULT_LINKS).nth(1).wait_for()
    links = result_paths(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert urlsplit(page.evaluate("document.activeElement.href")).path == links[1]
    assert focus_state(page)["visible"] and focus_state(page)["indicator"], "the chosen result shows focus"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "pp-search-input", "ArrowUp from the first goes back"

    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('__search').checked"), "Escape closes search"
    assert page.evaluate("document.activeElement.outerHTML") == before, "focus returns where it was"
    assert page.evaluate("document.getElementById('pp-search-input').value") == "hostile"

    page.keyboard.press("/")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site_url.rstrip('/')}{links[0]}**")


def test_on_a_320px_phone_the_header_button_opens_search_that_fits(new_page, site_url, axe_source, artifacts):
    page = open_path(new_page(viewport=PHONE), site_url, "")
    button = page.get_by_role("button", name="Search", exact=True)
    button.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "pp-search-input"
    assert button.get_attribute("aria-expanded") == "true"
    page.keyboard.type("suspicious")
    page.locator(RESULT_LINKS).first.wait_for()
    page.locator("select[name=type]").select_option(label="Action card")
    page.wait_for_function(f"document.querySelector('{STATUS}').textContent.includes('matching')")
    screenshot(page, artifacts, "search-phone-320", full_page=False)
    assert sideways_overflow(page) == 0
    for control in ("#pp-search-input", "select[name=sector]", RESULT_LINKS):
        box = page.locator(control).first.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, f"{control}: {box}"
    violations = run_axe(page, axe_source)
    assert not violations, f"search on a 320px phone:\n{describe_violations(violations)}"

    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Search"
    assert button.get_attribute("aria-expanded") == "false"


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_search_with_results_and_filters_open_has_no_axe_violations(palette, new_page, site_url, axe_source,
                                                                     artifacts):
    page = open_path(new_page(color_scheme=palette), site_url, "")
    search_for(page, "martyn law")
    page.locator("select[name=topic]").select_option(label="Martyn's Law")
    page.locator("select[name=sector]").focus()
    screenshot(page, artifacts, f"search-filters-{palette}", full_page=False)
    landmark = page.get_by_role("search", name="Search this site")
    assert landmark.locator("input[type=search]").count() == 1 and landmark.locator(RESULT_LINKS).count() > 0
    violations = run_axe(page, axe_source)
    assert not violations, f"search with filters ({palette}):\n{describe_violations(violations)}"


# The preview: `make serve` (mkdocs serve --dirty) on a copy of the example site with one draft page added.

DRAFT_WORD = "Quokkastratagem"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except urllib.error.HTTPError:
        return False


@pytest.fixture(scope="module")
def preview_url(tmp_path_factory):
    project = copy_project(REPO, tmp_path_factory.mktemp("preview") / "project")
    (project / "docs" / "guidance" / "unfinished.md").write_text(
        "---\ntitle: Unfinished guidance\ntype: guidance\nsummary: Not ready.\ndate: 2024-05-01\ndraft: true\n"
        f"---\n\nThe {DRAFT_WORD} plan is not ready to publish.\n", encoding="utf-8")
    try:
        with running([sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dirty", "-a", "127.0.0.1:{port}"],
                     cwd=project, log=project.parent / "serve.log",
                     ready=lambda server: _answers(server.url + "pagefind/pagefind-entry.json")) as server:
            yield server.url
    finally:
        shutil.rmtree(project, ignore_errors=True)


def test_search_works_in_the_preview_and_never_lists_a_draft(preview_url, new_page):
    page = new_page()
    open_path(page, preview_url, "guidance/unfinished/")  # the preview shows drafts...
    assert DRAFT_WORD in page.locator(".md-content").inner_text()
    search_for(page, "reconnaissance")
    assert "/guidance/hostile-reconnaissance/" in result_paths(page)

    page.locator("#pp-search-input").fill(DRAFT_WORD)  # ...but search never lists one
    page.wait_for_function(f"document.querySelector('{STATUS}').textContent === 'No matching pages'")
    assert page.locator(RESULT_LINKS).count() == 0


def test_on_a_desktop_the_box_shows_and_the_phone_button_does_not(new_page, site_url):
    page = open_path(new_page(viewport={"width": 1280, "height": 800}), site_url, "")
    assert page.locator("#pp-search-input").is_visible()
    assert not page.get_by_role("button", name="Search", exact=True).is_visible()
