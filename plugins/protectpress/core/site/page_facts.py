"""What the templates show about a page, each text made safe HTML here once (Material's templates print them
raw): its kind, its dates in words, its topics and sectors with their listings, a printed action card's extras,
the preview's banner for a draft or scheduled page, and the brand. Kept out of the MkDocs adapter so that it is
tested without MkDocs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from markupsafe import Markup, escape

from ..content.contentset import ContentSet
from ..content.items import ContentItem
from ..content.print_size import print_size
from ..foundation.buildcache import BuildMemory
from ..foundation.dates import human, human_moment, iso_day, scheduled_later
from ..foundation.links import SiteLinks
from ..foundation.sealedmemory import SealedMemory
from ..foundation.settings import Settings
from ..foundation.site_paths import (
    FOLDER_OF_TYPE,
    SECTORS,
    TOPICS,
    ContentType,
    is_newsletter_page,
)
from ..foundation.templates import html_text
from .brand import Brand
from .listings import in_reader_order
from .metadata import wants_contents
from .printcard import qr_svg


class Facts(dict[str, Any]):
    """A dict whose keys templates read as attributes (`pp.published`) without Jinja's detour: Jinja looks up
    an attribute first and, on the AttributeError, the key, so every fact a page printed from a plain dict raised
    and caught an exception (about 55 a page). Looked up in the same order, it gives what that detour gave: a
    dict's own attribute (`items`) before a key of that name, and an AttributeError for a missing key, which
    Jinja then tries as a key and makes undefined."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class Unpublished(Protocol):
    """A page item or a newsletter: what says whether it is on the site yet."""

    @property
    def draft(self) -> bool: ...
    @property
    def publish_at(self) -> dt.datetime | None: ...


def preview_status(page: Unpublished, now: dt.datetime) -> dict[str, str] | None:
    """What the preview's banner says about a page, or a newsletter's web version, that is not published at `now`:
    a draft, or when it goes live."""
    if page.draft:
        return Facts({"kind": "draft", "label": "Draft", "text": "not published"})
    if scheduled_later(page.publish_at, now):
        return Facts(kind="scheduled", label="Scheduled", text=f"goes live at {human_moment(page.publish_at)}")
    return None


def brand_context(brand: Brand, links: SiteLinks) -> dict:
    """The brand as templates print it: texts as safe HTML, the checked logo as it is, links as site paths."""
    return Facts({
        "organisation": html_text(brand.organisation),
        "short_name": html_text(brand.short_name),
        "logo_svg": brand.logo_svg,
        "contact_email": html_text(brand.contact_email),
        "links": [Facts(label=link.label, path=links.page_path(link.src_uri)) for link in brand.footer_links],
    })


def action_card_links(content: ContentSet, links: SiteLinks) -> list[dict]:
    """Every action card's title and site-root path, in reader order: the offline page lists them."""
    cards = in_reader_order(content.of_type(ContentType.ACTION_CARD), ContentType.ACTION_CARD)
    return [Facts(title=html_text(card.title), path=links.page_path(card.src_uri)) for card in cards]


def printed_card(item: ContentItem, links: SiteLinks, memory: BuildMemory, sealed: SealedMemory | None = None) -> dict:
    """What a printed action card adds: its type size (core/site/printcard.py), and a QR code and footer that lead
    back to the live card, whose address is made absolute by SiteLinks like every other published address."""
    address = links.page_url(item.src_uri)
    return Facts({
        "size_class": print_size(item.body).css_class,
        "address": html_text(address),
        "address_lines": breakable_address(address),
        "qr_svg": qr_svg(address, memory, sealed),
        # The page's facts' words: "Published" until the card is first updated, then "Last updated".
        "date_label": "Last updated" if item.updated else "Published",
        "last_updated": human(item.last_updated) if item.last_updated else None,
        "last_updated_iso": iso_day(item.last_updated) if item.last_updated else None,
    })


