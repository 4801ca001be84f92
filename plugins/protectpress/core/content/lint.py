"""What a page's Markdown itself must get right, beyond its front matter: alt text on every image, no heading
of its own that would show instead of the title, and link text that says where the link goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..foundation.frontmatter import FrontMatter

# A Markdown image with empty alt text, and an HTML <img> (Markdown allows raw HTML) with no alt at all.
_IMAGE_WITHOUT_ALT = re.compile(
    r"!\[\s*\]\(\s*<?([^)\s>]*)|<img\b(?![^>]*\balt\s*=)[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]*)", re.IGNORECASE
)
_FENCE_LINE = re.compile(r"^\s*(```|~~~)")
# Words that say nowhere: a reader who lists a page's or an email's links (as screen readers do) hears only "here".
# The one rule for both: the email rules (core/newsletter/rules.py) ask `says_nowhere` of each link they render.
VAGUE_LINK_TEXT = frozenset({"click here", "here", "read more"})
LINK_TEXT_EXPECTED = "expected link text that says where the link goes"
# A Markdown link's text, `[text](address)` or `[text][name]` (not an image's `![alt](...)`), or an HTML link's.
# Bounded, so that a hostile line of unclosed brackets is read in linear time: text that says nowhere is short.
_LINK_TEXT = re.compile(r"(?<!!)\[([^\[\]\n]{0,80})\]\s?[(\[]|<a\b[^>]{0,2000}>([^\n]{0,80}?)</a\s*>", re.IGNORECASE)
_INLINE_CODE = re.compile(r"(`+)[^`]*\1")
_MARKUP = re.compile(r"<[^>]*>|[^\w\s]|_")
_OWN_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def lint_markdown_body(front: FrontMatter, title: str | None, report_line: Callable[..., None]) -> None:
    """What the page's Markdown itself must get right: alt text on every image, and no `# Heading` that would
    quietly show instead of the title (Material shows a page's own first heading in place of `title:`)."""
    # Most lines hold none of the characters a rule starts at (a fence's ``` or ~~~, a heading's #, an image's or
    # link's [ or <), so each rule's pattern is tried only on the lines that could match it: the same findings,
    # without three patterns on every line of every page (a third of the time validating took).
    body = front.body
    lines = body.splitlines()
    if "```" not in body and "~~~" not in body:
        # No fence, so no code: the own-heading rule reads the first line that is not blank, and the others only
        # the lines with a [ or <, found without a step of Python per line (most pages; tests/test_lint.py
        # compares this with the reading below).
        first = next((offset for offset, line in enumerate(lines) if line.strip()), None)
        if first is not None:
            _own_heading(lines[first], front.body_line + first, title, report_line)
        if "[" in body or "<" in body:
            for offset in [offset for offset, line in enumerate(lines) if "[" in line or "<" in line]:
                _images_and_links(lines[offset], front.body_line + offset, report_line)
        return
    in_code, seen_text = False, False
    for offset, line in enumerate(lines):
        if ("```" in line or "~~~" in line) and _FENCE_LINE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        if not seen_text:
            _own_heading(line, front.body_line + offset, title, report_line)
            seen_text = bool(line.strip())
        if "[" not in line and "<" not in line:
            continue  # no image (`![`, `<img`) and no link (`[`, `<a`)
        _images_and_links(line, front.body_line + offset, report_line)


def _own_heading(line: str, number: int, title: str | None, report_line: Callable[..., None]) -> None:
    heading = _OWN_HEADING.match(line) if line.startswith("#") and title is not None else None
    if heading and heading.group(1).strip() != title:
        report_line(number, "expected no '# Heading' line of the page's own: the title from front matter is its "
                    "heading (delete this line, or make it the title:)", repr(line.strip()), severity="warning")


def _images_and_links(line: str, number: int, report_line: Callable[..., None]) -> None:
    # An image starts `![` or `<img`: a line with a link alone (most) is not searched for one, position by position.
    for match in _IMAGE_WITHOUT_ALT.finditer(line) if "![" in line or "<" in line else ():
        source = match.group(1) or match.group(2) or ""
        report_line(number, "expected alt text for every image, like ![What it shows](/assets/images/photo.jpg) "
                    "(or alt=\"\" for a purely decorative HTML image)", f"an image with none: {source!r}")
    for match in _LINK_TEXT.finditer(_INLINE_CODE.sub("", line) if "`" in line else line):
        text = match.group(1) if match.group(1) is not None else match.group(2)
        if says_nowhere(text):
            report_line(number, LINK_TEXT_EXPECTED, repr(" ".join(text.split())), severity="warning")


def says_nowhere(link_text: str) -> bool:
    """Whether a link's text, as written or as a reader sees it, is only `here`, `click here` or `read more`."""
    return " ".join(_MARKUP.sub("", link_text.lower()).split()) in VAGUE_LINK_TEXT
