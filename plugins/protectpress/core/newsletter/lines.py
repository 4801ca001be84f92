"""Where in a newsletter's file something found in its body, or in the email rendered from it, was written.

A problem in a letter's body names the line of the .md file, as a page's does. The parsed Markdown and the
rendered email no longer say where each part came from, so the line is found by looking for what was written,
the way the link check finds a broken link's line (core/checks/linkcheck.py): best effort, and no line rather than
a wrong one when the text cannot be found as written. Fenced code is skipped: an image or a heading there is
only text.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from .markdown import FENCE

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_MARKUP = re.compile(r"[*_`\\]|<[^>]*>")  # what a heading's words may carry in Markdown but not in the email
# Where an address is written: `](target`, `]: target`, `href="target`, `src=target`, `<https://...>`; the
# needle may be the end of the target (its file name).
_TARGET = r"""(?:\]\(\s*<?|\]:\s*<?|\b(?:href|src)\s*=\s*["']?|<)[^\s)"'>]*"""

# Where a link's words are written as its text: `[words](`, `[words][ref]`, `<a href=...>words</a>`, with the
# emphasis the reader does not see around them.
_LINK_OPEN, _LINK_CLOSE = r"(?:\[|<a\b[^>]*>)[\s*_`]*", r"[\s*_`]*(?:\]|</a>)"

ClueKind = Literal["words", "heading", "address", "cell", "link"]


@dataclass(frozen=True)
class Clue:
    """What to look for in the Markdown to find where a problem seen in the email was written: words as the
    reader sees them, a heading's words, an address (as written, or made absolute by the site's links), the
    words a table cell starts with (`<td>words` or `| words`), or a link's words where they are its text (so that
    'here' in the prose, or in 'click here', does not stand in for a link that says only 'here')."""

    text: str
    kind: ClueKind = "words"


class SourceLines:
    """A Markdown body and the line of its file on which it starts."""

    def __init__(self, body: str, first_line: int) -> None:
        self._lines: list[tuple[int, str]] = []  # (file line, text) outside fenced code
        fence: str | None = None
        for offset, line in enumerate(body.splitlines()):
            marker = FENCE.match(line)
            if marker:
                fence = None if fence == marker.group(1) else (fence or marker.group(1))
                continue
            if fence is None:
                self._lines.append((first_line + offset, line))

    def line_of(self, clue: Clue, occurrence: int = 1) -> int | None:
        """The file line of the `occurrence`th place the clue appears, or None."""
        if clue.kind == "heading":
            return self._heading_line(clue.text, occurrence)
        if clue.kind == "address":
            # Only where an address is written (a link's or image's target, an href or src, an autolink), so
            # that a page's name in the prose does not stand in for the link to it.
            return next((line for needle in _address_needles(clue.text)
                         if (line := self._line_matching(_TARGET + re.escape(needle), occurrence)) is not None),
                        None)
        if clue.kind == "link":
            return self._line_matching(_LINK_OPEN + r"\s+".join(map(re.escape, clue.text.split())) + _LINK_CLOSE,
                                       occurrence) if clue.text.strip() else None
        if clue.kind == "cell":
            return self._line_matching(r"(?:<t[dh]\b[^>]*>|\|)\s*" + _whole(clue.text), occurrence) \
                if clue.text.strip() else None
        return self.text_line(clue.text, occurrence)

    def text_line(self, needle: str, occurrence: int = 1) -> int | None:
        """The file line of the `occurrence`th place `needle` is written as words (the last one, if fewer), or
        None: `a` is not found inside `Dear`."""
        return self._line_matching(_whole(needle), occurrence) if needle.strip() else None

    def _line_matching(self, pattern: str, occurrence: int) -> int | None:
        seen, last = 0, None
        for number, line in self._lines:
            count = len(re.findall(pattern, line))
            if count:
                seen, last = seen + count, number
                if seen >= occurrence:
                    return number
        return last

    def _heading_line(self, words: str, occurrence: int) -> int | None:
        wanted = " ".join(words.split())
        seen, last = 0, None
        for index, (number, line) in enumerate(self._lines):
            following = self._lines[index + 1][1] if index + 1 < len(self._lines) else ""
            if not (_HEADING.match(line) or (line.strip() and _SETEXT_UNDERLINE.match(following))):
                continue
            if wanted and wanted in " ".join(_MARKUP.sub("", line.lstrip(" #")).split()):
                seen, last = seen + 1, number
                if seen >= occurrence:
                    return number
        return last if last is not None else self.text_line(wanted, occurrence)


def _whole(needle: str) -> str:
    """A pattern for `needle` not run into the words around it."""
    start = r"(?<!\w)" if re.match(r"\w", needle) else ""
    end = r"(?!\w)" if re.search(r"\w$", needle) else ""
    return start + re.escape(needle) + end


def _address_needles(address: str) -> list[str]:
    """How an address may be written in the Markdown: as it is, or (made absolute since) by its file name and
    its #fragment, as the link check looks for a broken link (`/assets/photo.png` for
    `https://example.org/assets/photo.png`, `lockdown` for `https://example.org/guidance/lockdown/`)."""
    parts = urlsplit(address)
    name = unquote(posixpath.basename(parts.path.rstrip("/")))
    stem = name[: -len(".md")] if name.endswith(".md") else name
    return [n for n in (address, unquote(address), f"#{parts.fragment}" if parts.fragment else "", stem)
            if n and n not in (".", "..")]
