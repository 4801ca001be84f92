"""Time ranges kept on one line (core/site/typography.py): found in the whole HTML in one search and kept only
where they sit in text between tags (issue 29); the same output as wrapping inside each text between tags."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.site.typography import _TIME_RANGE, _wrap, keep_time_ranges_together

_TEXT = re.compile(r">([^<>]+)<")


def each_text_alone(html: str) -> str:
    """The walk over every text between tags that the one search replaced."""
    return _TEXT.sub(lambda match: ">" + _TIME_RANGE.sub(_wrap, match.group(1)) + "<", html)


PIECES = [*"<>10:4.5 -\u2013to am pm\n\"a=", "10:40", "11:00", "9.30am", " - ", "<td>", "</td>",
          '<a href="/x/10:40-11:00/">', "14:00 to 15:30", "5 - 10 metres"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
@example("<td>10:40 - 11:00</td>")
@example('<a title="10:40 - 11:00">9.30am\u201310am</a>')
@example("10:40 - 11:00<p>")
@example("<p>10:40 - 11:00")
@example("<p>from 14:00 to 15:30, 5 - 10 metres</p><b>")
def test_ranges_are_wrapped_in_text_only_as_each_text_alone_wraps_them(html):
    assert keep_time_ranges_together(html) == each_text_alone(html)


def test_a_range_in_text_is_wrapped_and_one_in_an_attribute_is_not():
    html = '<p><a href="/t/10:40-11:00/">Doors 10:40 - 11:00</a></p>'
    assert keep_time_ranges_together(html) == \
        '<p><a href="/t/10:40-11:00/">Doors <span class="pp-nowrap">10:40 - 11:00</span></a></p>'
