"""How large a printed action card's text prints.

A card is pinned up by a staff door, so it must fill one A4 page and read from a step away: a short card prints
large and a long one smaller, never below a legible size. CSS cannot shrink text to fit a page, so the size is
chosen here, at build time, from the card's length; the print stylesheet gives each size class its type scale
(overrides/assets/stylesheets/protectpress.css, "Printed action cards"). A card that does not fit even at the
smallest size is a problem in the card, reported by the content model.
"""

from __future__ import annotations

from dataclasses import dataclass

# How much of an A4 page a card's text needs is measured in lines: a Markdown line of up to this many
# characters prints as one line, a heading as about two (its size and space above), a list item or paragraph
# adds a quarter line of spacing. Lines times the size squared is the area the text covers.
_CHARACTERS_A_LINE = 80
_HEADING_LINES = 2.2
_BLOCK_GAP = 0.25
# The printable area of A4 inside the stylesheet's margins, header and footer holds lines x points^2 up to
# this: measured by printing the example cards in Chromium (tests/browser/test_print.py proves they fit).
_PAGE_CAPACITY = 3850.0

# (class, body size in points), largest first: a card takes the largest size whose text fits the page.
PRINT_SIZES: tuple[tuple[str, float], ...] = (
    ("xxl", 18.0), ("xl", 16.0), ("l", 14.0), ("m", 13.0), ("s", 12.0), ("xs", 11.0), ("xxs", 10.0))
SMALLEST_POINTS = PRINT_SIZES[-1][1]  # the legible floor: never smaller, however long the card


@dataclass(frozen=True)
class PrintSize:
    css_class: str  # "pp-print--xxl" ... "pp-print--xxs"
    points: float  # the body text size on paper
    lines: float  # how many lines of body text the card needs, by the measure above
    fits: bool  # False when even the smallest size will not fit one page


def print_lines(body: str) -> float:
    """How many printed lines a card's Markdown body needs (at the card's measure, before scaling)."""
    lines = 0.0
    for line in body.splitlines():
        text = line.strip()
        if not text:
            continue
        if text.startswith("#"):
            lines += _HEADING_LINES
        else:
            lines += -(-len(text) // _CHARACTERS_A_LINE) + _BLOCK_GAP
    return lines


def print_size(body: str) -> PrintSize:
    """The type size a card prints at, from its Markdown body: the largest that still fits one A4 page."""
    lines = print_lines(body)
    for name, points in PRINT_SIZES:
        if lines * points * points <= _PAGE_CAPACITY:
            return PrintSize(f"pp-print--{name}", points, lines, True)
    name, points = PRINT_SIZES[-1]
    return PrintSize(f"pp-print--{name}", points, lines, False)
