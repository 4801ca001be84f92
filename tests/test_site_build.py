"""End-to-end builds with real MkDocs: the example site and a small fixture project."""

import re
from html.parser import HTMLParser

import pytest

from search_index import indexed_pages, pages_containing


@pytest.fixture(scope="module")
def basic_site(basic_project):
    """tests/fixtures/site-basic built with `--strict` (tests/conftest.py, shared read-only)."""
    return basic_project / "site"


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


class Meta(HTMLParser):
    """The <html lang>, <meta> and <link rel=alternate> of a page."""

    def __init__(self, html):
        super().__init__()
        self.lang, self.meta = None, {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "meta":
            key = attrs.get("name") or attrs.get("property")
            if key:
                self.meta[key] = attrs.get("content")


def test_guidance_shows_published_and_updated_dates_but_not_staff_facts(basic_site):
    html = read(basic_site, "guidance/retail/index.html")
    assert re.search(r'Published <time datetime="2024-02-01">1 February 2024</time>', html)
    assert re.search(r'Last updated <time datetime="2024-06-15">15 June 2024</time>', html)
    # The kind of page and the review date are for staff: the preview shows them, the public site never does
    # (issue 25; tests/test_public_service.py checks every page of the example site).
    assert "Next review due" not in html and "1 January 2030" not in html and "Type:" not in html


def test_summary_becomes_description_and_open_graph(basic_site):
    page = Meta(read(basic_site, "guidance/retail/index.html"))
    assert page.lang == "en-GB"
    assert page.meta["description"] == "What a shop can do this week to protect staff and customers."
    assert page.meta["og:description"] == page.meta["description"]
    assert page.meta["og:title"] == "Retail security basics"
    assert page.meta["og:url"] == "https://fixture.example.org/guides/guidance/retail/"


def test_action_card_and_footer_carry_the_emergency_line(basic_site):
    card = read(basic_site, "action-cards/parcels/index.html")
    assert "pp-page--action-card" in card
    assert re.search(r'pp-emergency--card".*?In an emergency call\s+<a href="tel:999">999</a>', card, re.S)
    assert card.count('class="pp-emergency pp-emergency--') == 2  # the card's and the footer's: one component
    assert '<a href="tel:+44800789321">0800 789 321</a>' in card
    for page in ("index.html", "guidance/retail/index.html", "404.html"):
        assert "Anti-Terrorist Hotline" in read(basic_site, page), page


def test_drafts_are_not_published_or_searchable(basic_site):
    assert not (basic_site / "news" / "secret-draft").exists()
    everything = "".join(p.read_text(encoding="utf-8", errors="ignore") for p in basic_site.rglob("*") if p.is_file()
                         and p.suffix in (".html", ".json", ".xml"))
    assert "Quillfeather" not in everything
    assert "Unannounced plans" not in everything


def test_search_index_finds_a_card_by_a_word_from_its_body(basic_site):
    assert pages_containing(basic_site, "Zephyrwhistle") == {"/action-cards/parcels/"}


def test_search_index_leaves_out_drafts_and_records_type_date_and_filters(basic_site):
    pages = indexed_pages(basic_site)
    assert not pages_containing(basic_site, "Quillfeather") and not any("secret-draft" in url for url in pages)
    card = pages["/action-cards/parcels/"]
    assert card["meta"]["title"] == "Suspicious parcels"
    assert card["meta"]["type"] == card["filters"]["type"][0] == "Action card"
    # A card for all sectors is found under every sector, as the sector listings list it.
    assert {"All sectors", "Retail", "Night-time economy"} <= set(card["filters"]["sector"])
    # The emergency line and the page facts repeat on many pages: they are not the page's text.
    assert "In an emergency" not in card["content"] and "Published" not in card["content"]


def test_topic_and_sector_listings_are_generated_for_terms_with_pages(basic_site):
    topic = read(basic_site, "topics/martyns-law/index.html")
    assert 'href="../../guidance/retail/"' in topic
    sector = read(basic_site, "sectors/retail/index.html")
    # The card is for all sectors, so it belongs in the retail listing too.
    assert 'href="../../action-cards/parcels/"' in sector and 'href="../../guidance/retail/"' in sector
    # A card for all sectors appears under every sector, so every sector has a page here.
    assert 'href="../../action-cards/parcels/"' in read(basic_site, "sectors/night-time-economy/index.html")
    # Nothing is tagged Training: no empty listing, and no link to one.
    assert not (basic_site / "topics" / "training").exists()
    assert "training" not in read(basic_site, "topics/index.html")


def test_docs_root_links_become_page_links(basic_site):
    home = read(basic_site, "index.html")
    assert 'href="action-cards/parcels/"' in home
    assert 'href="guidance/retail/#what-to-do"' in home


def test_example_site_has_every_page_the_seed_calls_for(example_site):
    expected = [
        "index.html", "about/index.html", "accessibility/index.html", "privacy/index.html", "404.html",
        "guidance/publicly-accessible-locations/index.html", "guidance/martyns-law/index.html",
        "guidance/competent-persons-scheme/index.html", "guidance/aviation-and-maritime-security-unit/index.html",
        "guidance/project-servator/index.html", "guidance/hostile-reconnaissance/index.html",
        "guidance/see-check-and-notify/index.html", "conferences/security-and-policing-2023/index.html",
        "action-cards/index.html", "action-cards/unattended-and-suspicious-items/index.html",
        "action-cards/firearms-and-weapons-attacks/index.html", "topics/index.html", "sectors/index.html",
        "sitemap.xml",
    ]
    missing = [path for path in expected if not (example_site / path).is_file()]
    assert missing == []


def test_example_action_cards_are_marked_as_example_content(example_site):
    for card in ("unattended-and-suspicious-items", "firearms-and-weapons-attacks"):
        html = read(example_site, f"action-cards/{card}/index.html")
        assert "Example content" in html and "official" in html
        assert "pp-emergency--card" in html


def test_card_index_lists_every_card(example_site):
    html = read(example_site, "action-cards/index.html")
    assert 'href="unattended-and-suspicious-items/"' in html
    assert 'href="firearms-and-weapons-attacks/"' in html


def test_conference_agenda_is_a_data_table_with_headers(example_site):
    html = read(example_site, "conferences/security-and-policing-2023/index.html")
    table = html[html.index("<table>"):html.index("</table>")]
    assert "<th>" in table and "Welcome" in table and "Closing" in table


def test_site_makes_no_third_party_requests(example_site):
    for page in example_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, page
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html):
            assert src.startswith("https://protectpress.example.org/"), (page, src)


def test_navigation_stays_small_as_the_site_grows(example_site):
    # With navigation.prune, a page lists its own section's pages, not every page of other sections.
    html = read(example_site, "about/index.html")
    nav = html[html.index('<nav class="md-nav md-nav--primary"'):]
    assert "hostile-reconnaissance" not in nav[: nav.index("</nav>") if "</nav>" in nav else None]
