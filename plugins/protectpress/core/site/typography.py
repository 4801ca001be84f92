"""Small typographic care for published HTML: what must never break across lines on a phone."""

from __future__ import annotations

import re

# "10:40 - 11:00", "9.30am–10am", "14:00 to 15:30": a time, a dash (or "to"), a time.
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s?(?:[ap]\.?m\.?)?"
_TIME_RANGE = re.compile(rf"\b{_TIME}\s?(?:[-–—]|to)\s?{_TIME}(?![\w:.])", re.IGNORECASE)
# Only text between tags is touched: attribute values (and so links) are left exactly as they are.
_TEXT = re.compile(r">([^<>]+)<")


def keep_time_ranges_together(html: str) -> str:
    """`html` with each time range in a `<span class="pp-nowrap">`, so "10:40 - 11:00" never wraps as
    "10:40 -" / "11:00" in a narrow table cell. A range needs a colon or dot in one of its times (or am/pm),
    so a plain number range ("5 - 10 metres") is left alone."""
    def in_text(match: re.Match[str]) -> str:
        return ">" + _TIME_RANGE.sub(_wrap, match.group(1)) + "<"
    return _TEXT.sub(in_text, html) if ":" in html or "." in html else html


def _wrap(match: re.Match[str]) -> str:
    text = match.group(0)
    if not re.search(r"\d[:.]\d{2}|[ap]\.?m", text, re.IGNORECASE):
        return text
    return f'<span class="pp-nowrap">{text}</span>'
