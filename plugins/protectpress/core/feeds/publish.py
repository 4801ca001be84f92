"""The whole feed build in one call: entries in, every feed file out."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from ..foundation.config import Settings
from ..foundation.problems import Problems
from .catalogue import Feed, plan_feeds
from .clean import clean_entries
from .entry import FeedEntry
from .writers import FeedWriter


def publish_feeds(entries: list[FeedEntry], settings: Settings, problems: Problems,
                  pages: Collection[str] = (), pinned: tuple[FeedEntry, ...] = ()) -> dict[str, bytes]:
    """Every feed file by site-relative path (e.g. `feeds/sectors/retail/rss.xml`).

    Content is cleaned once per entry, so a removal is reported once however many feeds carry the page.
    """
    planned = plan_feeds(entries, settings, pages, pinned)
    # Which entries a feed carries depends only on dates, kinds, tags and sectors, so plan first and clean
    # only the entries that made some feed's newest `limit`: the cost stays flat as the site grows. The planned
    # entries are the ones to use: they carry their distinct update instants.
    planned_entries = {entry.id: entry for feed in planned for entry in feed.entries}
    carried = [planned_entries[entry_id] for entry_id in _in_order([*pinned, *entries], planned_entries)]
    cleaned = {entry.id: entry for entry in clean_entries(carried, settings.links, problems)}
    files: dict[str, bytes] = {}
    writer = FeedWriter(settings)
    for feed in planned:
        feed = dataclasses.replace(feed, entries=tuple(cleaned[entry.id] for entry in feed.entries))
        files.update(writer.render(feed))
    return files


def carried_ids(feeds: list[Feed]) -> set[str]:
    """The ids of every entry at least one feed carries."""
    return {entry.id for feed in feeds for entry in feed.entries}


def _in_order(entries: list[FeedEntry], wanted: Collection[str]) -> list[str]:
    # Each carried id once, in the order of the sources, so that warnings come in a stable order.
    return list(dict.fromkeys(entry.id for entry in entries if entry.id in wanted))
