"""Topic, sector and type listings made together (core/site/listings.py `listings_by_group`, `type_listing`,
issue 29): the same pages as each made alone, with each page's entry written once though it is listed under
topics, sectors and its type."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from protectpress.core.content.loading import load_content
from protectpress.core.foundation.links import SiteLinks
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.settings import Vocabulary
from protectpress.core.foundation.site_paths import ContentType
from protectpress.core.site import listings
from protectpress.core.site.listings import listings_by_group, type_index_source, type_listing, vocabulary_listings

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
VOCABULARY = Vocabulary(tags={"pals": "PALS", "crowds": "Crowds & queues"},
                        sectors={"all": "All sectors", "retail": "Retail", "hospitality": "Hospitality"})
PAGES = {
    "guidance/a.md": ("guidance", "[pals, crowds]", "[retail]", "2026-01-02"),
    "guidance/b.md": ("guidance", "[crowds]", "[all]", "2026-02-03"),
    "news/c.md": ("news", "[pals]", "[hospitality, retail]", "2026-03-04"),
    "news/d.md": ("news", "[crowds]", "[all]", "2026-04-05"),
    "action-cards/e.md": ("action-card", "[pals]", "[hospitality]", "2026-05-06"),
}


def _content(tmp_path):
    sources = {src: (f"---\ntitle: Page <{src}>\ntype: {kind}\nsummary: About {src} & more.\ndate: {date}\n"
                     f"tags: {tags}\nsectors: {sectors}\n---\n\nBody.\n")
               for src, (kind, tags, sectors, date) in PAGES.items()}
    problems = Problems()
    content = load_content(tmp_path / "docs", tmp_path, VOCABULARY, problems, sources=sources, now=NOW)
    assert not problems.errors and len(content.items) == len(PAGES)
    return content


@pytest.mark.parametrize("directory_urls", [True, False])
def test_listings_made_together_are_those_made_one_group_at_a_time(tmp_path, directory_urls):
    content, links = _content(tmp_path), SiteLinks("https://example.org/", use_directory_urls=directory_urls)
    alone = [vocabulary_listings(content, group.folder, terms, group.noun, links)
             for group, terms in VOCABULARY.by_group()]
    assert listings_by_group(content, VOCABULARY, links) == alone
    assert [len(made) for made in alone] == [3, 4]  # both groups listed, every term with pages


def test_each_pages_entry_is_written_once_for_every_group(tmp_path, monkeypatch):
    content, links = _content(tmp_path), SiteLinks("https://example.org/")
    written: Counter[tuple[str, bool]] = Counter()
    after_link = listings._after_link

    def counted(item, show_kind):
        written[item.src_uri, show_kind] += 1
        return after_link(item, show_kind)

    monkeypatch.setattr(listings, "_after_link", counted)
    listings_by_group(content, VOCABULARY, links)
    assert written and set(written.values()) == {1}
    assert {src for src, _ in written} == set(PAGES)  # listed under topics and under sectors, written once


def test_the_type_listings_share_the_entries_too(tmp_path, monkeypatch):
    content, links = _content(tmp_path), SiteLinks("https://example.org/")
    kinds = [ContentType.GUIDANCE, ContentType.NEWS, ContentType.ACTION_CARD]
    alone = [type_listing(content, kind, links, type_index_source(kind)) for kind in kinds]
    written: Counter[str] = Counter()
    after_link = listings._after_link

    def counted(item, show_kind):
        written[item.src_uri] += 1
        return after_link(item, show_kind)

    monkeypatch.setattr(listings, "_after_link", counted)
    made: listings.EntryTexts = {}
    listings_by_group(content, VOCABULARY, links, made)
    assert [type_listing(content, kind, links, type_index_source(kind), made) for kind in kinds] == alone
    assert written == dict.fromkeys(PAGES, 1)  # each page's entry written once, for all its listings
