"""Listings: the topic, sector and content-type index pages, written as Markdown.

They are generated as Markdown pages so that MkDocs renders and searches them like any page an author
wrote, and so that the same listing could be fed to another site generator. The lists of entries inside them
are one raw HTML block each: a site of 1,000 pages lists about 7,000 entries across its listings, and as
Markdown list items they took more than half as long again as every page's own Markdown. The entries come
from validated content, so their links need no checking; `SiteLinks.relative_url` writes them as MkDocs
would. The lists are left out of search (`data-pagefind-ignore`): each summary is already found on its page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..content.contentset import ContentSet
from ..content.items import ContentItem
from ..foundation.dates import human, iso_day
from ..foundation.generated import escape_markdown, front_matter
from ..foundation.links import SiteLinks
from ..foundation.settings import Vocabulary
from ..foundation.site_paths import FOLDER_OF_TYPE, SECTORS, TOPICS, ContentType, folder_index, label_in_sentence
from ..foundation.templates import html_text

_NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Listing:
    """One generated index page."""

    src_uri: str  # where it lives among the docs, e.g. "topics/martyns-law.md"
    title: str
    markdown: str
    group: str  # "topics", "sectors" or "types"
    slug: str
    items: tuple[ContentItem, ...]


# Reference material reads best by title; what happened reads best newest first.
_BY_TITLE = frozenset({ContentType.GUIDANCE, ContentType.ACTION_CARD})


def in_reader_order(items: Iterable[ContentItem], kind: ContentType) -> list[ContentItem]:
    """Guidance and action cards by title; news and write-ups newest first by the date a listing shows.

    The one ordering for listings and the sidebar alike, so a reader never meets two orders for one type."""
    if kind in _BY_TITLE:
        return sorted(items, key=lambda i: (i.title.casefold(), i.src_uri))
    return sorted(items, key=lambda i: (i.last_updated or _NEVER, i.src_uri), reverse=True)


def shown_date(item: ContentItem) -> str:
    """The date a listing shows, as HTML: "Updated <date>" once a page has been updated, else its published date.
    Listings sort by this same date (`ContentItem.last_updated`), so the dates down a list always read in order."""
    if item.updated and item.updated != item.date:
        return f'Updated <time datetime="{iso_day(item.updated)}">{human(item.updated)}</time>'
    if item.date:
        return f'<time datetime="{iso_day(item.date)}">{human(item.date)}</time>'
    return ""


def _link_start(item: ContentItem, links: SiteLinks, from_src: str) -> str:
    return f'<li><a href="{html_text(links.relative_url(item.src_uri, from_src=from_src))}'


def _after_link(item: ContentItem, show_kind: bool) -> str:
    """All of an entry after its link's address: the same on every listing that shows the item."""
    when = shown_date(item)
    facts = " · ".join(fact for fact in (item.kind.label if show_kind else "", when) if fact)
    facts_line = f"<br>\n<small>{facts}</small>" if facts else ""
    return f'">{html_text(item.title)}</a>{facts_line}<br>\n{html_text(item.summary)}</li>'


# An entry's text after its link, by (id of the item, show_kind): a page is listed under each of its topics and
# sectors and its type (7,000 entries for 1,000 pages), and escaping and dating it again each time was most of
# the listings' time. Kept only while the listings of one content set are made (every group's: the site feature
# shares one between its `vocabulary_listings` calls): the items outlive it, so no id is reused within it.
EntryTexts = dict[tuple[int, bool], str]


def item_list(items: list[ContentItem], links: SiteLinks, from_src: str, made: EntryTexts | None = None) -> str:
    """Each entry: the title linked from the listing page, its type and date on a line of their own (run on
    after the title, they wrapped differently on each entry of a phone's list), then the summary; the type only
    on a list of more than one kind, whose heading or page does not already say it ("News · " on every news
    item). `made`: entries' text after the link, shared by the lists made from one content set."""
    # One raw HTML block: no blank line may appear inside it, and one must follow it.
    show_kind = len({i.kind for i in items}) > 1
    made = {} if made is None else made
    entries = []
    for item in items:
        after = made.get((id(item), show_kind))
        if after is None:
            after = made[id(item), show_kind] = _after_link(item, show_kind)
        entries.append(_link_start(item, links, from_src) + after)
    lines = "\n".join(entries)
    return f'<ul class="pp-listing" data-pagefind-ignore>\n{lines}\n</ul>\n'


# What a reader comes for first: action cards, then guidance, then what happened.
LISTING_ORDER = (ContentType.ACTION_CARD, ContentType.GUIDANCE, ContentType.CONFERENCE, ContentType.NEWS)


def _kinds_phrase(items: Iterable[ContentItem]) -> str:
    """The kinds of page a listing holds, in listing order and in words: "Action cards, guidance and news"."""
    kinds = {item.kind for item in items}
    words = [kind.plural.lower() for kind in LISTING_ORDER if kind in kinds]
    words += [kind.plural.lower() for kind in ContentType if kind in kinds and kind not in LISTING_ORDER]
    phrase = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return phrase[:1].upper() + phrase[1:]


def _grouped(items: list[ContentItem], links: SiteLinks, from_src: str, made: EntryTexts) -> str:
    parts = []
    for kind in (*LISTING_ORDER, *(k for k in ContentType if k not in LISTING_ORDER)):
        chosen = [i for i in items if i.kind is kind]
        if chosen:
            parts.append(f"## {kind.plural}\n\n" + item_list(in_reader_order(chosen, kind), links, from_src, made))
    return "\n".join(parts)


