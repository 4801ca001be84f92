"""A planned feed -> the bytes of its RSS 2.0 and Atom files (feedgen) and its JSON Feed 1.1 file (json).

XML is never written by hand: feedgen and lxml escape every title and summary. Everything that could vary
between two builds of the same content is pinned: feedgen's build date and generator default to "now" and
its own version, so both are set from the content and our name.
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass

from feedgen.entry import FeedEntry as FeedgenEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from ..foundation.links import SiteLinks
from ..foundation.settings import Settings
from ..foundation.site_paths import SECTORS, TOPICS
from ..foundation.templates import html_text
from .catalogue import ATOM, FORMATS, JSON_FEED, RSS, Feed, FeedFormat
from .enclosure import NAMESPACE, Enclosure, EnclosureEntryExtension, EnclosureExtension
from .entry import FeedEntry
from .images import FeedImage, feed_image

GENERATOR = "protectpress"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION = "_protectpress"  # JSON Feed 1.1: custom keys start with "_", and readers ignore what they do not know
# Characters XML 1.0 cannot carry at all; lxml refuses them, so they are dropped rather than crash a build.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Category:
    """A topic or sector as every format writes it: the label as text, the slug as term, and its listing page."""

    term: str  # the slug
    label: str
    scheme: str  # absolute URL of the topic's or sector's page

    def as_json(self) -> dict[str, str]:
        # By hand: dataclasses.asdict deep-copies, a third of the JSON Feed's time on a large site.
        return {"term": self.term, "label": self.label, "scheme": self.scheme}


@dataclass(frozen=True)
class Publisher:
    """What every feed says about who publishes it, from the `feeds` settings with site-wide fallbacks."""

    author_name: str
    author_email: str
    logo: FeedImage | None  # RSS <image>, Atom <logo>
    icon: FeedImage | None  # JSON Feed `icon`
    favicon: FeedImage | None  # JSON Feed `favicon`, Atom <icon>
    language: str
    categories_by_term: dict[tuple[str, str], Category]  # ("topics" or "sectors", slug) -> its category

    @classmethod
    def from_settings(cls, settings: Settings) -> Publisher:
        options = settings.plugin.feeds
        return cls(
            author_name=options.author_name or settings.site_author or settings.site_name,
            author_email=options.author_email,
            logo=feed_image(options.logo, settings),
            icon=feed_image(options.icon, settings),
            favicon=feed_image(options.favicon, settings),
            language=settings.language,
            categories_by_term={(group.folder, slug): Category(
                slug, label, settings.links.page_url(SiteLinks.listing_source(group.folder, slug)))
                for group, terms in settings.vocabulary.by_group() for slug, label in terms.items()},
        )

    def categories(self, entry: FeedEntry) -> list[Category]:
        """Topics then sectors, in the order the page lists them."""
        return ([self._category(TOPICS.folder, t) for t in entry.tags]
                + [self._category(SECTORS.folder, s) for s in entry.sectors])

    def _category(self, group: str, slug: str) -> Category:
        # The content schema accepts only vocabulary slugs; the fallback keeps a stray one readable.
        return self.categories_by_term.get((group, slug)) or Category(slug, slug, "")


def render_feed(feed: Feed, settings: Settings) -> dict[str, bytes]:
    """The three files of one feed, by site-relative path."""
    return FeedWriter(settings).render(feed)


class FeedWriter:
    """Writes every feed of one build. A page is in the site-wide feed and in each of its topics' and sectors'
    feeds, written the same way in each: its RSS and Atom entries are made once and given to every feed that
    carries it (feedgen's `add_entry(entry)`), and each builds its XML element once (`_MadeOnce`), not again for
    each of up to a dozen feeds."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.publisher = Publisher.from_settings(settings)
        self._made: dict[tuple[str, str], FeedgenEntry] = {}  # (entry id, format name) -> its feedgen entry
        self._json_items: dict[str, bytes] = {}  # entry id -> its JSON Feed item as UTF-8 JSON, the same in every feed

    def render(self, feed: Feed) -> dict[str, bytes]:
        """The three files of `feed`, by site-relative path."""
        urls = {f: self.settings.links.absolute("/" + feed.path(f)) for f in FORMATS}
        return {
            # Two generators, because each XML file must name its own address as rel="self".
            feed.path(RSS): self._generator(feed, RSS, feed_id=urls[ATOM], self_url=urls[RSS]).rss_str(pretty=True),
            feed.path(ATOM): self._generator(feed, ATOM, feed_id=urls[ATOM],
                                             self_url=urls[ATOM]).atom_str(pretty=True),
            feed.path(JSON_FEED): json_feed(feed, self.publisher, urls[JSON_FEED], self._json_items),
        }

    def _generator(self, feed: Feed, feed_format: FeedFormat, *, feed_id: str, self_url: str) -> FeedGenerator:
        publisher = self.publisher
        generator = FeedGenerator()
        generator.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS <author> demands an email address
        generator.register_extension(NAMESPACE, EnclosureExtension, EnclosureEntryExtension)
        generator.id(feed_id)
        generator.title(_xml(feed.title))
        generator.subtitle(_xml(feed.description))  # also RSS <description>
        generator.link(href=self_url, rel="self", type=feed_format.media_type)
        generator.link(href=feed.home_url, rel="alternate")  # added last: feedgen uses the last link for RSS <link>
        generator.language(publisher.language)
        generator.author(_author(publisher))
        if publisher.logo:
            # RSS readers assume 88 by 31 pixels when <image> gives no size, so give it whenever it is known.
            width, height = publisher.logo.size or (None, None)
            generator.image(publisher.logo.url, title=_xml(feed.title), link=feed.home_url,
                            width=str(width) if width else None, height=str(height) if height else None)
        favicon = publisher.favicon or publisher.icon
        if favicon:
            generator.icon(favicon.url)
        generator.generator(GENERATOR)
        generator.updated(feed.updated)  # otherwise "now": two builds would differ
        for entry in feed.entries:  # already newest first; feedgen would prepend without order="append"
            key = (entry.id, feed_format.name)
            made = self._made.get(key)
            if made is None:
                made = self._made[key] = generator.add_entry(_MadeOnce(), order="append")
                _fill_entry(made, entry, publisher, rss=feed_format is RSS)
            else:
                generator.add_entry(made, order="append")
        return generator


class _MadeOnce(FeedgenEntry):
    """A feedgen entry that builds its RSS item or Atom entry element the first time feedgen asks, and hands the
    same element to every feed after. feedgen appends it to the feed's tree, which lxml does by moving it out of
    the last feed's; each feed is serialised (`rss_str`, `atom_str`) before the next is made, so each file holds
    it once, and the bytes are those of a fresh element (tests/test_feeds_core.py compares them). Building these
    elements again for every feed carrying the entry was half the time of writing the feeds."""

    def __init__(self) -> None:
        super().__init__()
        self._elements: dict[tuple[str, bool], etree._Element] = {}

    def rss_entry(self, extensions: bool = True) -> etree._Element:
        if ("rss", extensions) not in self._elements:
            self._elements["rss", extensions] = super().rss_entry(extensions)
        return self._elements["rss", extensions]

    def atom_entry(self, extensions: bool = True) -> etree._Element:
        if ("atom", extensions) not in self._elements:
            self._elements["atom", extensions] = super().atom_entry(extensions)
        return self._elements["atom", extensions]


def _fill_entry(item: FeedgenEntry, entry: FeedEntry, publisher: Publisher, *, rss: bool) -> None:
    item.guid(entry.id, permalink=True)  # also the Atom id
    item.title(_xml(entry.title))
    item.link(href=entry.url, rel="alternate")
    # RSS has one date per item, and readers show an item again only when it moves, so RSS <pubDate> is the
    # newest of first publication and last update (the content states the first; see body.py). A dc:date
    # beside it would be a second date for the same item, which validators flag and readers ignore.
    item.published(entry.updated if rss else entry.published)
    item.updated(entry.updated)
    # RSS <description> is HTML to every reader: the summary is plain text, so it goes in escaped, as HTML
    # (and Atom's <summary> says so), never as markup a reader would run.
    item.summary(_xml(html_text(entry.summary)), type="html")  # RSS <description>, Atom <summary>
    if entry.content_html:
        item.content(_xml(entry.content_html), type="html")  # RSS <content:encoded>, Atom <content type="html">
    item.author(_author(publisher))
    if not publisher.author_email:  # RSS <author> is written only with an email; never both it and dc:creator
        item.dc.dc_creator(publisher.author_name)
    for category in publisher.categories(entry):
        # RSS: <category domain="scheme">label</category>; Atom: term, label and scheme.
        fields = {"term": category.term, "label": category.label}
        item.category({**fields, "scheme": category.scheme} if category.scheme else fields)
    if entry.image:
        getattr(item, NAMESPACE).set(Enclosure(entry.image, image_type(entry.image), entry.image_length))


def _author(publisher: Publisher) -> dict[str, str]:
    author = {"name": publisher.author_name}
    if publisher.author_email:
        author["email"] = publisher.author_email
    return author


def json_feed(feed: Feed, publisher: Publisher, feed_url: str, made: dict[str, bytes] | None = None) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): feedgen has no writer for it, and it is just JSON.
    `made` keeps each entry's item, as UTF-8 JSON, for the next feed that carries it (FeedWriter): encoding the
    same bodies again for every feed was most of this function's time, and so was making the whole file's text
    into bytes again (UTF-8 of the joined texts is the join of their UTF-8)."""
    made = {} if made is None else made
    author = {"name": publisher.author_name}
    document: dict = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed_url,
        "description": feed.description,
        "language": publisher.language,
        "authors": [author],
    }
    if publisher.icon:
        document["icon"] = publisher.icon.url
    if publisher.favicon:
        document["favicon"] = publisher.favicon.url
    for entry in feed.entries:
        if entry.id not in made:
            made[entry.id] = _json_text(_json_item(entry, publisher, author)).encode()
    # "items" is the document's last member: its items' texts go after the rest, as json.dumps would write them.
    head = _json_text(document)
    items = b",".join([made[entry.id] for entry in feed.entries])
    return b"".join((head[:-1].encode(), b',"items":[', items, b"]}\n"))


def _json_text(value: object) -> str:
    # Compact: with `indent` Python's json falls back to its pure-Python encoder, about ten times slower, and
    # feed readers never show the spacing (a person reading one can pipe it through `python -m json.tool`).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_item(entry: FeedEntry, publisher: Publisher, author: dict) -> dict:
    categories = publisher.categories(entry)
    item: dict = {
        "id": entry.id,
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "content_html": entry.content_html,
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "authors": [author],
        "tags": [c.label for c in categories],
    }
    if categories:
        # JSON Feed tags are bare strings; the slugs and pages travel in our extension, as in RSS and Atom.
        item[EXTENSION] = {"categories": [c.as_json() for c in categories]}
    if entry.image:
        item["image"] = entry.image
    return item


def image_type(url: str) -> str:
    """The media type of an image from its file extension, for enclosures."""
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0].split("#", 1)[0])
    return guessed or "application/octet-stream"


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)
