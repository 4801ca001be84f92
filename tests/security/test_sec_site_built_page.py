"""The built-page judge parses a page only when its text could hold an event handler or a script address; that
first look is three fast searches (issue 29), and must let through every page the one case-blind pattern it
replaced let through, or a handler a template wrote would never be parsed, judged and reported."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.judge.sanitise import _could_hold_handler_or_script_address, find_active_in_built_page

# The pattern the built-page judge used until issue 29's third round.
ONE_PATTERN = re.compile(r"""[\s/"']on[a-z]+\s*=|script\s*:|&#(?!3[49];)|&(?:colon|tab|newline);""", re.IGNORECASE)

# Letters and signs the pattern reads, in both cases, with the characters case-blind matching lets by (the long
# s, the dotted and dotless i, the Kelvin sign) and Unicode spaces \s matches.
PIECES = [
    *"onONclickscriptSCRIPTIkK=:&#;39 4/\"'<>ab\t\n\x1c\x85\xa0\u2003\u0130\u0131\u017f\u212a",
    "on", "script", "&#39;", "&#34;", "&#", "&colon;", "&Tab;", "&NewLine;", " onload=", "javascript:", "<a ",
]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
@example(" o\u017fnload=")
@example("x\u0131on=")
@example(" on\u0130=")
@example(" on\u0131x=")
@example("scr\u0131pt:")
@example("/on\u212a=")
@example("'ONLOAD =")
@example("scr\u0130pt:")
@example("\u017fcript\u2003:")
@example("xonon onclick=")
@example("onload=")
@example("&#39;&#34;&#x3a;")
@example("&NEWLINE;")
def test_the_first_look_finds_what_the_one_pattern_found(text):
    assert _could_hold_handler_or_script_address(text) is (ONE_PATTERN.search(text) is not None)


def test_a_handler_the_theme_wrote_is_still_named():
    page = '<!doctype html><html><head><title>t</title></head><body><a href="/" onclick="go()">x</a></body></html>'
    assert [item.description for item in find_active_in_built_page(page)] == ["an event handler onclick= on <a>"]
    written = page.replace('href="/" onclick="go()"', 'href="java&#x73;cript:go()"')
    assert [item.description for item in find_active_in_built_page(written)] == ["a javascript: URL in href= on <a>"]
