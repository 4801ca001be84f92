"""The whole feed build in one call: entries in, every feed file out."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping

from ..foundation.linkscan import FoundLink
from ..foundation.problems import Problems
from ..foundation.settings import Settings
from .catalogue import Feed, plan_feeds
from .clean import clean_entries
from .entry import FeedEntry
from .writers import FeedWriter


def publish_feeds(entries: list[FeedEntry], settings: Settings, problems: Problems,
                  pages: Collection[str] = (), pinned: tuple[FeedEntry, ...] = (), *,
                  kept: PublishedFeeds | None = None,
                  links: dict[str, list[FoundLink]] | None = None) -> dict[str, bytes]:
    """Every feed file by site-relative path (e.g. `feeds/sectors/retail/rss.xml`).

    Content is cleaned once per entry, so a removal is reported once however many feeds carry the page.
    `kept` (the preview's) remembers the plan and each cleaned entry, for `republish_feeds` after a save.
    `links`, when given, gets the links in each file, as the link check's scan of it finds them
    (`FeedWriter.links`), so that the check need not read back what was just written.
    """
    planned = plan_feeds(entries, settings, pages, pinned)
    if kept is not None:
        kept.planned, kept.order = planned, [entry.id for entry in [*pinned, *entries]]
    return _write(planned, [entry.id for entry in [*pinned, *entries]], settings, problems, kept, links)


def republish_feeds(kept: PublishedFeeds, contents: Mapping[str, str], settings: Settings,
                    problems: Problems) -> dict[str, bytes]:
    """The files of the feeds that carry any of the entries in `contents` (entry id -> its page's new body
    HTML), after a save that changed only those bodies: which entries a feed carries depends on dates, kinds,
    tags and sectors alone, so the kept plan holds; only the changed entries are cleaned again."""
    reached = []
    for index, feed in enumerate(kept.planned):
        if any(entry.id in contents for entry in feed.entries):
            feed = dataclasses.replace(feed, entries=tuple(
                dataclasses.replace(entry, content_html=contents[entry.id]) if entry.id in contents else entry
                for entry in feed.entries))
            kept.planned[index] = feed
            reached.append(feed)
    return _write(reached, kept.order, settings, problems, kept)


@dataclasses.dataclass
class PublishedFeeds:
    """The last publish's plan and what cleaning each entry gave (entry as planned -> cleaned), kept by the
    preview between saves: an entry is cleaned again only when it changed."""

    planned: list[Feed] = dataclasses.field(default_factory=list)
    order: list[str] = dataclasses.field(default_factory=list)  # entry ids in the order of their sources
    cleaned: dict[str, tuple[FeedEntry, FeedEntry]] = dataclasses.field(default_factory=dict)


def _write(planned: list[Feed], order: list[str], settings: Settings, problems: Problems,
           kept: PublishedFeeds | None, links: dict[str, list[FoundLink]] | None = None) -> dict[str, bytes]:
    # Which entries a feed carries depends only on dates, kinds, tags and sectors, so plan first and clean
    # only the entries that made some feed's newest `limit`: the cost stays flat as the site grows. The planned
    # entries are the ones to use: they carry their distinct update instants.
    planned_entries = {entry.id: entry for feed in planned for entry in feed.entries}
    carried = [planned_entries[entry_id] for entry_id in _in_order(order, planned_entries)]
    fresh = [entry for entry in carried
             if kept is None or (known := kept.cleaned.get(entry.id)) is None or known[0] != entry]
    cleaned = {entry.id: entry for entry in clean_entries(fresh, settings.links, problems)}
    if kept is not None:
        kept.cleaned.update((entry.id, (entry, cleaned[entry.id])) for entry in fresh)
        cleaned = {entry.id: kept.cleaned[entry.id][1] for entry in carried}
    files: dict[str, bytes] = {}
    writer = FeedWriter(settings)
    for feed in planned:
        feed = dataclasses.replace(feed, entries=tuple(cleaned[entry.id] for entry in feed.entries))
        files.update(writer.render(feed))
        if links is not None:
            links.update(writer.links(feed))
    return files


def carried_ids(feeds: list[Feed]) -> set[str]:
    """The ids of every entry at least one feed carries."""
    return {entry.id for feed in feeds for entry in feed.entries}


def _in_order(ids: list[str], wanted: Collection[str]) -> list[str]:
    # Each carried id once, in the order of the sources, so that warnings come in a stable order.
    return list(dict.fromkeys(entry_id for entry_id in ids if entry_id in wanted))
