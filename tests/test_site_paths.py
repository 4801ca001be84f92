"""The site's paths and names are written once (core/foundation/site_paths.py), and everything that orders, lists
or links by them follows from there: the navigation, the feeds, search labels, listings and redirects."""

from protectpress.core.feeds.catalogue import FEED_KINDS, TYPE_INDEX_PAGES
from protectpress.core.foundation.links import SiteLinks
from protectpress.core.foundation.settings import Vocabulary
from protectpress.core.foundation.site_paths import (
    LISTING_GROUPS,
    SECTORS,
    TOPICS,
    TYPE_FOLDERS,
    ContentType,
    folder_index,
    is_newsletter_page,
    label_in_sentence,
    listing_group,
)
from protectpress.core.site.listings import type_index_source
from protectpress.core.site.navigation import NAV_ORDER
from protectpress.core.site.redirects import Redirect, normalise_old_address, redirect_html
from protectpress.core.site.search_records import listing_record


def test_the_navigation_feeds_and_type_indexes_follow_the_kinds_in_one_order():
    folders = list(TYPE_FOLDERS)
    assert folders == ["guidance", "action-cards", "conferences", "news"]
    assert NAV_ORDER[1:5] == folders and NAV_ORDER.index("newsletters") == 5
    assert [NAV_ORDER.index(group.folder) for group in LISTING_GROUPS] == [6, 7]
    assert list(FEED_KINDS) == [kind.value for kind in TYPE_FOLDERS.values()] + ["newsletter"]
    assert type_index_source(ContentType.ACTION_CARD) == folder_index("action-cards") == "action-cards/index.md"
    assert TYPE_INDEX_PAGES["newsletter"] == "newsletters/index.md"


def test_topics_are_the_tags_and_each_group_names_its_terms():
    vocabulary = Vocabulary(tags={"pals": "PALs"}, sectors={"all": "All sectors", "retail": "Retail"})
    assert [(group.folder, terms) for group, terms in vocabulary.by_group()] == [
        ("topics", {"pals": "PALs"}), ("sectors", {"all": "All sectors", "retail": "Retail"})]
    assert (TOPICS.key, TOPICS.noun, SECTORS.key) == ("tags", "topic", "sectors")
    assert listing_group("topics") is TOPICS and listing_group("guidance") is None


def test_search_labels_a_listing_by_its_group_and_anything_else_as_a_page():
    assert listing_record("topics/pals.md").type_label == "Topic"
    assert listing_record("sectors/retail.md").type_label == "Sector"
    assert listing_record("topics/index.md").type_label == "Page"
    assert listing_record("guidance/index.md").type_label == "Page"


def test_a_newsletter_page_is_a_web_version_not_the_archive():
    assert is_newsletter_page("newsletters/2026-01-update.md")
    assert not is_newsletter_page("newsletters/index.md")
    assert not is_newsletter_page("news/2026-01-update.md")


def test_an_old_address_is_where_that_page_was_built_in_either_url_style():
    directory, files = SiteLinks("https://example.org/sub/"), SiteLinks("https://example.org/", False)
    assert normalise_old_address("guidance/old", directory) == "guidance/old/"
    assert normalise_old_address("guidance/old", files) == "guidance/old.html"
    assert normalise_old_address("guidance/old.md", files) == "guidance/old.html"
    assert normalise_old_address("guidance/old/", files) == "guidance/old/"
    assert normalise_old_address("index.md", directory) is None  # the home page is never an old address


def test_a_redirect_names_the_new_page_by_its_canonical_url():
    links = SiteLinks("https://example.org/sub/")
    assert links.address_url("guidance/pals/") == "https://example.org/sub/guidance/pals/"
    redirect = Redirect("guidance/old/", "guidance/pals/", "guidance/pals.md", "PALs", "docs/guidance/pals.md")
    page = redirect_html(redirect, links, "en-GB")
    assert '<link rel="canonical" href="https://example.org/sub/guidance/pals/">' in page
    assert 'href="../pals/"' in page


def test_a_label_inside_a_sentence_keeps_capitals_only_for_names_and_acronyms():
    assert label_in_sentence("sectors", "All sectors") == "all sectors"
    assert label_in_sentence("sectors", "Night-time economy") == "night-time economy"
    assert label_in_sentence("sectors", "NHS sites") == "NHS sites"
    assert label_in_sentence("types", "Conference write-ups") == "conference write-ups"
    assert label_in_sentence("topics", "Martyn's Law") == "Martyn's Law"
    assert label_in_sentence("topics", "Publicly Accessible Locations") == "Publicly Accessible Locations"
    assert label_in_sentence("topics", "Aviation and maritime") == "aviation and maritime"
    assert label_in_sentence("topics", "Prevent") == "Prevent"  # one word: it may be a name
    assert label_in_sentence("topics", "CCTV and lighting") == "CCTV and lighting"
