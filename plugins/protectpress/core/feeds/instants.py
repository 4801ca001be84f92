"""Distinct, stable instants for feed entries whose dates are whole days.

Front matter usually gives days (`updated: 2025-05-01` means 00:00 UTC), so pages updated on the same day
would share one `updated` instant: validators warn about it, and readers cannot order those pages or tell a new
update of one from the last. Each whole-day entry therefore gets a fixed second of its day, derived from its
id (its page address): not from the build's clock, so it is identical on every rebuild, and not from the other
pages, so adding a page moves no other, unless both land on the same second: then the entry published later
takes the next free second. A time of day that the author gave (`updated: 2025-05-01T14:30Z`) is kept as
written.

The seconds come from the first ten minutes of the day: the W3C validator calls a date more than ten minutes
ahead of its clock implausible, and a page dated today must not be "in the future" when built just after
midnight. Only a day with more than 600 whole-day entries spills past them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from .entry import FeedEntry

SECONDS_PER_DAY = 24 * 60 * 60
FIRST_SECONDS = 10 * 60  # where entries' own seconds fall: see the module's docstring


def with_distinct_instants(entries: list[FeedEntry]) -> list[FeedEntry]:
    """The entries, in the same order, with every whole-day date given its entry's second of the day.

    Within each UTC day, no two entries end up with the same `updated` instant unless their authors wrote the
    same time. `published` gets the same second (never after `updated`), so a page that was never updated
    keeps `published == updated`.
    """
    result = [_anchored(entry) for entry in entries]
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for index, entry in enumerate(result):
        by_day[_utc(entry.updated).date()].append(index)
    for indexes in by_day.values():
        free = _FreeSeconds(_utc(result[i].updated) for i in indexes if not is_whole_day(result[i].updated))
        # The entry published first keeps its own second when two collide, so a new page moves no older one.
        for index in sorted(indexes, key=lambda i: (result[i].published, result[i].id)):
            entry = result[index]
            if not is_whole_day(entry.updated):
                continue
            second = free.claim(_second_of_day(entry.id))
            updated = _utc(entry.updated) + dt.timedelta(seconds=second)
            published = entry.published
            if is_whole_day(published):
                published = min(_utc(published) + dt.timedelta(seconds=second), updated)
            result[index] = dataclasses.replace(entry, published=published, updated=updated)
    return result


class _FreeSeconds:
    """The seconds of one day not taken yet. Each taken second points at the next one to try, and lookups
    shorten those chains as they go, so a day with thousands of entries costs no more than a few."""

    def __init__(self, taken_instants: Iterable[dt.datetime]) -> None:
        self._next: dict[int, int] = {}
        for moment in taken_instants:
            if moment.microsecond == 0:  # an author's time with a fraction of a second cannot clash with ours
                self._take(moment.hour * 3600 + moment.minute * 60 + moment.second)

    def claim(self, wanted: int) -> int:
        """`wanted` if it is free, else the next free second after it (wrapping round within the day)."""
        if len(self._next) >= SECONDS_PER_DAY:  # a full day: share a second rather than loop for ever
            return wanted
        path = []
        second = wanted
        while second in self._next:
            path.append(second)
            second = self._next[second]
        for visited in path:
            self._next[visited] = second
        self._take(second)
        return second

    def _take(self, second: int) -> None:
        self._next[second] = (second + 1) % SECONDS_PER_DAY


def is_whole_day(moment: dt.datetime) -> bool:
    """True for 00:00:00 UTC exactly: how a date without a time of day reads (core/foundation/dates.py)."""
    moment = _utc(moment)
    return not (moment.hour or moment.minute or moment.second or moment.microsecond)


def _anchored(entry: FeedEntry) -> FeedEntry:
    # Published at a time the author gave, and "updated" on that same day without one: the update cannot be
    # placed before publication, so it reads as the publication instant.
    if (is_whole_day(entry.updated) and not is_whole_day(entry.published)
            and _utc(entry.published).date() == _utc(entry.updated).date()):
        return dataclasses.replace(entry, updated=entry.published)
    return entry


def _second_of_day(entry_id: str) -> int:
    # sha256, not hash(): Python salts str hashes per process, and the result must never change.
    return int.from_bytes(hashlib.sha256(entry_id.encode("utf-8")).digest()[:8], "big") % FIRST_SECONDS


def _utc(moment: dt.datetime) -> dt.datetime:
    # Dates are read as UTC already (core/foundation/dates.py); converting each again costs more than everything
    # else here.
    return moment if moment.tzinfo is dt.UTC else moment.astimezone(dt.UTC)