def _terms_with_pages(
    content: ContentSet, group: str, vocabulary: dict[str, str]
) -> Iterator[tuple[str, str, list[ContentItem]]]:
    """(slug, label, items) for each topic or sector that has published pages, in vocabulary order."""
    # One pass over the pages, not one per term: each page goes to its own terms' lists, in published order; a
    # page for "all" sectors to every sector's (Item.in_sector), and to the "all" list itself.
    listed: dict[str, list[ContentItem]] = {slug: [] for slug in vocabulary}
    for item in content.published():
        sectors = item.sectors if "all" not in item.sectors else tuple(vocabulary)
        terms = sectors if group == SECTORS.folder else item.tags
        for slug in dict.fromkeys(terms):
            if slug in listed:
                listed[slug].append(item)
    for slug, label in vocabulary.items():
        if items := listed[slug]:
            yield slug, label, items


def listing_sources(content: ContentSet, group: str, vocabulary: dict[str, str]) -> list[str]:
    """Where `vocabulary_listings` puts its pages, without writing them: for code that only links to them."""
    terms = [SiteLinks.listing_source(group, slug) for slug, _, _ in _terms_with_pages(content, group, vocabulary)]
    return [folder_index(group), *terms] if terms else []


def vocabulary_listings(content: ContentSet, group: str, vocabulary: dict[str, str], noun: str,
                        links: SiteLinks, made: EntryTexts | None = None) -> list[Listing]:
    """One page per topic or sector that has pages, plus the group's own index. Empty terms get no page,
    so that nothing links to a listing with nothing in it. Links are relative, so `links` needs no site_url;
    only `use_directory_urls` changes them. `made`: entries' text after the link, shared with the other groups'
    listings of `content` (`listings_by_group`)."""
    listings: list[Listing] = []
    made = {} if made is None else made
    for slug, label, items in _terms_with_pages(content, group, vocabulary):
        # The intro names only the kinds of page listed below it.
        kinds = _kinds_phrase(items)
        in_sentence = label_in_sentence(group, label)
        summary = f"{kinds} about {in_sentence}." if group == TOPICS.folder else f"{kinds} for {in_sentence}."
        if group == SECTORS.folder and slug != "all":
            summary = f"{kinds} for the {in_sentence} sector, including what applies to all sectors."
        src_uri = SiteLinks.listing_source(group, slug)
        # The summary shows as the page's lead paragraph (partials/content.html): not repeated in the body.
        markdown = front_matter(title=label, type="page", summary=summary) + _grouped(items, links, src_uri, made)
        listings.append(Listing(src_uri, label, markdown, group, slug, tuple(items)))
    # Relative to the index beside them: a docs-root link (/topics/x.md) resolves only in projects whose
    # mkdocs.yml sets validation.absolute_links: relative_to_docs (found by the link check).
    index_lines = "\n".join(
        f"- [{escape_markdown(entry.title)}]({entry.slug}.md) ({len(entry.items)})" for entry in listings
    )
    title = noun.capitalize() + "s"
    intro = f"Every {noun} with pages on this site, and how many pages each has."
    index = Listing(
        folder_index(group),
        title,
        front_matter(title=title, type="page", summary=intro) + f"{index_lines}\n",
        group,
        "",
        tuple(i for entry in listings for i in entry.items),
    )
    return [index, *listings] if listings else []


def listings_by_group(content: ContentSet, vocabulary: Vocabulary, links: SiteLinks,
                      made: EntryTexts | None = None) -> list[list[Listing]]:
    """`vocabulary_listings` of each group (topics, then sectors), in vocabulary order: with one memory of entries
    between them (`made`, which the type listings of `content` may share too), so that a page listed under a topic
    and a sector is written once."""
    made = {} if made is None else made
    return [vocabulary_listings(content, group.folder, terms, group.noun, links, made)
            for group, terms in vocabulary.by_group()]


def type_listing(content: ContentSet, kind: ContentType, links: SiteLinks, from_src: str,
                 made: EntryTexts | None = None) -> str:
    """The list appended to a typed folder's index page `from_src` (e.g. all action cards), in reader order.
    `made`: entries' text after the link, shared with the other listings of `content`."""
    items = content.of_type(kind)
    if not items:
        return ""
    return (f"\n\n## All {kind.plural.lower() if kind is not ContentType.GUIDANCE else 'guidance'}\n\n"
            + item_list(in_reader_order(items, kind), links, from_src, made))


# What a type's card says when its folder has no index page with a summary of its own.
TYPE_LINES = {
    ContentType.GUIDANCE: "Plain-English guidance on protective security.",
    ContentType.ACTION_CARD: "What staff do in the first minutes of an incident, on one printed page.",
    ContentType.CONFERENCE: "Write-ups of conferences and events, and what they asked of partners.",
    ContentType.NEWS: "News for partners about protective security.",
}

def type_index_source(kind: ContentType) -> str:
    """Where a type's index page lives among the docs, e.g. `action-cards/index.md`."""
    return folder_index(FOLDER_OF_TYPE[kind])


def type_line(content: ContentSet, kind: ContentType) -> str:
    """The one line a type's card shows: its index page's summary, which the author writes once."""
    index = content.items.get(type_index_source(kind))
    return index.summary if index is not None and index.summary else TYPE_LINES[kind]


def missing_type_indexes(content: ContentSet) -> list[Listing]:
    """An index page for each type that has published items but no authored index: the home page's cards
    and the sidebar link to it, and `type_listing` fills it like an authored one."""
    listings = []
    for kind in TYPE_LINES:
        src_uri, items = type_index_source(kind), content.of_type(kind)
        if items and src_uri not in content.items:
            line = TYPE_LINES[kind]
            markdown = front_matter(title=kind.plural, type="page", summary=line)
            listings.append(Listing(src_uri, kind.plural, markdown, "types", kind.value, tuple(items)))
    return listings
