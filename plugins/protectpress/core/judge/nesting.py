"""Markdown nested so deeply that the Markdown renderer cannot read it.

Python-Markdown recurses once per level of lists, quotes, notes and `markdown="1"` HTML blocks, and once per
`*` or `_` in a long run, so a page with a few hundred levels stops the build with a RecursionError and a
traceback (found by the fuzz tests). No real page comes near that, so this check costs nothing for them: only
a body whose shape looks suspicious is rendered once on trial, and only a real failure becomes an error.

The trial renders with the extensions that really render the body, which the caller passes: a page with the
project's `markdown_extensions` (Settings), a newsletter with the email's own list (newsletter/markdown.py).
How deep a body may nest depends on them: `<div markdown="1">` nests only where md_in_html is on.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Sequence

import markdown

from ..foundation.deep_parse import collector_paused

# Far below where the renderer fails (about 250 list levels, 330 HTML blocks, 2,000 asterisks) and far
# above any real page, so that the trial render runs only for odd bodies.
SUSPECT_INDENT = 120  # columns of leading whitespace (30 list levels)
SUSPECT_QUOTES = 30  # `>` markers at the start of a line
SUSPECT_RUN = 300  # `*` or `_` in a row
SUSPECT_BLOCKS = 50  # HTML blocks that ask for Markdown inside them
# The trial runs with this much less stack than the real build has, so a body that only just passes the trial
# cannot fail in a build whose call stack is a little deeper.
HEADROOM = 200

TOO_DEEP = ("expected lists, quotes, notes and HTML blocks nested at most a few dozen levels deep, and no long runs "
            "of * or _")

_QUOTES = re.compile(r"^(?:\s*>)+")
_RUN = re.compile(rf"[*_]{{{SUSPECT_RUN},}}")
_MARKDOWN_BLOCK = re.compile(r"<\w+[^>]*\bmarkdown\s*=", re.IGNORECASE)


# Each way a line can look suspicious leaves a trace in the whole body that plain string searches find: an
# indent of SUSPECT_INDENT columns is at least a quarter as many white-space characters in a row (a tab is at
# most 4 columns, any other one 1), none of them a line break; a quote's `>` markers are in a row once the white
# space between them is taken out; a run of `*` and `_` is one of `*` once each `_` is one; each HTML block has a
# `<` and an `=` of its own. A body with none of these traces (nearly every page) has no suspect line, and the
# line-by-line reading below, which was a tenth of validating a page, is skipped for it. Searches for one
# character or a long text, not counts or patterns tried at every position (a count of each character took as
# long as the reading saved). tests/test_nesting.py compares the two.
_INDENT_CHARACTERS = -(-SUSPECT_INDENT // 4)
# The white space `str.splitlines` leaves inside a line, but for " " (tests/test_nesting.py lists them anew).
SPACES_IN_LINES = "\t\x1f\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"


def _may_hold_suspect_line(body: str) -> bool:
    spaced = body
    for space in SPACES_IN_LINES:
        if space in spaced:
            spaced = spaced.replace(space, " ")
    return (" " * _INDENT_CHARACTERS in spaced
            or (">" in body and ">" * SUSPECT_QUOTES in spaced.replace(" ", ""))
            or "*" * SUSPECT_RUN in body.replace("_", "*")
            or ("<" in body and "=" in body and body.count("<") >= SUSPECT_BLOCKS
                and body.count("=") >= SUSPECT_BLOCKS))


def suspect_line(body: str) -> int | None:
    """The first line (1-based, within the body) that looks too deeply nested, or None."""
    if not _may_hold_suspect_line(body):
        return None
    blocks = 0
    for number, line in enumerate(body.splitlines(), start=1):
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        quotes = _QUOTES.match(line)
        blocks += len(_MARKDOWN_BLOCK.findall(line))
        if (indent >= SUSPECT_INDENT or (quotes and quotes.group().count(">") >= SUSPECT_QUOTES)
                or _RUN.search(line) or blocks >= SUSPECT_BLOCKS):
            return number
    return None


@functools.lru_cache(maxsize=16)
def _loadable(extensions: tuple[str, ...]) -> tuple[str, ...]:
    """The extensions that load by name. Their options do not change how deep they recurse, and one that needs
    options to load (or is not installed) is reported by the build itself, so the trial leaves it out."""
    kept = []
    for name in extensions:
        try:
            markdown.Markdown(extensions=[name])
        except Exception:
            continue
        kept.append(name)
    return tuple(kept)


def renders(body: str, extensions: Sequence[str]) -> bool:
    """Whether Python-Markdown with `extensions` gets through the body without running out of stack."""
    loaded = list(_loadable(tuple(extensions)))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit - HEADROOM, 100))
    try:
        with collector_paused():
            markdown.markdown(body, extensions=loaded)
    except RecursionError:
        return False
    finally:
        sys.setrecursionlimit(limit)
    return True


def too_deep_line(body: str, extensions: Sequence[str]) -> int | None:
    """The body line where nesting goes too deep for the renderer with `extensions`, or None when it renders."""
    line = suspect_line(body)
    if line is None or renders(body, extensions):
        return None
    return line
