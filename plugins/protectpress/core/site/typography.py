"""Small typographic care for published HTML: what must never break across lines on a phone."""

from __future__ import annotations

import re

# "10:40 - 11:00", "9.30am–10am", "14:00 to 15:30": a time, a dash (or "to"), a time.
_AFTER_HOUR = r"(?:[:.]\d{2})?\s?(?:[ap]\.?m\.?)?"  # ":40", ".30", " am"
_TIME = rf"\d{{1,2}}{_AFTER_HOUR}"
# A range starts at a word's start: `\b` before its first digit, written as that digit with no word character
# before it, so that the search can skip to each digit instead of trying the pattern at every position (a fifth
# of the time every page took here).
_TIME_RANGE = re.compile(rf"\d(?<!\w\d)\d?{_AFTER_HOUR}\s?(?:[-–—]|to)\s?{_TIME}(?![\w:.])", re.IGNORECASE)
# Only text between tags is touched: attribute values (and so links) are left exactly as they are.
_TEXT = re.compile(r">([^<>]+)<")

# What `_wrap` asks of a range: a time with minutes (`\d[:.]\d{2}`) or an am/pm after a digit (`\d\s?[ap]\.?m`).
# A page holding neither nowhere has a range to wrap, and most pages hold neither: the search itself, which stops
# at every digit of every link and date, was nearly all of the time this module took (0.09 CPU s at 1,000
# pages). Looked for in the page's bytes with each character that could play a part mapped to one byte (digits
# to "0", a/A/p/P to "a", m/M to "m", ":" and "." to ":", ASCII white space to " "): a few plain byte searches.
# Loose on purpose ("a:m" for "a.m" and "a:m" alike): a page it lets through is searched as before. \d and \s
# also match characters beyond ASCII (Python's str.isdecimal and str.isspace, as re reads them; no other letter
# matches [ap] or m case-blind): a page holding any is searched as before too.
_CLASSES = bytes.maketrans(b"0123456789aApPmM.:\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f",
                           b"0000000000aaaamm::" + b" " * 9)
_CAN_WRAP = (b"0:00", b"0am", b"0 am", b"0a:m", b"0 a:m")
_ASCII = bytes(range(128))


def _may_wrap(html: str) -> bool:
    """False only when no range in `html` can be one that `_wrap` wraps (see _CLASSES)."""
    data = html.encode("utf-8", "surrogatepass")
    if not html.isascii():
        # The characters beyond ASCII alone: UTF-8 writes each with bytes beyond ASCII only (a set of the whole
        # page took longer than the search it spares).
        beyond = data.translate(None, _ASCII).decode("utf-8", "surrogatepass")
        if any(ch.isdecimal() or ch.isspace() for ch in set(beyond)):
            return True
    mapped = data.translate(_CLASSES)
    return any(needle in mapped for needle in _CAN_WRAP)


def keep_time_ranges_together(html: str) -> str:
    """`html` with each time range in a `<span class="pp-nowrap">`, so "10:40 - 11:00" never wraps as
    "10:40 -" / "11:00" in a narrow table cell. A range needs a colon or dot in one of its times (or am/pm),
    so a plain number range ("5 - 10 metres") is left alone.

    Only text between tags is touched (`>text<`). No range holds a `<` or `>`, and a tag's `>` and `<` end words
    as a string's ends do, so the ranges found in the whole HTML are exactly those found in each text alone: each
    is kept if the nearest angle bracket before it is a `>` and the nearest after it a `<`. (Walking every text
    with a callback took 0.6 ms a page, and nearly every page has a range somewhere.)"""
    if not _may_wrap(html):
        return html
    kept: list[str] = []
    done = 0
    for match in _TIME_RANGE.finditer(html):
        start, end = match.span()
        opened = max(html.rfind("<", 0, start), html.rfind(">", 0, start))
        closes, next_end = html.find("<", end), html.find(">", end)
        if opened < 0 or html[opened] != ">" or closes < 0 or 0 <= next_end < closes:
            continue  # inside a tag, or before the first tag or after the last
        kept += (html[done:start], _wrap(match))
        done = end
    return "".join((*kept, html[done:])) if kept else html


def _wrap(match: re.Match[str]) -> str:
    text = match.group(0)
    if not re.search(r"\d[:.]\d{2}|[ap]\.?m", text, re.IGNORECASE):
        return text
    return f'<span class="pp-nowrap">{text}</span>'
