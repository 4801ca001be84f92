"""What a whole built page runs inline, read from the tree a browser builds: the inline scripts and style
attributes the Content-Security-Policy (core/site/csp.py) allows by hash.

The page is parsed as the judge of active content parses (Lexbor, through selectolax, by the HTML standard, as
a browser that runs script), so a script's text is exactly the text the browser hashes: a `>` inside a quoted
attribute, `</script foo>`, an upper-case tag or a `src=` inside another attribute's value cannot move where a
script starts or ends, and what only looks like a script (in a comment, a `<title>`, a `<textarea>`, or a
`<noscript>` that a browser running script reads as text) is no script at all.

Parsing a whole page was most of the policy's time (issue 29: 0.3 s of CPU at 1,000 pages), and the theme's
pages hold no inline script at all, only `<script src=...>`. So a page is parsed only when some script element
could be an inline one (`_every_script_has_src`); otherwise the parse would find no script to hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from .built_page import BuiltPage, read_once

# Script types a browser runs; anything else (JSON config, JSON-LD) is data, which script-src does not govern.
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                          "application/ecmascript"})


@dataclass(frozen=True)
class InlineCode:
    """A page's inline scripts (each one's text), and the values of its style attributes, in page order."""

    scripts: tuple[str, ...]
    styles: tuple[str, ...]


def inline_code(html: str, *, styles: bool = True, page: BuiltPage | None = None) -> InlineCode:
    """The text of every inline script `html` runs (no `src`, a type a browser runs), and with `styles` the
    value of every style attribute. `page`: `html` read already (built_page.py)."""
    if not styles and _every_script_has_src(read_once(page, html).lowered):
        return InlineCode((), ())
    tree = LexborHTMLParser(html, scripting=True)
    scripts = tuple(node.text(deep=True) for node in tree.css("script")
                    if "src" not in node.attributes
                    and (node.attributes.get("type") or "").strip().lower() in SCRIPT_TYPES)
    found = tuple(value for node in tree.css("[style]") if (value := node.attributes.get("style"))) if styles else ()
    return InlineCode(scripts, found)


# The parser makes a script element (HTML or SVG) only from a start tag the tokenizer read in its data state
# with the name "script": `<`, the six letters in either case, then white space, `/` or `>` (any other character
# makes the name longer; a NUL becomes U+FFFD). No element is ever made without its start tag, and no character
# reference is read inside one. So each script element of the tree begins where this matches in the page's
# UTF-8 lower-cased (built_page.py: the tokenizer reads ASCII capitals as small letters, and no other character
# is written with an ASCII byte).
_SCRIPT_START = re.compile(rb"<script(?=[\t\n\f\r />])")
_SPACE = frozenset(b"\t\n\f\r ")  # the tokenizer's white space (a CR has become a LF before it reads)
_GT, _SLASH, _EQUALS, _QUOTES = ord(">"), ord("/"), ord("="), frozenset(b"\"'")


def _every_script_has_src(lowered: bytes) -> bool:
    """Whether every script element a parse of the page could make has a `src` attribute, so that `inline_code`
    would find no script to hash: each place a script's start tag may begin is read as the tokenizer reads a
    start tag from there (`_start_tag_has_src`), in the page's UTF-8 lower-cased. A place that is no start tag
    to the browser (inside a comment or an attribute's value) is read all the same: whatever is found there, no
    script element is passed over. tests/security/test_sec_site_csp_unparsed.py compares the two on tricky and
    random pages."""
    return all(_start_tag_has_src(lowered, found.end()) for found in _SCRIPT_START.finditer(lowered))


def _start_tag_has_src(html: bytes, at: int) -> bool:
    """Whether the start tag whose name ends at `at` has an attribute named `src`, read by the HTML standard's
    tokenizer states from there (before and after an attribute's name, its name, before its value, the three
    kinds of value, after a quoted value, a self-closing start tag). A tag that the text ends inside makes no
    element, but is answered False: the parser decides. `html` is lower-cased UTF-8: every character the
    tokenizer tests for here is ASCII, and a name holding any other character (a NUL is read as U+FFFD) is no
    "src"."""
    end = len(html)
    i = at
    state = _BEFORE_NAME  # the tag name state at white space, "/" or ">" does what this state does with them
    while i < end:
        char = html[i]
        if state is _BEFORE_NAME or state is _AFTER_NAME:
            if char in _SPACE:
                i += 1
            elif char == _GT:
                return False  # the tag ends without a src
            elif char == _SLASH:
                state, i = _SELF_CLOSING, i + 1
            elif char == _EQUALS and state is _AFTER_NAME:
                state, i = _BEFORE_VALUE, i + 1
            else:
                # An attribute's name: its first character whatever it is (even "=", before any name), then up
                # to white space, "/", ">" or "=".
                start, i = i, i + 1
                while i < end and html[i] not in _NAME_ENDS:
                    i += 1
                if html[start:i] == b"src":
                    return True
                if i < end and html[i] == _EQUALS:
                    state, i = _BEFORE_VALUE, i + 1
                else:
                    state = _AFTER_NAME
        elif state is _BEFORE_VALUE:
            if char in _SPACE:
                i += 1
            elif char in _QUOTES:
                close = html.find(char, i + 1)  # a character reference in the value never reads a quote
                if close < 0:
                    return False
                state, i = _AFTER_QUOTED_VALUE, close + 1
            elif char == _GT:
                return False
            else:  # unquoted, up to white space or ">" (which no character reference reads either)
                while i < end and html[i] not in _SPACE and html[i] != _GT:
                    i += 1
                state = _BEFORE_NAME
        elif state is _AFTER_QUOTED_VALUE:
            if char == _SLASH:
                state, i = _SELF_CLOSING, i + 1
            else:
                state = _BEFORE_NAME  # white space, ">", or (a parse error) the next name at once
        else:  # _SELF_CLOSING
            if char == _GT:
                return False
            state = _BEFORE_NAME
    return False


_BEFORE_NAME, _AFTER_NAME, _BEFORE_VALUE, _AFTER_QUOTED_VALUE, _SELF_CLOSING = (
    "before attribute name", "after attribute name", "before attribute value", "after quoted value",
    "self-closing start tag")
_NAME_ENDS = frozenset(b"\t\n\f\r />=")
