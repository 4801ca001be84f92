"""Issue 30: the Content-Security-Policy's script hashes come from the tree a browser builds, not a pattern.

A pattern read a script's attributes up to the first `>` and its text up to `</script>`, so a `>` inside a
quoted attribute, an end tag with something after its name, or `src=` inside another attribute's value gave a
wrong text (its hash then blocks the theme's own script) or no hash; and text that only looks like a script (in
a comment, a <title>, a <textarea>, a <noscript> a browser running script reads as text) got a hash, allowing a
script the page never runs. Each case below is read here as a browser reads it: the hash of exactly the text it
runs, and nothing for what it does not run.
"""

from __future__ import annotations

import base64
import hashlib

import pytest

from protectpress.core.site.csp import page_hashes


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page(head: str, body: str = "<p>Text</p>") -> str:
    return f"<!doctype html><html><head><meta charset=utf-8><title>T</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize("script, runs", [
    ('<script data-note="a>b">window.a = 1</script>', "window.a = 1"),  # a `>` inside a quoted attribute
    ("<SCRIPT TYPE='MODULE' data-x='1>2'>window.b = 2</SCRIPT>", "window.b = 2"),
    ("<script>window.c = 3</script foo>", "window.c = 3"),  # an end tag with an attribute still ends it
    ('<script title=" src=elsewhere.js">window.d = 4</script>', "window.d = 4"),  # no src: it runs inline
    ("<script\n>window.e = 5</script\t>", "window.e = 5"),
    ("<script>window.f = 'a\r\nb'</script>", "window.f = 'a\nb'"),  # a browser reads CR LF as LF
])
def test_each_script_a_browser_runs_gets_the_hash_of_the_text_it_runs(script, runs):
    scripts, _ = page_hashes(page(script + "<script>window.after = 1</script>"))
    assert scripts == [sha(runs), sha("window.after = 1")]


@pytest.mark.parametrize("looks_like_one", [
    "<!-- <script>window.evil = 1</script> -->",
    "<title><script>window.evil = 1</script></title>",
    "<textarea><script>window.evil = 1</script></textarea>",
    "<noscript><script>window.evil = 1</script></noscript>",
    '<script type="application/json"><script>window.evil = 1</script>',
    '<script src="/assets/site.js"></script><script type="text/plain">window.evil = 1</script>',
])
def test_text_a_browser_does_not_run_as_a_script_is_never_allowed(looks_like_one):
    scripts, _ = page_hashes(page("<script>window.theme = 1</script>", looks_like_one))
    assert scripts == [sha("window.theme = 1")]
    assert sha("window.evil = 1") not in scripts


def test_a_script_whose_text_is_in_the_body_is_never_allowed():
    body = "<p>window.evil = 1</p>"
    scripts, _ = page_hashes(page("<script>window.evil = 1</script><script>window.theme = 1</script>", body),
                             body=body)
    assert scripts == [sha("window.theme = 1")]


def test_table_alignment_is_allowed_by_its_value_however_the_attribute_is_quoted():
    _, styles = page_hashes(page("", "<table><tr><th style='text-align: left;'>A</th>"
                                     '<td style="text-align: right;">1</td><td style="color: red">2</td></tr></table>'))
    assert styles == [sha("text-align: left;"), sha("text-align: right;")]
