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
from feedgen.ext.dc import DcEntryExtension, DcExtension
from feedgen.feed import FeedGenerator

from ..foundation.links import SiteLinks
from ..foundation.linkscan import IMAGE, LINK, FoundLink, entry_body_links
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
    feeds, the same in each (same root, same depth): its RSS item, Atom entry and JSON Feed item are made and
    serialised once, their bytes put in every file that carries it (`_xml_file`), not made and serialised again for
    each of up to a dozen feeds (tests/test_feeds_core.py compares the files with feedgen's own, `whole_xml`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.publisher = Publisher.from_settings(settings)
        self._made: dict[tuple[str, str], bytes] = {}  # (entry id, format name) -> its item or entry, serialised
        self._json_items: dict[str, bytes] = {}  # entry id -> its JSON Feed item as UTF-8 JSON, the same in every feed
        self._entry_links: dict[tuple[str, str], list[FoundLink]] = {}  # (entry id, format name) -> its links
        self._texts: dict[str, tuple[str, str]] = {}  # entry id -> its summary and content as the XML files hold them

    def urls(self, feed: Feed) -> dict[FeedFormat, str]:
        """The absolute address of each of `feed`'s files, which each names as its own."""
        return {f: self.settings.links.absolute("/" + feed.path(f)) for f in FORMATS}

    def render(self, feed: Feed) -> dict[str, bytes]:
        """The three files of `feed`, by site-relative path."""
        urls = self.urls(feed)
        return {
            # Two generators, because each XML file must name its own address as rel="self".
            feed.path(RSS): self._xml_file(feed, RSS, feed_id=urls[ATOM], self_url=urls[RSS]),
            feed.path(ATOM): self._xml_file(feed, ATOM, feed_id=urls[ATOM], self_url=urls[ATOM]),
            feed.path(JSON_FEED): json_feed(feed, self.publisher, urls[JSON_FEED], self._json_items),
        }

    def whole_xml(self, feed: Feed, feed_format: FeedFormat, *, feed_id: str, self_url: str) -> bytes:
        """One XML file as feedgen writes it with every entry made for it: what `_xml_file` puts together."""
        generator = self._generator(feed, feed_format, feed_id=feed_id, self_url=self_url)
        for entry in feed.entries:  # already newest first; feedgen would prepend without order="append"
            _fill_entry(generator.add_entry(order="append"), entry, self._xml_texts(entry), self.publisher,
                        rss=feed_format is RSS)
        return _WRITE[feed_format.name](generator, pretty=True)

    def _xml_file(self, feed: Feed, feed_format: FeedFormat, *, feed_id: str, self_url: str) -> bytes:
        """`whole_xml`'s bytes, with feedgen making only the entries no feed has had yet: each entry's bytes are
        cut out of the first file that carries it, and put in each file where feedgen appends its entries."""
        generator = self._generator(feed, feed_format, feed_id=feed_id, self_url=self_url)
        new = [entry for entry in feed.entries if (entry.id, feed_format.name) not in self._made]
        for entry in new:
            _fill_entry(generator.add_entry(order="append"), entry, self._xml_texts(entry), self.publisher,
                        rss=feed_format is RSS)
        written = _WRITE[feed_format.name](generator, pretty=True)
        cut = _cut_entries(written, feed_format, len(new))
        if cut is None:  # not written as feedgen 1.0 writes
            return self.whole_xml(feed, feed_format, feed_id=feed_id, self_url=self_url)
        head, made, end = cut
        self._made.update(((entry.id, feed_format.name), data) for entry, data in zip(new, made, strict=True))
        return b"".join((head, *[self._made[entry.id, feed_format.name] for entry in feed.entries], end))

    def _generator(self, feed: Feed, feed_format: FeedFormat, *, feed_id: str, self_url: str) -> FeedGenerator:
        """`feed`'s generator, without entries."""
        publisher = self.publisher
        generator = FeedGenerator()
        # dc:creator: RSS <author> demands an email address. What load_extension("dc") registers, without its
        # search for a `dc_entry` module that is not there, again for each of the 58 XML files.
        generator.register_extension("dc", DcExtension, DcEntryExtension, atom=False, rss=True)
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
        return generator

    def links(self, feed: Feed) -> dict[str, list[FoundLink]]:
        """The links in each of `feed`'s three files, by site-relative path: what the link check's scan of the
        written file finds (`linkscan.scan_xml_feed`, `scan_json_feed`), in its order, worked out from what
        `render` writes instead of parsing the 25 MB of XML and JSON it wrote (at 1,000 pages most of the link
        check's time). tests/test_feed_writer_links.py holds the two equal on hostile entries and settings; the check
        still scans every feed file this writer did not write.

        Each rule here is the scanner's reading of what feedgen writes: an element's URL attributes (`href`,
        `url`) and the text of a URL element (`link`, `url`, `icon`, `logo`, an http(s) `id` or `guid`), both
        stripped; the links in the text of an HTML element (`description`, `encoded`, `content`, `summary`) that
        holds a `<`; every link in an item or entry carries the address of its first alternate `link`."""
        urls, publisher = self.urls(feed), self.publisher
        favicon = publisher.favicon or publisher.icon
        # The channel's <link>, <description> and <atom:link rel="self" href>, then its <image>'s <url> and <link>.
        rss = [*_urls(feed.home_url), *_body_links(_xml(feed.description), None),
               *_urls(urls[RSS], attribute=True)]
        # The feed's <id>, its <link href> to itself and to its home page, <icon>, <logo>.
        atom = [*_urls(urls[ATOM], permalink=True), *_urls(urls[ATOM], attribute=True),
                *_urls(feed.home_url, attribute=True)]
        if publisher.logo:
            rss += [*_urls(publisher.logo.url), *_urls(feed.home_url)]
        if favicon:
            atom += _urls(favicon.url)
        if publisher.logo:
            atom += _urls(publisher.logo.url)
        document = {"home_page_url": feed.home_url, "feed_url": urls[JSON_FEED]}
        if publisher.icon:
            document["icon"] = publisher.icon.url
        if publisher.favicon:
            document["favicon"] = publisher.favicon.url
        json_links = [FoundLink(document[key], LINK) for key in sorted(document)]
        for entry in feed.entries:
            rss += self._links_of(entry, RSS)
            atom += self._links_of(entry, ATOM)
            json_links += self._links_of(entry, JSON_FEED)
        return {feed.path(RSS): rss, feed.path(ATOM): atom, feed.path(JSON_FEED): json_links}

    def _links_of(self, entry: FeedEntry, feed_format: FeedFormat) -> list[FoundLink]:
        """The links of one entry as `feed_format` writes it, the same in every feed that carries it."""
        key = (entry.id, feed_format.name)
        if key not in self._entry_links:
            self._entry_links[key] = (
                _rss_item_links(entry, self._xml_texts(entry)) if feed_format is RSS
                else _atom_entry_links(entry, self._xml_texts(entry)) if feed_format is ATOM
                else _json_item_links(entry))
        return self._entry_links[key]

    def _xml_texts(self, entry: FeedEntry) -> tuple[str, str]:
        """The entry's summary and content as its RSS and Atom entries hold them: worked out once, not for each
        format and again for its links (each is a pass over a whole page body)."""
        if entry.id not in self._texts:
            self._texts[entry.id] = (_xml(html_text(entry.summary)),
                                     _xml(entry.content_html) if entry.content_html else "")
        return self._texts[entry.id]


def _rss_item_links(entry: FeedEntry, texts: tuple[str, str]) -> list[FoundLink]:
    # <link>, <description> and <content:encoded> (or the content alone in <description>), <guid
    # isPermaLink="true">, then the <enclosure url> our extension adds; its <link> is the item's address.
    address = entry.url.strip() or None
    found = _urls(entry.url, address)
    for text in texts:  # the summary, then the content
        found += _body_links(text, address)
    found += _urls(entry.id, address, permalink=True)
    if entry.image:
        found += _urls(entry.image, address, attribute=True)
    return found


def _atom_entry_links(entry: FeedEntry, texts: tuple[str, str]) -> list[FoundLink]:
    # <id>, <content type="html">, <link href> (feedgen writes no rel: an alternate), <summary type="html">, then
    # the <link rel="enclosure" href> our extension adds. The first link's href, as written, is the address.
    address = entry.url or None
    found = _urls(entry.id, address, permalink=True)
    summary, content = texts
    found += _body_links(content, address)
    found += _urls(entry.url, address, attribute=True)
    found += _body_links(summary, address)
    if entry.image:
        found += _urls(entry.image, address, attribute=True)
    return found


def _json_item_links(entry: FeedEntry) -> list[FoundLink]:
    # The item's URL keys in sorted order (`image` before `url`), an http(s) `id`, then `content_html`'s links:
    # JSON gives back every string as it was, unstripped.
    found = [FoundLink(entry.image, IMAGE, entry.url, entry.url)] if entry.image else []
    found.append(FoundLink(entry.url, LINK, entry.url, entry.url))
    if entry.id.startswith(("http://", "https://")):
        found.append(FoundLink(entry.id, LINK, entry.url, entry.url))
    found += entry_body_links(entry.content_html, entry.url)
    return found


def _urls(value: str, address: str | None = None, *, attribute: bool = False,
          permalink: bool = False) -> list[FoundLink]:
    """The link a URL attribute or URL element's text makes: an attribute's whenever it is not empty, an
    element's text when something is left once stripped (an `id` or `guid` only when it reads http(s))."""
    stripped = value.strip()
    if attribute:
        keep = bool(value)
    elif permalink:
        keep = stripped.startswith(("http://", "https://"))
    else:
        keep = bool(stripped)
    return [FoundLink(stripped, LINK, address, address)] if keep else []


def _body_links(text: str, address: str | None) -> list[FoundLink]:
    """The links in an HTML element's text: read when it holds a `<`, each relative to the item's address."""
    stripped = text.strip()
    return list(entry_body_links(stripped, address)) if "<" in stripped else []


# What follows a feed's entries in its pretty-printed file: feedgen appends them last, to the RSS <channel> and the
# Atom <feed>, and lxml escapes every `<` in text and attributes, so nothing before this in an entry can look like it.
_ENTRIES_END = {RSS.name: b"  </channel>\n</rss>\n", ATOM.name: b"</feed>\n"}
_ENTRY_START = {RSS.name: b"\n    <item>\n", ATOM.name: b"\n  <entry>\n"}
_WRITE = {RSS.name: FeedGenerator.rss_str, ATOM.name: FeedGenerator.atom_str}


def _cut_entries(written: bytes, feed_format: FeedFormat, count: int) -> tuple[bytes, list[bytes], bytes] | None:
    """A file with `count` entries -> what comes before them, each entry, what follows (None if it reads otherwise)."""
    end, marker = _ENTRIES_END[feed_format.name], _ENTRY_START[feed_format.name]
    starts: list[int] = []
    while (found := written.find(marker, starts[-1] if starts else 0)) >= 0:
        starts.append(found + 1)  # after the line break that ends what comes before
    if not written.endswith(end) or len(starts) != count:
        return None
    bounds = [*starts, len(written) - len(end)]
    return written[:bounds[0]], [written[bounds[i]:bounds[i + 1]] for i in range(count)], end


def _fill_entry(item: FeedgenEntry, entry: FeedEntry, texts: tuple[str, str], publisher: Publisher, *,
                rss: bool) -> None:
    summary, content = texts  # FeedWriter._xml_texts
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
    item.summary(summary, type="html")  # RSS <description>, Atom <summary>
    if entry.content_html:
        item.content(content, type="html")  # RSS <content:encoded>, Atom <content type="html">
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
