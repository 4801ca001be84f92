"""Which feeds the site publishes, where each one lives, and which entries each carries.

One feed for the whole site, and one per topic, sector and content type that has at least one entry: an
empty topic gets no feed, so nothing ever links to one. The same function decides this for the files the
build writes, the links in each page's `<head>` and the Subscribe page, so the three always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from ..content.model import FOLDER_OF_TYPE, ContentType
from ..foundation.config import Settings
from ..foundation.links import SiteLinks
from .entry import FeedEntry
from .instants import with_distinct_instants

FEEDS_FOLDER = "feeds"
# Kinds that go into feeds, in the order the Subscribe page lists them. Plain pages never do.
FEED_KINDS = ("guidance", "action-card", "conference", "news", "newsletter")
_KIND_PLURALS = {**{kind.value: kind.plural for kind in ContentType}, "newsletter": "Newsletters"}
# Each type's index page (a docs source), which links that type's feeds and is the feed's home page.
TYPE_INDEX_PAGES = {**{kind.value: f"{folder}/index.md" for kind, folder in FOLDER_OF_TYPE.items()},
                    "newsletter": "newsletters/index.md"}
# When a feed has no entries at all (a brand-new site), its dates still must not change between builds.
EMPTY_FEED_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class FeedFormat:
    name: str  # what the Subscribe page calls it
    filename: str
    media_type: str  # for autodiscovery links


RSS = FeedFormat("RSS", "rss.xml", "application/rss+xml")
ATOM = FeedFormat("Atom", "atom.xml", "application/atom+xml")
JSON_FEED = FeedFormat("JSON Feed", "feed.json", "application/feed+json")
FORMATS = (RSS, ATOM, JSON_FEED)


@dataclass(frozen=True)
class Feed:
    """One feed, published in all three formats under `folder`."""

    group: str  # "site", "types", "topics" or "sectors"
    slug: str  # "" for the site-wide feed; a type, topic or sector slug otherwise
    label: str  # what it covers in words: "Everything", "Action cards", "Retail"
    title: str
    description: str
    home_url: str  # the page a reader opens from the feed: the site, or the matching index page
    index_page: str | None  # the docs source that links this feed in its <head>, if any
    folder: str  # site-relative, e.g. "feeds/sectors/retail/"
    entries: tuple[FeedEntry, ...]  # newest first, at most the configured limit

    @property
    def updated(self) -> dt.datetime:
        """The feed's last-build date: its newest entry's, so the same content always gives the same bytes."""
        return max((e.updated for e in self.entries), default=EMPTY_FEED_DATE)

    def path(self, feed_format: FeedFormat) -> str:
        return self.folder + feed_format.filename


def newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    """Newest `updated` first; ties broken by publication and then id, so the order never varies."""
    return sorted(entries, key=lambda e: (e.updated, e.published, e.id), reverse=True)


def plan_feeds(entries: list[FeedEntry], settings: Settings, pages: Collection[str] = (),
               pinned: tuple[FeedEntry, ...] = ()) -> list[Feed]:
    """Every feed the site publishes, site-wide first, then types, topics and sectors in vocabulary order.

    `pages` are the docs sources the site builds: a feed's home link points at its index page only when
    that page exists, and at the site otherwise. `pinned` entries (the urgent notice) lead every feed that
    exists, whatever their dates, on top of its `limit`.
    """
    options = settings.plugin.feeds
    vocabulary = settings.vocabulary
    site_title = options.title or settings.site_name
    chosen = _unique_by_id(newest_first(with_distinct_instants([e for e in entries if e.kind in FEED_KINDS])))

    def feed(group: str, slug: str, label: str, title: str, description: str, index_page: str | None,
             belongs: Callable[[FeedEntry], bool]) -> Feed | None:
        members = tuple(e for e in chosen if belongs(e))[: max(options.limit, 1)]
        if not members and group != "site":
            return None
        has_page = index_page is not None and index_page in pages
        home = settings.links.page_url(index_page if index_page is not None and has_page else "index.md")
        folder = f"{FEEDS_FOLDER}/" + (f"{group}/{slug}/" if slug else "")
        return Feed(group, slug, label, title, description, home, index_page if has_page else None, folder,
                    pinned + members)

    site_description = options.description or settings.site_description or f"Updates from {site_title}."
    planned = [feed("site", "", "Everything", site_title, site_description, "index.md", lambda e: True)]
    for kind in FEED_KINDS:
        plural = _KIND_PLURALS[kind]
        planned.append(feed("types", kind, plural, f"{site_title}: {plural}",
                            f"New and updated {plural.lower()} from {site_title}.", TYPE_INDEX_PAGES[kind],
                            _of_kind(kind)))
    for slug, label in vocabulary.tags.items():
        planned.append(feed("topics", slug, label, f"{site_title}: {label}",
                            f"New and updated pages about {label} from {site_title}.",
                            SiteLinks.listing_source("topics", slug),
                            _about(slug)))
    for slug, label in vocabulary.sectors.items():
        scope = "every sector" if slug == "all" else f"the {label} sector, including what applies to all sectors"
        planned.append(feed("sectors", slug, label, f"{site_title}: {label}",
                            f"New and updated pages for {scope}, from {site_title}.",
                            SiteLinks.listing_source("sectors", slug),
                            _for_sector(slug)))
    return [f for f in planned if f is not None]


def _of_kind(kind: str) -> Callable[[FeedEntry], bool]:
    return lambda entry: entry.kind == kind


def _about(tag: str) -> Callable[[FeedEntry], bool]:
    return lambda entry: tag in entry.tags


def _for_sector(sector: str) -> Callable[[FeedEntry], bool]:
    return lambda entry: sector in entry.sectors or "all" in entry.sectors


def feeds_for_page(src_uri: str, feeds: list[Feed]) -> list[Feed]:
    """The feeds a page links in its <head>: the site-wide one everywhere, plus its own on an index page."""
    return [f for f in feeds if f.group == "site" or (f.index_page is not None and f.index_page == src_uri)]


def _unique_by_id(entries: list[FeedEntry]) -> list[FeedEntry]:
    # An id must name one entry; if two sources claim one URL, the newest wins (entries come newest first).
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.id not in seen:
            seen.add(entry.id)
            unique.append(entry)
    return unique
