"""Time ranges kept on one line (core/site/typography.py): found in the whole HTML in one search and kept only
where they sit in text between tags (issue 29); the same output as wrapping inside each text between tags."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.site.typography import _TIME_RANGE, _may_wrap, _wrap, keep_time_ranges_together

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


# Pages that hold no time with minutes and no am/pm skip the search (`_may_wrap`): pieces of every kind that
# prefilter maps (am/pm in either case and with dots, ASCII white space beyond the space, and digits and white
# space beyond ASCII, which \d and \s match too), so that any range it could wrap is still found.
CLASS_PIECES = [*"<>19:.- to\n\t\x0b\x1c", "am", "PM", "a.m.", "P.M", "aM", "m", "\u0661", "\u0660:\u0663\u0660",
                "\u2009", "\u00a0", "\u00b7", "\u2013", "12", "30", "2025-03-15", "news-00070"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(CLASS_PIECES), max_size=14).map(lambda pieces: "<p>" + "".join(pieces) + "</p>"))
@example("<p>9am - 10am</p>")
@example("<p>9 am - 10 am</p>")
@example("<p>9 A.M. to 10 P.M.</p>")
@example("<p>9\u2009am\u201310\u2009am</p>")
@example("<p>\u0661\u0660:\u0663\u0660 - \u0661\u0661:\u0660\u0660</p>")
@example("<p>9\x1cam - 10am</p>")
def test_a_page_the_prefilter_lets_by_is_wrapped_as_searching_it_wraps_it(html):
    assert keep_time_ranges_together(html) == each_text_alone(html)


def test_a_page_with_only_dates_and_numbered_links_is_returned_without_a_search():
    html = '<p>Updated <time datetime="2025-03-15">15 March 2025</time>: see <a href="../news-00070/">5 - 10</a></p>'
    assert not _may_wrap(html)
    assert keep_time_ranges_together(html) is html
    assert _may_wrap("<p>10:40 - 11:00</p>") and _may_wrap("<p>9am - 10 p.m.</p>")
