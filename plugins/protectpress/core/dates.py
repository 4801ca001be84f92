"""The one place where dates are read. A date means 00:00 UTC on that day; every result is tz-aware.

YAML turns an unquoted `2023-03-30` into a `datetime.date` before we see it, while a quoted one stays a
string; both must read the same, and anything else must fail with words a comms officer understands.
"""

from __future__ import annotations

import datetime as dt
import re

EXPECTED = "expected a date like 2023-03-30"

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateError(ValueError):
    """A value that is not a date. `str()` is the `expected ...` half of a problem."""


def parse_date(value: object) -> dt.datetime:
    """Read a front-matter or CSV date as an aware datetime in UTC.

    Accepts a `date` (00:00 UTC), an aware or naive `datetime` (naive means UTC) or a `YYYY-MM-DD` string.
    """
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
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
    return parse_date(dt.datetime.now(dt.timezone.utc).date())


def human(value: dt.datetime) -> str:
    """A date as GOV.UK writes it: 30 March 2023."""
    return f"{value.day} {value:%B %Y}"
