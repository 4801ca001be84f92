"""The whole feed build in one call: entries in, every feed file out."""

from __future__ import annotations

from typing import Collection

from ..config import Settings
from ..problems import Problems
from .catalogue import plan_feeds
from .clean import clean_entries
from .entry import FeedEntry
from .writers import render_feed


def publish_feeds(entries: list[FeedEntry], settings: Settings, problems: Problems,
                  pages: Collection[str] = ()) -> dict[str, bytes]:
    """Every feed file by site-relative path (e.g. `feeds/sectors/retail/rss.xml`).

    Content is cleaned once per entry, so a removal is reported once however many feeds carry the page.
    """
    cleaned = clean_entries(entries, settings.links, problems)
    files: dict[str, bytes] = {}
    for feed in plan_feeds(cleaned, settings, pages):
        files.update(render_feed(feed, settings))
    return files
