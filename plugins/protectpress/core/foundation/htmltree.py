"""A small element tree of an HTML document, built with the standard library's parser: the one HTML tree.

protectpress reads HTML in three ways, each for a reason the others cannot serve:
- this tree (html.parser), wherever the question is about structure: the email rules (an element's ancestors,
  hidden wrappers, the text under a heading) and the plain-text part's raw HTML blocks. Email HTML is checked
  as written, so the tree keeps attributes exactly and drops comments: Outlook's conditional comments
  (`<!--[if mso]>`) are comments to every other reader, and to the rules. html.parser reads tags as browsers
  do, where a regular expression would not (the rules must not be fooled by a `>` inside a quoted attribute).
- the judge of active content (core/judge/sanitise.py) does not use html.parser: it must parse exactly as a browser
  does (comments, raw text, foreign content, <noscript>), so it walks the tree Lexbor builds by the HTML
  standard (selectolax), and reads XML files with expat as a browser opens them;
- the link check's regular-expression scanner (core/foundation/linkscan.py), for volume alone: it reads every built page
  and feed, tens of megabytes on a large site, where html.parser made the check slower than the build; it needs
  only start tags and ids. The offline worker reads what each card loads with it too (core/site/offline.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_DECLARATION = re.compile(r"\s*([\w-]+)\s*:\s*([^;]+)")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This node and every element below it, in document order. A stack, not nested generators: each of
        those passed every element up through one generator per level, and a newsletter nested 400 deep took
        seconds to check."""
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if tag is None or node.tag == tag:
                yield node
            stack.extend(child for child in reversed(node.children) if isinstance(child, Node))

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def own_text(self) -> str:
        return "".join(c for c in self.children if isinstance(c, str))

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @cached_property
    def style(self) -> dict[str, str]:
        """The inline style's declarations, read once: the rules ask each element's ancestors for theirs (is it
        hidden, what font size), and a tree's attributes do not change once it is built."""
        return {m.group(1).lower(): m.group(2).strip() for m in _DECLARATION.finditer(self.attrs.get("style") or "")}

    def find(self, tag: str) -> Node | None:
        return next(self.iter(tag), None)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
