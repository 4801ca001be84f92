"""Listings: the topic, sector and content-type index pages, written as Markdown.

They are generated as Markdown (not HTML) so that MkDocs renders, searches and link-checks them like any
page an author wrote, and so that the same listing could be fed to another site generator.
"""

from __future__ import annotations

from dataclasses import dataclass

from .content import ContentItem, ContentSet, ContentType
from .dates import human


@dataclass(frozen=True)
class Listing:
    """One generated index page."""

    src_uri: str  # where it lives among the docs, e.g. "topics/martyns-law.md"
    title: str
    markdown: str
    group: str  # "topics", "sectors" or "types"
    slug: str
    items: tuple[ContentItem, ...]


def item_line(item: ContentItem) -> str:
    """A listing entry: the title linked from the docs root, its type and date, then the summary."""
    published = f", {human(item.date)}" if item.date else ""
    return f"- [{_escape(item.title)}](/{item.src_uri}) <small>{item.kind.label}{published}</small>  \n  {_escape(item.summary)}"


def _escape(text: str) -> str:
    return text.replace("[", r"\[").replace("]", r"\]").replace("<", "&lt;")


def _front_matter(title: str, summary: str) -> str:
    quoted_title = title.replace('"', '\\"')
    quoted_summary = summary.replace('"', '\\"')
    return f'---\ntitle: "{quoted_title}"\ntype: page\nsummary: "{quoted_summary}"\n---\n\n'


def _grouped(items: list[ContentItem]) -> str:
    parts = []
    for kind in ContentType:
        chosen = [i for i in items if i.kind is kind]
        if chosen:
            parts.append(f"## {kind.plural}\n\n" + "\n".join(item_line(i) for i in chosen))
    return "\n\n".join(parts) + "\n"


def vocabulary_listings(content: ContentSet, group: str, vocabulary: dict[str, str], noun: str) -> list[Listing]:
    """One page per topic or sector that has pages, plus the group's own index. Empty terms get no page,
    so that nothing links to a listing with nothing in it."""
    published = content.published()
    listings = []
    for slug, label in vocabulary.items():
        if group == "sectors":
            items = [i for i in published if i.in_sector(slug)] if slug != "all" else [
                i for i in published if "all" in i.sectors]
        else:
            items = [i for i in published if slug in i.tags]
        if not items:
            continue
        summary = f"Guidance, action cards and news for {label.lower() if group == 'sectors' else label}."
        if group == "sectors" and slug != "all":
            summary = f"Guidance, action cards and news for the {label.lower()} sector, including what applies to all sectors."
        markdown = _front_matter(label, summary) + f"{summary}\n\n" + _grouped(items)
        listings.append(Listing(f"{group}/{slug}.md", label, markdown, group, slug, tuple(items)))
    index_lines = "\n".join(f"- [{_escape(entry.title)}](/{entry.src_uri}) ({len(entry.items)})" for entry in listings)
    title = noun.capitalize() + "s"
    intro = f"Every {noun} with pages on this site, and how many pages each has."
    index = Listing(f"{group}/index.md", title, _front_matter(title, intro) + f"{intro}\n\n{index_lines}\n", group, "",
                    tuple(i for entry in listings for i in entry.items))
    return [index, *listings] if listings else []


def type_listing(content: ContentSet, kind: ContentType) -> str:
    """The Markdown list appended to a typed folder's index page (e.g. all action cards), newest first."""
    items = content.of_type(kind)
    if not items:
        return ""
    return f"\n\n## All {kind.plural.lower() if kind is not ContentType.GUIDANCE else 'guidance'}\n\n" + "\n".join(
        item_line(i) for i in items) + "\n"
