"""The home page's generated sections, written as Markdown after the author's short intro.

The home page is where a new item must show up without anyone editing it: the action cards first, as large
links straight after the emergency line (`home_action_cards`, placed by the theme's `partials/content.html`,
before the author's intro), then after the intro one card per content type with its count and the newest
items across every type. The emergency line comes from the same words as every other page's.
"""

from __future__ import annotations

from html import escape

from ..content.model import ContentSet, ContentType
from ..foundation.links import SiteLinks
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
    return "\n\n" + "\n".join(parts)


def home_action_cards(content: ContentSet, links: SiteLinks, from_src: str = HOME_SRC_URI) -> str:
    """The action cards as large links, straight after the home page's emergency line (partials/content.html):
    the reason most people come, first, before any other section. HTML, escaped here; "" with no cards."""
    cards = in_reader_order(content.of_type(ContentType.ACTION_CARD), ContentType.ACTION_CARD)
    if not cards:
        return ""
    items = "\n".join(
        f'<li><a class="pp-action-links__link" href="{escape(links.relative_url(card.src_uri, from_src=from_src))}">'
        f"{escape(card.title, quote=False)}</a></li>" for card in cards)
    index = escape(links.relative_url(type_index_source(ContentType.ACTION_CARD), from_src=from_src))
    return ('<section class="pp-home-cards" aria-labelledby="pp-home-cards-title" data-pagefind-ignore>\n'
            '<h2 id="pp-home-cards-title">Action cards: what to do now</h2>\n'
            f'<ul class="pp-action-links">\n{items}\n</ul>\n'
            f'<p class="pp-home-cards__all"><a href="{index}">All action cards</a></p>\n</section>\n')
