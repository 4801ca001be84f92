"""The nesting check's first look (core/judge/nesting.py `_may_hold_suspect_line`, issue 29): `suspect_line` finds
the same line as the line-by-line reading it had alone before, for bodies at and around every threshold."""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.judge import nesting
from protectpress.core.judge.nesting import (
    SPACES_IN_LINES,
    SUSPECT_BLOCKS,
    SUSPECT_INDENT,
    SUSPECT_QUOTES,
    SUSPECT_RUN,
    suspect_line,
)


def line_by_line(body: str) -> int | None:
    """`suspect_line` as it was: every line read."""
    blocks = 0
    for number, line in enumerate(body.splitlines(), start=1):
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        quotes = nesting._QUOTES.match(line)
        blocks += len(nesting._MARKDOWN_BLOCK.findall(line))
        if (indent >= SUSPECT_INDENT or (quotes and quotes.group().count(">") >= SUSPECT_QUOTES)
                or nesting._RUN.search(line) or blocks >= SUSPECT_BLOCKS):
            return number
    return None


def test_the_spaces_inside_lines_are_every_white_space_character_a_line_keeps():
    every = (chr(code) for code in range(sys.maxunicode + 1))
    assert "".join(
        ch for ch in every if ch.isspace() and ch != " " and len(f"a{ch}a".splitlines()) == 1) == SPACES_IN_LINES
    # and `\s` in the quote patterns is the same white space as str.isspace
    assert all(bool(re.fullmatch(r"\s", chr(code))) == chr(code).isspace() for code in range(sys.maxunicode + 1))


QUOTES = ">" * SUSPECT_QUOTES
BLOCK = '<div markdown="1">'
EDGES = [
    " " * 119, " " * 120, "\t" * 29 + "   ", "\t" * 30, " \t" * 15, "\t " * 15, "\xa0" * 120, "\u3000" * 120,
    "\x1f" * 120, " " * 60 + "\r" + " " * 60, " " * 60 + "\x0b" + " " * 60, " " * 60 + "\x85" + " " * 60,
    "> " * (SUSPECT_QUOTES - 1), "> " * SUSPECT_QUOTES, " >" * SUSPECT_QUOTES, QUOTES[1:], QUOTES,
    ">\u3000" * SUSPECT_QUOTES, "x" + QUOTES, QUOTES[1:] + "\n>",
    "*" * (SUSPECT_RUN - 1), "*" * SUSPECT_RUN, "_*" * (SUSPECT_RUN // 2), "*" * 150 + "\n" + "*" * 150,
    (BLOCK + "\n") * (SUSPECT_BLOCKS - 1), (BLOCK + "\n") * SUSPECT_BLOCKS, BLOCK * SUSPECT_BLOCKS,
    ("<DIV MARKDOWN = 1>\n") * SUSPECT_BLOCKS, ("<div\nmarkdown=1>\n") * SUSPECT_BLOCKS,
]


def test_bodies_at_every_threshold_read_as_before():
    for edge in EDGES:
        for body in (edge, f"text\n{edge}\nmore", f"a\n\n{edge}\r\n{edge}", edge.replace("\n", "\r\n")):
            assert suspect_line(body) == line_by_line(body), repr(body[:80])


PIECES = st.sampled_from([" ", "  ", "    ", "\t", "\x1f", "\xa0", "\u2003", "\u3000", ">", "> ", "*", "_", "**",
                          "\n", "\r\n", "\r", "\x0b", "\x1c", "\x85", "\u2028", "x", "- ", "<", "=", BLOCK, "markdown"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(PIECES, st.integers(1, 160)), max_size=8))
@example([(" ", 30), (" ", 90)])
@example([("\t", 29), (" ", 4)])
@example([(">", 29), ("\n", 1), (">", 1)])
def test_any_body_reads_as_before(runs):
    body = "".join(piece * count for piece, count in runs)
    assert suspect_line(body) == line_by_line(body)
