"""The built-page judge's first look reads the page's UTF-8, lower-cased as bytes, with the page's body taken out
of the bytes (issue 29, fourth round): it must let through exactly the pages the one case-blind pattern let
through, on the page without its body, or a handler a template wrote would never be parsed, judged and reported.
(test_sec_site_built_page.py compares whole texts; this adds the body, and every space \\s knows.)"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_sec_site_built_page import ONE_PATTERN

from protectpress.core.judge.sanitise import (
    WIDE_SPACES,
    _could_hold_handler_or_script_address,
    find_active_in_built_page,
)

PIECES = [
    *"onONclickscriptSCRIPTIkK=:&#;39 4/\"'<>ab",
    *"\t\n\x0b\x1c\x1f\x85\xa0\u1680\u2003\u3000\u0130\u0131\u017f\u212a\u00e9",
    "on", "script", "&#39;", "&#34;", "&#", "&colon;", "&Tab;", "&NewLine;", " onload=", "javascript:", "<a ",
]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
@example("\u3000onload=")
@example("\u1680on\u2003x\u205f=")
@example("\x1fonx=")
@example("scr\u00e9ipt:")
def test_the_first_look_finds_what_the_one_pattern_found_with_every_space(text):
    assert _could_hold_handler_or_script_address(text) is (ONE_PATTERN.search(text) is not None)


def test_the_utf8_first_look_knows_every_space_the_one_pattern_knows():
    # The bytes patterns spell out each white space \s matches in a str beyond bytes' own \s: one missing would
    # let `onload\u3000=` by unparsed.
    beyond = {chr(code) for code in range(0x110000)
              if re.match(r"\s", chr(code)) and not re.match(rb"\s", chr(code).encode("utf-8", "surrogatepass"))}
    assert set(WIDE_SPACES) == beyond


@settings(max_examples=500, deadline=None)
@given(*(st.lists(st.sampled_from(PIECES), max_size=size).map("".join) for size in (8, 6, 8)))
@example(" on", "<p>x</p>", "click=")
@example("scr", "\u0131", "ipt:")
@example("a", "", "b")
def test_the_first_look_leaves_out_the_body_as_the_text_would(before, body, after):
    # The body is taken out of the page's UTF-8, not its text: the page judged is still the text without the
    # body's first place in it (the theme around it, joined).
    page = before + body + after
    assert _could_hold_handler_or_script_address(page, body) is (
        ONE_PATTERN.search(page.replace(body, "", 1) if body else page) is not None)


def test_a_handler_around_a_page_body_is_found_and_one_in_it_left_to_the_body_judge():
    body = '<p onclick="x()">judged already, with its line</p>'
    page = f'<html><body><div class="md-content"{{}}>{body}</div></body></html>'
    assert find_active_in_built_page(page.format(""), body=body) == []
    assert [item.description for item in find_active_in_built_page(page.format(' onmouseover="y()"'), body=body)] \
        == ["an event handler onmouseover= on <div>"]


# Characters whose UTF-8 ends in a byte a wide space's UTF-8 ends in (the handler's first look back from "on"
# reads that one byte, then the whole space), or starts as the long s, the dotted and dotless i and the Kelvin
# sign start: one search of the bytes now reads what the text search of pages holding those letters read.
NEAR = "\u00c5\u00e0\u0105\u0120\u2084\u2080\u2028\u300a\u1690\u0100\u017e\u212b\u0130\u0131\u017f\u212a"
NEAR_PIECES = [*PIECES, *NEAR, "&newl\u0130ne;", "&NewL\u0131ne;", "\u017fcr\u0131pt", "on\u212a", "\u00c5on"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(NEAR_PIECES), max_size=14).map("".join))
@example("&newl\u0130ne;")
@example("&NEWL\u0131NE;")
@example("\u00c5onload=")
@example("\u2084onload=")
@example("\u2004onload=")
@example("\u0120on=")
@example("\u017f\u017fcript:")
@example("scr\u0130\u0131pt:")
@example(" on\u212a\u0130\u017f\u3000=")
def test_one_search_of_the_bytes_finds_what_the_one_pattern_found_among_near_letters(text):
    assert _could_hold_handler_or_script_address(text) is (ONE_PATTERN.search(text) is not None)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=40), st.lists(st.sampled_from(NEAR_PIECES), max_size=6).map("".join))
def test_the_first_look_finds_what_the_one_pattern_found_in_any_text(before, after):
    # Any characters, lone surrogates too, before a few of the pieces the pattern reads.
    text = before + after
    assert _could_hold_handler_or_script_address(text) is (ONE_PATTERN.search(text) is not None)
