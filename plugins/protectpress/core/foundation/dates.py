"""The one place where dates are read. A date means 00:00 UTC on that day; every result is tz-aware.

YAML turns an unquoted `2023-03-30` into a `datetime.date` before we see it, while a quoted one stays a
string; both must read the same, and anything else must fail with words a comms officer understands.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
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


def today() -> dt.datetime:
    """Midnight UTC today, the same kind of value `parse_date` returns, for review-date comparisons."""
    return parse_date(dt.datetime.now(dt.UTC).date())


def human(value: dt.datetime) -> str:
    """A date as GOV.UK writes it: 30 March 2023."""
    return f"{value.day} {value:%B %Y}"


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
    """The one "now" of a build, taken once: SOURCE_DATE_EPOCH when set (`protectpress build --at` sets it),
    so that two builds at the same moment are byte-identical, else the clock."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise DateError(f"expected SOURCE_DATE_EPOCH to be whole seconds since 1970, found {epoch!r}") from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


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
