"""Markdown nested so deeply that the Markdown renderer cannot read it.

Python-Markdown recurses once per level of lists, quotes, notes and `markdown="1"` HTML blocks, and once per
`*` or `_` in a long run, so a page with a few hundred levels stops the build with a RecursionError and a
traceback (found by the fuzz tests). No real page comes near that, so this check costs nothing for them: only
a body whose shape looks suspicious is rendered once on trial, and only a real failure becomes an error.
"""

from __future__ import annotations

import re
import sys

import markdown

# Far below where the renderer fails (about 250 list levels, 330 HTML blocks, 2,000 asterisks) and far
# above any real page, so that the trial render runs only for odd bodies.
SUSPECT_INDENT = 120  # columns of leading whitespace (30 list levels)
SUSPECT_QUOTES = 30  # `>` markers at the start of a line
SUSPECT_RUN = 300  # `*` or `_` in a row
SUSPECT_BLOCKS = 50  # HTML blocks that ask for Markdown inside them
# What the trial render uses: the extensions whose blocks nest. Configs do not change how deep they recurse.
TRIAL_EXTENSIONS = ("abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc", "pymdownx.details",
                    "pymdownx.superfences")
# The trial runs with this much less stack than the real build has, so a body that only just passes the trial
# cannot fail in a build whose call stack is a little deeper.
HEADROOM = 200

TOO_DEEP = ("expected lists, quotes, notes and HTML blocks nested at most a few dozen levels deep, and no long runs "
            "of * or _")

_QUOTES = re.compile(r"^(?:\s*>)+")
_RUN = re.compile(rf"[*_]{{{SUSPECT_RUN},}}")
_MARKDOWN_BLOCK = re.compile(r"<\w+[^>]*\bmarkdown\s*=", re.IGNORECASE)


def suspect_line(body: str) -> int | None:
    """The first line (1-based, within the body) that looks too deeply nested, or None."""
    blocks = 0
    for number, line in enumerate(body.splitlines(), start=1):
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        quotes = _QUOTES.match(line)
        blocks += len(_MARKDOWN_BLOCK.findall(line))
        if (indent >= SUSPECT_INDENT or (quotes and quotes.group().count(">") >= SUSPECT_QUOTES)
                or _RUN.search(line) or blocks >= SUSPECT_BLOCKS):
            return number
    return None


def renders(body: str) -> bool:
    """Whether Python-Markdown gets through the body without running out of stack."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit - HEADROOM, 100))
    try:
        markdown.markdown(body, extensions=list(TRIAL_EXTENSIONS))
    except RecursionError:
        return False
    finally:
        sys.setrecursionlimit(limit)
    return True


def too_deep_line(body: str) -> int | None:
    """The body line where nesting goes too deep for the renderer, or None when the body renders."""
    line = suspect_line(body)
    if line is None or renders(body):
        return None
    return line
