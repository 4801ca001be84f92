"""Change notes, GOV.UK style: the words shared by the places that show a page's `changes:`, and what
`check` offers editors as candidates for the next newsletter.

The page shows them through overrides/partials/pp-changes.html, feeds through core/feeds/body.py, and a
newsletter that features a page "as updated" through its own renderer. Notes are plain text, escaped there.
"""

from __future__ import annotations

import datetime as dt

from ..foundation.dates import human
from .model import Change, ContentItem, ContentSet


def updated_line(change: Change) -> str:
    """The words a reader sees before the note: "Updated 1 May 2025"."""
    return f"Updated {human(change.date)}"


def newsletter_candidates(content: ContentSet, since: dt.datetime | None) -> list[tuple[ContentItem, Change]]:
    """Major changes to live pages made after `since` (the newest newsletter's date), newest first: what the
    next newsletter might feature "as updated"."""
    found = [(item, change) for item in content.published() for change in item.changes
             if change.major and (since is None or change.date > since)]
    return sorted(found, key=lambda pair: (pair[1].date, pair[0].src_uri), reverse=True)
