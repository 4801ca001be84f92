"""Listings: the topic, sector and content-type index pages, written as Markdown.

They are generated as Markdown pages so that MkDocs renders and searches them like any page an author
wrote, and so that the same listing could be fed to another site generator. The lists of entries inside them
are one raw HTML block each: a site of 1,000 pages lists about 7,000 entries across its listings, and as
Markdown list items they took more than half as long again as every page's own Markdown. The entries come
from validated content, so their links need no checking; `SiteLinks.relative_url` writes them as MkDocs
would. The lists are left out of search (`data-search-exclude`): each summary is already found on its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .content import ContentItem, ContentSet, ContentType
from .dates import human
from .generated import escape_markdown, front_matter
from .links import SiteLinks


@dataclass(frozen=True)
class Listing:
    """One generated index page."""

    src_uri: str  # where it lives among the docs, e.g. "topics/martyns-law.md"
    title: str
    markdown: str
    group: str  # "topics", "sectors" or "types"
    slug: str
    items: tuple[ContentItem, ...]


def item_line(item: ContentItem, links: SiteLinks, from_src: str) -> str:
    """A listing entry: the title linked from the listing page, its type, dates (published, and updated when
    it was), then the summary."""
    published = f", {human(item.date)}" if item.date else ""
    if item.updated and item.updated != item.date:
        published += f", updated {human(item.updated)}"
    href = escape(links.relative_url(item.src_uri, from_src=from_src), quote=True)
    return (f'<li><a href="{href}">{escape(item.title, quote=False)}</a> <small>{item.kind.label}{published}</small>'
            f"<br>\n{escape(item.summary, quote=False)}</li>")


def _item_list(items: list[ContentItem], links: SiteLinks, from_src: str) -> str:
    # One raw HTML block: no blank line may appear inside it, and one must follow it.
    lines = "\n".join(item_line(i, links, from_src) for i in items)
    return f'<ul class="pp-listing" data-search-exclude>\n{lines}\n</ul>\n'


def _grouped(items: list[ContentItem], links: SiteLinks, from_src: str) -> str:
    parts = []
    for kind in ContentType:
        chosen = [i for i in items if i.kind is kind]
        if chosen:
            parts.append(f"## {kind.plural}\n\n" + _item_list(chosen, links, from_src))
    return "\n".join(parts)


def _terms_with_pages(content: ContentSet, group: str, vocabulary: dict[str, str]):
    """(slug, label, items) for each topic or sector that has published pages, in vocabulary order."""
    published = content.published()
    for slug, label in vocabulary.items():
        if group == "sectors":
            items = [i for i in published if (i.in_sector(slug) if slug != "all" else "all" in i.sectors)]
        else:
            items = [i for i in published if slug in i.tags]
        if items:
            yield slug, label, items


def listing_sources(content: ContentSet, group: str, vocabulary: dict[str, str]) -> list[str]:
    """Where `vocabulary_listings` puts its pages, without writing them: for code that only links to them."""
    terms = [f"{group}/{slug}.md" for slug, _, _ in _terms_with_pages(content, group, vocabulary)]
    return [f"{group}/index.md", *terms] if terms else []


def vocabulary_listings(content: ContentSet, group: str, vocabulary: dict[str, str], noun: str,
                        links: SiteLinks) -> list[Listing]:
    """One page per topic or sector that has pages, plus the group's own index. Empty terms get no page,
    so that nothing links to a listing with nothing in it. Links are relative, so `links` needs no site_url;
    only `use_directory_urls` changes them."""
    listings = []
    for slug, label, items in _terms_with_pages(content, group, vocabulary):
        summary = f"Guidance, action cards and news for {label.lower() if group == 'sectors' else label}."
        if group == "sectors" and slug != "all":
            summary = f"Guidance, action cards and news for the {label.lower()} sector, including what applies to all sectors."
        src_uri = f"{group}/{slug}.md"
        markdown = front_matter(title=label, type="page", summary=summary) + f"{summary}\n\n" + _grouped(items, links, src_uri)
        listings.append(Listing(src_uri, label, markdown, group, slug, tuple(items)))
    # Relative to the index beside them: a docs-root link (/topics/x.md) resolves only in projects whose
    # mkdocs.yml sets validation.absolute_links: relative_to_docs (found by the link check).
    index_lines = "\n".join(f"- [{escape_markdown(entry.title)}]({entry.slug}.md) ({len(entry.items)})" for entry in listings)
    title = noun.capitalize() + "s"
    intro = f"Every {noun} with pages on this site, and how many pages each has."
    index = Listing(f"{group}/index.md", title, front_matter(title=title, type="page", summary=intro) + f"{intro}\n\n{index_lines}\n", group, "",
                    tuple(i for entry in listings for i in entry.items))
    return [index, *listings] if listings else []


def type_listing(content: ContentSet, kind: ContentType, links: SiteLinks, from_src: str) -> str:
    """The list appended to a typed folder's index page `from_src` (e.g. all action cards), newest first."""
    items = content.of_type(kind)
    if not items:
        return ""
    return (f"\n\n## All {kind.plural.lower() if kind is not ContentType.GUIDANCE else 'guidance'}\n\n"
            + _item_list(items, links, from_src))
