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

from feedgen.feed import FeedGenerator

from ..config import Settings
from .catalogue import ATOM, FORMATS, JSON_FEED, RSS, Feed
from .enclosure import NAMESPACE, Enclosure, EnclosureEntryExtension, EnclosureExtension
from .entry import FeedEntry

GENERATOR = "protectpress"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Characters XML 1.0 cannot carry at all; lxml refuses them, so they are dropped rather than crash a build.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Publisher:
    """What every feed says about who publishes it, from the `feeds` settings with site-wide fallbacks."""

    author_name: str
    author_email: str
    logo: str | None  # absolute URL
    language: str
    topics_url: str  # category schemes: where each topic and sector has its index page
    sectors_url: str
    tag_labels: dict[str, str]
    sector_labels: dict[str, str]

    @classmethod
    def from_settings(cls, settings: Settings) -> Publisher:
        options = settings.plugin.feeds
        links = settings.links
        return cls(
            author_name=options.author_name or settings.site_author or settings.site_name,
            author_email=options.author_email,
            logo=links.absolute(options.logo) if options.logo else None,
            language=options.language,
            topics_url=links.page_url("topics/index.md"),
            sectors_url=links.page_url("sectors/index.md"),
            tag_labels=settings.vocabulary.tags,
            sector_labels=settings.vocabulary.sectors,
        )

    def categories(self, entry: FeedEntry) -> list[dict[str, str]]:
        """Topics then sectors, each with its slug as term, its label and its scheme."""
        return ([{"term": t, "label": self.tag_labels.get(t, t), "scheme": self.topics_url} for t in entry.tags]
                + [{"term": s, "label": self.sector_labels.get(s, s), "scheme": self.sectors_url} for s in entry.sectors])


def render_feed(feed: Feed, settings: Settings) -> dict[str, bytes]:
    """The three files of one feed, by site-relative path."""
    publisher = Publisher.from_settings(settings)
    urls = {f: settings.links.absolute("/" + feed.path(f)) for f in FORMATS}
    return {
        # Two generators, because each XML file must name its own address as rel="self".
        feed.path(RSS): _feed_generator(feed, publisher, feed_id=urls[ATOM], self_url=urls[RSS],
                                        self_type=RSS.media_type).rss_str(pretty=True),
        feed.path(ATOM): _feed_generator(feed, publisher, feed_id=urls[ATOM], self_url=urls[ATOM],
                                         self_type=ATOM.media_type).atom_str(pretty=True),
        feed.path(JSON_FEED): json_feed(feed, publisher, urls[JSON_FEED]),
    }


def _feed_generator(feed: Feed, publisher: Publisher, *, feed_id: str, self_url: str, self_type: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)  # dc:creator: RSS <author> demands an email address
    generator.register_extension(NAMESPACE, EnclosureExtension, EnclosureEntryExtension)
    generator.id(feed_id)
    generator.title(_xml(feed.title))
    generator.subtitle(_xml(feed.description))  # also RSS <description>
    generator.link(href=self_url, rel="self", type=self_type)
    generator.link(href=feed.home_url, rel="alternate")  # added last: feedgen uses the last link for RSS <link>
    generator.language(publisher.language)
    generator.author(_author(publisher))
    if publisher.logo:
        generator.logo(publisher.logo)
    generator.generator(GENERATOR)
    generator.updated(feed.updated)  # otherwise "now": two builds would differ
    for entry in feed.entries:  # already newest first; feedgen would prepend without order="append"
        _add_entry(generator, entry, publisher)
    return generator


def _add_entry(generator: FeedGenerator, entry: FeedEntry, publisher: Publisher) -> None:
    item = generator.add_entry(order="append")
    item.guid(entry.id, permalink=True)  # also the Atom id
    item.title(_xml(entry.title))
    item.link(href=entry.url, rel="alternate")
    item.published(entry.published)
    item.updated(entry.updated)
    item.summary(_xml(entry.summary))  # RSS <description>, Atom <summary>
    if entry.content_html:
        item.content(_xml(entry.content_html), type="html")  # RSS <content:encoded>, Atom <content type="html">
    item.author(_author(publisher))
    item.dc.dc_creator(publisher.author_name)
    item.dc.dc_date(entry.updated.isoformat())  # RSS has no "updated" of its own; readers take dc:date for it
    for category in publisher.categories(entry):
        item.category(category)
    if entry.image:
        getattr(item, NAMESPACE).set(Enclosure(entry.image, image_type(entry.image), entry.image_length))


def _author(publisher: Publisher) -> dict[str, str]:
    author = {"name": publisher.author_name}
    if publisher.author_email:
        author["email"] = publisher.author_email
    return author


def json_feed(feed: Feed, publisher: Publisher, feed_url: str) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/): feedgen has no writer for it, and it is just JSON."""
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
    if publisher.logo:
        document["icon"] = publisher.logo
    document["items"] = [_json_item(entry, publisher, author) for entry in feed.entries]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(entry: FeedEntry, publisher: Publisher, author: dict) -> dict:
    item: dict = {
        "id": entry.id,
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "content_html": entry.content_html,
        "date_published": entry.published.isoformat(),
        "date_modified": entry.updated.isoformat(),
        "authors": [author],
        "tags": [c["label"] for c in publisher.categories(entry)],
    }
    if entry.image:
        item["image"] = entry.image
    return item


def image_type(url: str) -> str:
    """The media type of an image from its file extension, for enclosures."""
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0].split("#", 1)[0])
    return guessed or "application/octet-stream"


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)
