"""The one place where dates are read. A date means 00:00 UTC on that day; every result is tz-aware.

YAML turns an unquoted `2023-03-30` into a `datetime.date` before we see it, while a quoted one stays a
string; both must read the same, and anything else must fail with words a comms officer understands.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from typing import TypeGuard
from zoneinfo import ZoneInfo

EXPECTED = "expected a date like 2023-03-30"
# Scheduling is said in UK time: "9am on 1 December" means London's 9am, in summer and winter alike.
LONDON = ZoneInfo("Europe/London")
EXPECTED_MOMENT = ("expected a date and time like 2026-12-01T09:00 (UK time; add a zone like +00:00 for another "
                   "one)")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateError(ValueError):
    """A value that is not a date. `str()` is the `expected ...` half of a problem."""


def parse_date(value: object) -> dt.datetime:
    """Read a front-matter or CSV date as an aware datetime in UTC.

    Accepts a `date` (00:00 UTC), an aware or naive `datetime` (naive means UTC) or a `YYYY-MM-DD` string.
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.match(text):
            try:
                return parse_date(dt.date.fromisoformat(text))
            except ValueError:
                raise DateError(f"{EXPECTED} (a real day of the year)") from None
        try:
            return parse_date(dt.datetime.fromisoformat(text))
        except ValueError:
            pass
    raise DateError(EXPECTED)


# Each day as people read it, made once: a 1,000-page build writes the same few hundred days thousands of times
# (listings, page facts, feeds) and each strftime cost about 20 µs. Keyed by the day's own fields, the only ones
# the text reads, so two equal moments in different zones (which compare and hash equal) never share a text.
_HUMAN_DAYS: dict[tuple[int, int, int], str] = {}


def human(value: dt.datetime | dt.date) -> str:
    """A date as GOV.UK writes it, the one format for people: 30 March 2023."""
    key = (value.year, value.month, value.day)
    text = _HUMAN_DAYS.get(key)
    if text is None:
        text = _HUMAN_DAYS[key] = f"{value.day} {value:%B %Y}"
    return text


def iso_day(value: dt.datetime | dt.date) -> str:
    """A day as machines read it, the one format for storage and markup (`<time datetime>`, the sitemap, search's
    sort key, the suppression list): 2023-03-30."""
    if value.year >= 1000:  # strftime's %Y for every four-digit year, without strftime's cost (see _HUMAN_DAYS)
        return f"{value.year}-{value.month:02d}-{value.day:02d}"
    return f"{value:%Y-%m-%d}"


def stored_moment(value: dt.datetime) -> str:
    """A moment as every record protectpress keeps writes it (send journals and logs, bounce reports, the
    services' stores and exports): UTC to the second, RFC 3339 with a Z, 2026-12-01T09:00:00Z. Text in this
    form sorts in time order, so the stores compare it as text."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock() -> dt.datetime:
    """The clock, tz-aware in UTC: for when an event happens (a send, a sign-up, an unsubscribe, a message's
    Date), never for what a build shows, which takes the run's one "now" (`build_now`)."""
    return dt.datetime.now(dt.UTC)


def stored_now() -> str:
    """The clock's moment as a record says when something happened (a send, an unsubscribe, a bounce read):
    records tell what happened when, so they take the clock, never the run's "now"."""
    return stored_moment(clock())


def today() -> dt.date:
    """The clock's day in UTC, for a record kept by the day (the suppression list's "added" column)."""
    return clock().date()


def read_stored_moment(text: str) -> dt.datetime:
    """A moment as any version of protectpress stored it: `stored_moment`'s form, or the `+00:00` form that
    journals and bounce records were written in before 2026-12 (a moment without a zone is UTC). ValueError when
    it is not a moment."""
    value = dt.datetime.fromisoformat(text.strip())
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def parse_moment(value: object) -> dt.datetime:
    """Read a date and time at which something happens (publish_at, expires, --at), as an aware UTC datetime.

    Without a zone it is UK time (Europe/London, so BST in summer); a date alone is 00:00 UK time that day.
    """
    if isinstance(value, dt.datetime):
        aware = value.replace(tzinfo=LONDON) if value.tzinfo is None else value
        return aware.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return parse_moment(dt.datetime(value.year, value.month, value.day))
    if isinstance(value, str):
        text = value.strip()
        try:
            return parse_moment(
                dt.date.fromisoformat(text) if _ISO_DATE.match(text) else dt.datetime.fromisoformat(text)
            )
        except ValueError:
            pass
    raise DateError(EXPECTED_MOMENT)


def build_now(environ: Mapping[str, str] = os.environ) -> dt.datetime:
    """The one "now" of a run, taken once at its start and passed to everything that asks: SOURCE_DATE_EPOCH when
    set (reproducible builds: two builds at the same moment are byte-identical), else the clock. `--at` passes
    its own moment instead (cli/common.py run_now)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise DateError(f"expected SOURCE_DATE_EPOCH to be whole seconds since 1970, found {epoch!r}") from None
    return clock().replace(microsecond=0)


def scheduled_later(publish_at: dt.datetime | None, now: dt.datetime) -> TypeGuard[dt.datetime]:
    """Whether `publish_at` is still ahead at `now`: such a page or newsletter is kept out of the site, search,
    feeds and the list until that very moment, when it goes live."""
    return publish_at is not None and publish_at > now


def is_live(*, draft: bool, publish_at: dt.datetime | None, now: dt.datetime) -> bool:
    """The one "is live" rule, for pages, newsletters and sends alike: published at `now` when it is not a
    draft and its `publish_at`, if any, has come."""
    return not draft and not scheduled_later(publish_at, now)


def human_moment(value: dt.datetime) -> str:
    """A date and time in UK time as GOV.UK writes it: 9am on 1 December 2026, 5:30pm on 2 March 2027."""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    clock = f"{hour}{local:%p}".lower() if local.minute == 0 else f"{hour}:{local:%M}{local:%p}".lower()
    if (local.hour, local.minute) == (12, 0):
        clock = "midday"
    elif (local.hour, local.minute) == (0, 0):
        clock = "midnight"
    return f"{clock} on {human(local)}"
