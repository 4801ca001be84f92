"""What an entry's content shows above the page body, as the page itself does above it.

A feed reader shows only the entry, never the page's facts and the action-card emergency line that our theme
puts between the title and the body, so the feeds add the lines that matter away from the site:
- when the page was updated, its first publication date: RSS has one date per item, and that date is the
  update, so the content is where an RSS reader learns when the page first appeared; with its newest change
  note (`changes:`), what changed;
- on action cards, the emergency line, worded once in core/foundation/emergency.py.
Every format carries the same content, so Atom and JSON Feed show these lines too.
"""

from __future__ import annotations

from html import escape

from ..foundation import emergency
from ..foundation.dates import human
from .entry import FeedEntry


def page_lines(entry: FeedEntry) -> str:
    """The entry's dates line (when updated) and emergency line (action cards), to go before the body: each
    a whole paragraph, so the body after them is read as it was on the page."""
    lines = []
    if entry.updated.date() != entry.published.date():
        # The page's facts use these words ("Published", "Last updated"): overrides/partials/pp-page-facts.html.
        lines.append(f"<p>Published {human(entry.published)}. Last updated {human(entry.updated)}.</p>")
    if entry.change_note:
        # What changed, from the page's newest change note (`changes:`): plain text, so escaped.
        lines.append(f"<p><strong>What changed:</strong> {escape(entry.change_note, quote=False)}</p>")
    if entry.kind == "action-card":
        lines.append(emergency_html())
    return "\n".join(lines) + "\n" if lines else ""


def emergency_html() -> str:
    """The emergency line as a paragraph. Plain text: the numbers are in the words, and some readers (any
    built on feedparser, for one) empty a `tel:` link's address, which would leave a link to nowhere."""
    return f"<p><strong>{escape(emergency.EMERGENCY_TEXT, quote=False)}</strong></p>"
