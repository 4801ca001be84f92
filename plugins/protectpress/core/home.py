"""The home page's generated sections, written as Markdown after the author's short intro.

The home page is where a new item must show up without anyone editing it: one card per content type with its
count, the newest items across every type, and quick links to the action cards. The emergency line above the
intro comes from the theme (`partials/content.html`), from the same words as every other page's.
"""

from __future__ import annotations

from html import escape

from .content import ContentSet, ContentType
from .links import SiteLinks
from .listings import TYPE_LINES, in_reader_order, item_list, type_index_source, type_line

HOME_SRC_URI = "index.md"
LATEST_COUNT = 6

_COUNT_NOUNS = {
    ContentType.GUIDANCE: ("page", "pages"),
    ContentType.ACTION_CARD: ("card", "cards"),
    ContentType.CONFERENCE: ("write-up", "write-ups"),
    ContentType.NEWS: ("item", "items"),
}


def home_sections(content: ContentSet, links: SiteLinks, from_src: str = HOME_SRC_URI) -> str:
    """Markdown for the end of the home page. Types with no published items get no card."""
    cards, counts = [], {kind: content.of_type(kind) for kind in TYPE_LINES}
    for kind, items in counts.items():
        if not items:
            continue
        singular, plural = _COUNT_NOUNS[kind]
        href = escape(links.relative_url(type_index_source(kind), from_src=from_src), quote=True)
        cards.append(
            f'<li class="pp-type-card"><a href="{href}">{escape(kind.plural, quote=False)}</a> '
            f'<small class="pp-type-card__count">{len(items)} {singular if len(items) == 1 else plural}</small>'
            f"<br>\n{escape(type_line(content, kind), quote=False)}</li>"
        )
    if not cards:
        return ""
    parts = ["## What is on this site\n\n" + '<ul class="pp-type-cards" data-search-exclude>\n' + "\n".join(cards)
             + "\n</ul>\n"]
    parts.append("## Latest\n\n" + item_list(content.published()[:LATEST_COUNT], links, from_src))
    action_cards = in_reader_order(counts[ContentType.ACTION_CARD], ContentType.ACTION_CARD)
    if action_cards:
        lines = "\n".join(
            f'<li><a href="{escape(links.relative_url(card.src_uri, from_src=from_src), quote=True)}">'
            f"{escape(card.title, quote=False)}</a></li>" for card in action_cards)
        parts.append(
            "## Action cards: what to do now\n\n" + f'<ul class="pp-quick-links" data-search-exclude>\n{lines}\n</ul>\n'
        )
    return "\n\n" + "\n".join(parts)