def breakable_address(address: str) -> Markup:
    """An address as safe HTML that a narrow line breaks after a slash (`/<wbr>`), never inside `https://` or
    inside a word: the printed card's footer (and its CSS breaks a longer part anywhere only as a last resort)."""
    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "", address
    parts = [html_text(part) for part in rest.split("/")]
    return html_text(scheme + separator) + Markup("/<wbr>").join(parts)


def page_facts(item: ContentItem, settings: Settings, listed: set[str], memory: BuildMemory,
               sealed: SealedMemory | None = None) -> dict:
    """What the templates show about a page: its kind, dates in words, and its topics and sectors."""
    vocabulary = settings.vocabulary
    links = settings.links

    def terms(group: str, slugs: tuple[str, ...], labels: dict[str, str]) -> list[dict]:
        # Only terms with a listing page get a link: `path` from the site root, `href` from this page.
        sources = ((slug, SiteLinks.listing_source(group, slug)) for slug in slugs)
        return [
            Facts(label=html_text(labels[slug]), path=links.page_path(source),
                  href=links.relative_url(source, from_src=item.src_uri))
            if source in listed else Facts(label=html_text(labels[slug]), path=None, href=None)
            for slug, source in sources
        ]

    tags = terms(TOPICS.folder, item.tags, vocabulary.tags)
    sectors = terms(SECTORS.folder, item.sectors, vocabulary.sectors)
    return Facts({
        "kind": item.kind.value,
        "kind_label": item.kind.label,
        "is_action_card": item.kind is ContentType.ACTION_CARD,
        "published": human(item.date) if item.date else None,
        "published_iso": iso_day(item.date) if item.date else None,
        "updated": human(item.updated) if item.updated else None,
        "updated_iso": iso_day(item.updated) if item.updated else None,
        "review_by": human(item.review_by) if item.review_by else None,
        "review_by_iso": iso_day(item.review_by) if item.review_by else None,
        "summary": html_text(item.summary),
        "changes": [Facts(date=human(change.date), iso=iso_day(change.date), note=html_text(change.note))
                    for change in item.changes],
        "tags": tags,
        "sectors": sectors,
        "terms_html": terms_html(tags, sectors),
        "folder": FOLDER_OF_TYPE.get(item.kind),
        "printed": printed_card(item, links, memory, sealed) if item.kind is ContentType.ACTION_CARD else None,
    })


def terms_html(tags: list[dict], sectors: list[dict]) -> Markup:
    """A page's topics and sectors as the list under its facts (or after an action card's steps), each linked
    to its listing where it has one. Made here, once a page, as the one home of that markup: the template only
    prints it (written in Jinja it cost a page more than the rest of its facts together). Empty without terms."""
    groups = [(label, group) for label, group in (("Topics", tags), ("Sectors", sectors)) if group]
    if not groups:
        return Markup("")
    rows = "".join(
        f'\n  <div class="pp-terms__group"><dt>{label}</dt><dd>'
        + ", ".join(f'<a href="{term["href"]}">{escape(term["label"])}</a>' if term["path"] else escape(term["label"])
                    for term in group)
        + "</dd></div>"
        for label, group in groups)
    return Markup(f'\n<dl class="pp-terms" data-pagefind-ignore>{rows}\n</dl>')


def contents(src_uri: str, item: ContentItem | None, hide: Any, headings: Iterable[tuple[int, str, str]]
             ) -> list[Facts] | None:
    """A long page's sections (its h2s, from `headings`: level, title, URL) for the contents list under its
    title: guidance with enough sections to need one, and a newsletter's web version. None for every other page,
    and for one whose front matter hides its table of contents (`hide: [toc]`, as Material reads it)."""
    if isinstance(hide, list) and "toc" in hide:
        return None
    newsletter = is_newsletter_page(src_uri)
    if not newsletter and (item is None or item.kind is not ContentType.GUIDANCE):
        return None
    sections = [Facts(title=title, url=url) for level, title, url in headings if level == 2]
    return sections if wants_contents(len(sections), newsletter=newsletter) else None
