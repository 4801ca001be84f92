"""The plain-text part: the parsed Markdown tree written as text, as GOV.UK Notify does it.

Headings are underlined, lists keep their bullets and numbers, tables become aligned columns (or one
"Header: value" line per cell when they would not fit). A link reads `text [1]` with `[1] URL` listed right
after its paragraph, list or table, so that sentences stay readable; a link whose text is its address stays
inline. Lines are at most 78 characters; only a URL too long to fit stands alone on a longer line.
"""

from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as etree

from ..foundation.htmltree import parse_html
from ..judge.sanitise import is_safe_url
from .markdown import ParsedMarkdown, plain

WIDTH = 78
UNDERLINES = {1: "=", 2: "-"}  # h3 and below: "~"
_PLACEHOLDER = re.compile("\x02wzxhzdk:\\d+\x03")
_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 ul ol table blockquote pre hr div dl details figure".split())


class References:
    """Numbered link references, shared by every part of one text so each address keeps one number."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.pending: list[int] = []

    def cite(self, url: str) -> int:
        number = self.numbers.setdefault(url, len(self.numbers) + 1)
        if number not in self.pending:
            self.pending.append(number)
        return number

    def flush(self, width: int = WIDTH) -> list[str]:
        """The `[n] URL` lines for the links cited since the last flush."""
        urls = {n: u for u, n in self.numbers.items()}
        lines = []
        for number in self.pending:
            line = f"[{number}] {urls[number]}"
            lines.extend([line] if len(line) <= width else [f"[{number}]", urls[number]])
        self.pending = []
        return lines


def markdown_text(parsed: ParsedMarkdown, references: References | None = None, width: int = WIDTH) -> str:
    """The whole parsed document as plain text."""
    renderer = _Renderer(parsed.raw_html, references or References())
    return "\n".join(renderer.children(parsed.tree, width, top=True)).strip("\n")


def heading(text: str, level: int = 1, width: int = WIDTH) -> str:
    lines = _wrap(text, width)
    return "\n".join([*lines, UNDERLINES.get(level, "~") * max(len(line) for line in lines)])


def paragraph(text: str, width: int = WIDTH, indent: str = "") -> str:
    return "\n".join(_wrap(text, width, indent, indent))


def link_line(label: str, url: str, width: int = WIDTH) -> str:
    """`label: URL`, with the URL on its own line when both do not fit on one."""
    line = f"{label}: {url}"
    return line if len(line) <= width else "\n".join([*_wrap(f"{label}:", width), url])


def action_link(words: str, url: str, width: int = WIDTH) -> str:
    """A call to action, then its address on the next line. Its words already carry a colon ("Read the news:
    Winter events"), so `link_line`'s "words: URL" would read "Read the news: Winter events: https://...";
    on a line of its own the address is also what a plain-text mail client makes a link of."""
    return "\n".join([*_wrap(words, width), url])


def join_sections(*sections: str) -> str:
    return "\n\n".join(s.strip("\n") for s in sections if s and s.strip()) + "\n"


MIN_MEASURE = 20  # characters of text a wrapped line keeps, however deep the nesting


def _wrap(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """Wrap each hard line (from <br>) separately; never break a word, so a URL stays whole."""
    # Each list level or quote narrows the width; deep nesting would leave none (textwrap needs 1 or more), so
    # past a point the text keeps a readable measure and the line runs long rather than one word a line.
    width = max(width, len(initial) + MIN_MEASURE, len(subsequent) + MIN_MEASURE)
    wrapper = textwrap.TextWrapper(width=width, break_long_words=False, break_on_hyphens=False,
                                   initial_indent=initial, subsequent_indent=subsequent)
    lines: list[str] = []
    for number, hard_line in enumerate(text.split("\n")):
        if number:
            wrapper.initial_indent = subsequent
        lines.extend(wrapper.wrap(" ".join(hard_line.split())) or [initial.rstrip()])
    return lines


class _Renderer:
    def __init__(self, raw_html: dict[str, str], references: References) -> None:
        self.raw_html = raw_html
        self.references = references

    # Blocks -------------------------------------------------------------------------------------------------

    def children(self, element: etree.Element, width: int, top: bool = False) -> list[str]:
        """The element's content as blocks separated by blank lines; loose inline text becomes a paragraph.
        At the top level, each block is followed by the references its links cite."""
        blocks: list[list[str]] = []
        pending = self._raw(element.text or "")
        for child in element:
            if child.tag in _BLOCKS or child.tag in ("li", "dt", "dd", "summary"):
                if pending.strip():
                    blocks.append(_wrap(pending.strip(), width))
                pending = ""
                block = self.block(child, width)
                if block:
                    blocks.append(block)
                if top and self.references.pending:
                    blocks.append(self.references.flush(width))
                pending = self._raw(child.tail or "")
            else:
                pending += self.inline(child) + self._raw(child.tail or "")
        if pending.strip():
            blocks.append(_wrap(pending.strip(), width))
        if top and self.references.pending:
            blocks.append(self.references.flush(width))
        lines: list[str] = []
        for block in blocks:
            if lines:
                lines.append("")
            lines.extend(block)
        return lines

    def block(self, element: etree.Element, width: int) -> list[str]:
        tag = element.tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return heading(self.inline_content(element).strip(), int(tag[1]), width).split("\n")
        if tag == "p":
            if "admonition-title" in (element.get("class") or ""):
                return _wrap(self.inline_content(element).strip() + ":", width)
            text = self.inline_content(element).strip()
            return _wrap(text, width) if text else []
        if tag in ("ul", "ol"):
            return self.list_block(element, width)
        if tag == "table":
            return self.table(element, width)
        if tag == "blockquote":
            return ["> " + line if line else ">" for line in self.children(element, width - 2)]
        if tag == "pre":
            return ["    " + line for line in "".join(element.itertext()).rstrip("\n").split("\n")]
        if tag == "hr":
            return ["-" * 20]
        if tag == "dl":
            return self.children(element, width)
        if tag == "dd":
            return ["    " + line if line else "" for line in self.children(element, width - 4)]
        if tag in ("dt", "summary"):
            return _wrap(self.inline_content(element).strip(), width)
        return self.children(element, width)  # div (admonitions), details, figure, li

    def list_block(self, element: etree.Element, width: int) -> list[str]:
        ordered = element.tag == "ol"
        start = int(element.get("start") or 1) if ordered else 1
        items = [child for child in element if child.tag == "li"]
        marker_width = len(f"{start + len(items) - 1}. ") if ordered else 2
        lines: list[str] = []
        for number, item in enumerate(items, start=start):
            marker = f"{number}. ".ljust(marker_width) if ordered else "- "
            body = self.children(item, width - marker_width) or [""]
            lines.append(marker + body[0])
            lines.extend(" " * marker_width + line if line else "" for line in body[1:])
        return lines

    def table(self, element: etree.Element, width: int) -> list[str]:
        rows = [[" ".join(self.inline_content(cell).split()) for cell in row if cell.tag in ("th", "td")]
                for row in element.iter("tr")]
        rows = [row for row in rows if row]
        if not rows:
            return []
        header = [cell.tag == "th" for cell in next(element.iter("tr"))]
        has_header = bool(header) and all(header)
        columns = max(len(row) for row in rows)
        rows = [row + [""] * (columns - len(row)) for row in rows]
        widths = [max(len(row[i]) for row in rows) for i in range(columns)]
        if sum(widths) + 2 * (columns - 1) <= width:
            lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
            if has_header:
                lines.insert(1, "  ".join("-" * w for w in widths))
            return lines
        # Too wide for aligned columns: one record per row, each cell labelled with its column's header.
        names, body = (rows[0], rows[1:]) if has_header else ([""] * columns, rows)
        lines = []
        for row in body:
            if lines:
                lines.append("")
            for name, cell in zip(names, row, strict=False):
                lines.extend(_wrap(f"{name}: {cell}" if name else cell, width, "", "  "))
        return lines

    # Inline -------------------------------------------------------------------------------------------------

    def inline_content(self, element: etree.Element) -> str:
        text = self._raw(element.text or "")
        for child in element:
            text += self.inline(child) + self._raw(child.tail or "")
        return text

    def inline(self, element: etree.Element) -> str:
        tag = element.tag
        if tag == "br":
            return "\n"
        if tag == "img":
            alt = (element.get("alt") or "").strip()
            return f"[{alt}]" if alt else ""
        content = self.inline_content(element)
        if tag == "a":
            return self.link(" ".join(content.split()), element.get("href") or "")
        if tag in ("ul", "ol", "table", "p", "pre", "blockquote"):  # a block inside inline markup (md_in_html)
            return "\n" + "\n".join(self.block(element, WIDTH)) + "\n"
        return content

    def link(self, text: str, href: str) -> str:
        # The text part is built from the Markdown, not from the sanitised HTML: it must leave out the same
        # addresses (javascript:, data:, file:) as the sanitiser does.
        if not href or href.startswith("tel:") or not is_safe_url(href):  # a phone number reads as itself
            return text
        address = href[len("mailto:"):] if href.startswith("mailto:") else href
        if not text or text in (address, href):
            return address
        return f"{text} [{self.references.cite(href)}]"

    def _raw(self, text: str) -> str:
        """Text with Python-Markdown's raw-HTML placeholders replaced by that (sanitised) HTML's text."""
        return plain(_PLACEHOLDER.sub(lambda m: parse_html(self.raw_html.get(m.group(0), "")).text(), text))
