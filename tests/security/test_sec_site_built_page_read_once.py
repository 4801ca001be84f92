"""Issue 29: the CSP feature reads each built page's bytes once (core/judge/built_page.py) for the two first
looks, the built-page judge's (handlers, script addresses) and the CSP's (inline scripts, table alignment). Given
that reading, each must find exactly what it finds reading the page itself; and a reading of another text must
never stand in for the page's own (a handler around the body would then go unjudged, a script unhashed). And
the policy is put into each page where it went before, with one copy of the page fewer."""

from __future__ import annotations

import random

from protectpress.core.foundation.problems import Problems
from protectpress.core.judge.built_page import BuiltPage
from protectpress.core.judge.content_policy import check_built_page
from protectpress.core.judge.inline_code import inline_code
from protectpress.core.judge.sanitise import find_active_in_built_page
from protectpress.core.site import csp
from protectpress.core.site.csp import META_MARK, page_hashes

_PIECES = ["<p>", "</p>", "<script src=a.js></script>", "<script>window.a=1</script>", "<SCRIPT>b()</SCRIPT>",
           '<td style="text-align: left;">', '<td style="TEXT-ALIGN: left;">', " onclick=", ' onload="x()"', "<a ",
           'href="javascript:x()"', "&#106;", "&colon;", "\u017f", "\u0130", "\u212a", "\u3000", "\u00e9", "<!--",
           "-->", ">", '"', "'", "=", " ", "scr", "ipt", ":", "text-align: ", "<svg>", "<table><tr>"]


def _random_page(chance: random.Random) -> tuple[str, str]:
    def text(count: int) -> str:
        return "".join(chance.choice(_PIECES) for _ in range(chance.randint(0, count)))
    body = text(6)
    return "<!doctype html><html><head><meta charset=utf-8>" + text(8) + "<body>" + body + text(6), body


def test_each_look_finds_with_the_page_read_once_what_it_finds_reading_the_page_itself():
    chance = random.Random(2029)
    for _ in range(3_000):
        html, body = _random_page(chance)
        read = BuiltPage(html, body)
        assert find_active_in_built_page(html, body=body, page=read) == find_active_in_built_page(html, body=body)
        assert page_hashes(html, body=body, page=read) == page_hashes(html, body=body)
        assert inline_code(html, styles=False, page=read) == inline_code(html, styles=False)


def test_a_reading_of_another_text_never_stands_in_for_the_page():
    body = "<p>b</p>"
    quiet = BuiltPage("<p>quiet</p>" + body, body)
    page = '<div onclick="x()">' + body + "</div><script>window.a = 1</script>"
    assert [item.description for item in find_active_in_built_page(page, body=body, page=quiet)] \
        == ["an event handler onclick= on <div>"]
    problems = Problems()
    check_built_page("page.md", page, problems, body=body, page=quiet)
    assert [problem.found for problem in problems.errors] == ["an event handler onclick= on <div>"]
    assert inline_code(page, styles=False, page=quiet).scripts == ("window.a = 1",)
    assert len(page_hashes(page, body=body, page=quiet)[0]) == 1
    # The same text with another body is another reading too: what is left out of the page differs.
    assert find_active_in_built_page(page, body=body, page=BuiltPage(page, '<div onclick="x()">')) != []


def test_the_body_left_out_of_the_bytes_is_its_first_place_in_the_text():
    read = BuiltPage("ab\u00e9cd\u00e9cd", "\u00e9cd")
    assert read.without_body() == "ab\u00e9cd".encode()
    assert BuiltPage("AB", "x").without_body() == b"ab"  # no body there: the whole page
    assert BuiltPage("A\u212aB").lowered == "a\u212ab".encode()  # ASCII letters alone are lower-cased


def test_the_body_is_found_where_a_whole_search_finds_it_however_often_its_opening_repeats():
    chance = random.Random(64)
    for _ in range(2_000):
        head = "".join(chance.choice("ab\u00e9") for _ in range(chance.choice((1, 3, 63, 64, 65, 70))))
        body = head + chance.choice(["", "c", "ab", "\u00e9" * 70])
        html = "".join(chance.choice([head, head[:-1], body, "x", "\u00e9", head + "d"])
                       for _ in range(chance.randint(0, 14)))
        written = html.encode()
        start = written.find(body.encode())
        expected = written[:start] + written[start + len(body.encode()):] if start >= 0 else written
        assert BuiltPage(html, body).without_body() == expected


def _with_policy_as_it_was(html: str, policy: str) -> str:
    """`csp.with_policy` before issue 29's seventh round: the mark looked for in a copy of the page's head, and
    the page put together with `+`."""
    if META_MARK in html[:4096]:
        return html
    meta = f'<meta {META_MARK} content="{policy}">'
    for pattern in (csp._CHARSET_META, csp._HEAD_START):
        found = pattern.search(html, 0, 4096)
        if found is not None:
            return html[:found.end()] + meta + html[found.end():]
    return meta + html


def test_the_policy_goes_where_it_went_and_a_page_carrying_one_is_left_as_it_was():
    chance = random.Random(4096)
    pieces = ["<head>", "<HEAD lang=en>", "<meta charset=utf-8>", "<META CHARSET='x'>", f"<meta {META_MARK}>",
              META_MARK, "x" * 1000, "y" * 4000, "\u00e9" * 300, "<p>", ">", "<head", "<meta charset="]
    for _ in range(2_000):
        html = "".join(chance.choice(pieces) for _ in range(chance.randint(0, 8)))
        assert csp.with_policy(html, "p") == _with_policy_as_it_was(html, "p")
    edge = "x" * (4096 - len(META_MARK))
    for cut in (-1, 0, 1):  # the mark ending just inside, at, or just past the page's first 4,096 characters
        html = edge[:len(edge) + cut] + META_MARK + "<head>"
        assert csp.with_policy(html, "p") == _with_policy_as_it_was(html, "p")
