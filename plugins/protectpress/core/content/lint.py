"""What a page's Markdown itself must get right, beyond its front matter: alt text on every image, and no
heading of its own that would show instead of the title.
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
_OWN_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def check_body(front: FrontMatter, title: str | None, report_line: Callable[..., None]) -> None:
    """What the page's Markdown itself must get right: alt text on every image, and no `# Heading` that would
    quietly show instead of the title (Material shows a page's own first heading in place of `title:`)."""
    in_code, seen_text = False, False
    for offset, line in enumerate(front.body.splitlines()):
        number = front.body_line + offset
        if _FENCE_LINE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        heading = _OWN_HEADING.match(line)
        if heading and not seen_text and title is not None and heading.group(1).strip() != title:
            report_line(number, "expected no '# Heading' line of the page's own: the title from front matter is "
                        "its heading (delete this line, or make it the title:)", repr(line.strip()), severity="warning")
        seen_text = seen_text or bool(line.strip())
        for match in _IMAGE_WITHOUT_ALT.finditer(line):
            source = match.group(1) or match.group(2) or ""
            report_line(number, "expected alt text for every image, like ![What it shows](/assets/images/photo.jpg) "
                        "(or alt=\"\" for a purely decorative HTML image)", f"an image with none: {source!r}")
