"""Newsletter Markdown, parsed once into a document tree that both the email HTML and the plain text come from.

Python-Markdown builds an ElementTree before it writes HTML. A last tree processor makes every link and image
absolute through `SiteLinks.absolute` (relative to the source the Markdown came from: the letter, or an
embedded page), notes images without alt text and links to `.md` pages, and keeps a copy of the tree for the
plain-text renderer, so the text part is rendered from the same parse, never scraped from the HTML.
"""

from __future__ import annotations

import copy
import html as html_lib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from ..foundation.links import SiteLinks
from ..judge.sanitise import ActiveContent, find_active_content, sanitise_html

# The email's own extensions, chosen for what mail programs show: no permalink anchors (toc), nothing that needs
# scripts (details). A letter is rendered with these, not the site's, so its nesting check uses them too.
EMAIL_EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "sane_lists",
                    "pymdownx.superfences"]
FENCE = re.compile(r"^\s*(```|~~~)")  # a fenced code block opens or closes (lines.py too)
_ATX = re.compile(r"^(#{1,6})(\s|$)")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
# Inline links and images `](target "title")` and reference definitions `[id]: target`.
_INLINE_TARGET = re.compile(r"(\]\()(<[^>]*>|[^)\s]+)")
_REFERENCE_TARGET = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)(\S+)", re.MULTILINE)
_HIDDEN_ENTITY = re.compile(re.escape(AMP_SUBSTITUTE) + r"(#\d+;|#x[0-9a-fA-F]+;|\w+;)")


def plain(text: str) -> str:
    """Text as written: Python-Markdown hides the entities it uses to obfuscate `<a@b.org>` autolinks."""
    return _HIDDEN_ENTITY.sub(lambda m: html_lib.unescape("&" + m.group(1)), text)


@dataclass
class ParsedMarkdown:
    """One Markdown source, rendered for email."""

    html: str  # sanitised
    tree: etree.Element  # the parsed document, links absolute, for the text renderer
    raw_html: dict[str, str]  # Python-Markdown's placeholders for raw HTML blocks -> their sanitised HTML
    removed: list[str] = field(default_factory=list)  # active content the sanitiser took out
    active: list[ActiveContent] = field(default_factory=list)  # the same, with clues to find each one's line
    images_without_alt: list[str] = field(default_factory=list)  # image sources, as written
    page_links: list[PageLink] = field(default_factory=list)  # links to .md pages


@dataclass(frozen=True)
class PageLink:
    """A link to a page of the site: the page's docs-relative source, and the target as the author wrote it
    (which finds the link's line in the file)."""

    source: str
    written: str


class _EmailLinks(Treeprocessor):
    """Absolute links and images, and a record of what the rules need to know about them."""

    def __init__(self, md: markdown.Markdown, links: SiteLinks, from_src: str, parsed: dict) -> None:
        super().__init__(md)
        self.links, self.from_src, self.parsed = links, from_src, parsed

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            href = element.get("href")
            if element.tag == "a" and href is not None:
                target = plain(href)
                source = self.links.source_of_link(target, from_src=self.from_src)
                if source is not None:
                    self.parsed["page_links"].append(PageLink(source, target))
                element.set("href", self.links.absolute(target, from_src=self.from_src))
            elif element.tag == "img":
                src = element.get("src") or ""
                if not (element.get("alt") or "").strip():
                    self.parsed["images_without_alt"].append(src)
                element.set("src", self.links.absolute(src, from_src=self.from_src))
        self.parsed["tree"] = copy.deepcopy(root)


def parse_markdown(text: str, *, links: SiteLinks, from_src: str) -> ParsedMarkdown:
    """Render Markdown written at `from_src` (docs-relative) for an email: absolute links, sanitised HTML."""
    md = markdown.Markdown(extensions=EMAIL_EXTENSIONS, output_format="html")
    parsed: dict = {"page_links": [], "images_without_alt": [], "tree": etree.Element("div")}
    # Lowest priority: after inline parsing and unescaping, so every link exists in its final form.
    md.treeprocessors.register(_EmailLinks(md, links, from_src, parsed), "protectpress-email-links", -100)
    html = md.convert(text)
    clean = sanitise_html(html)
    removed = list(clean.removed)
    active = find_active_content(html)
    raw_html = {}
    for index, block in enumerate(md.htmlStash.rawHtmlBlocks):
        placeholder = md.htmlStash.get_placeholder(index)
        raw_html[placeholder] = sanitise_html(str(block)).html
    return ParsedMarkdown(html=clean.html, tree=parsed["tree"], raw_html=raw_html, removed=removed,
                          active=active,
                          images_without_alt=parsed["images_without_alt"], page_links=parsed["page_links"])


def demote_headings(text: str, levels: int = 1) -> str:
    """Move every heading down `levels` (## -> ###), for a page embedded under its own title.

    Works on the Markdown so that the email, the text part and the web version all embed the same thing.
    Headings inside fenced code stay as they are; setext headings become ATX headings.
    """
    lines = text.splitlines()
    fence: str | None = None
    previous_is_text = False
    for index, line in enumerate(lines):
        marker = FENCE.match(line)
        if marker:
            fence = None if fence == marker.group(1) else (fence or marker.group(1))
            previous_is_text = False
            continue
        if fence:
            continue
        atx = _ATX.match(line)
        if atx:
            depth = min(len(atx.group(1)) + levels, 6)
            lines[index] = "#" * depth + line[len(atx.group(1)):]
        elif _SETEXT.match(line) and previous_is_text and index > 0:
            depth = min((1 if line.strip().startswith("=") else 2) + levels, 6)
            lines[index - 1] = "#" * depth + " " + lines[index - 1].strip()
            lines[index] = ""
        previous_is_text = bool(line.strip()) and not line.lstrip().startswith(("-", "*", "+", ">", "|"))
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def rebase_links(text: str, *, links: SiteLinks, from_src: str) -> str:
    """Rewrite relative `.md` links as docs-root links (`/guidance/pals.md`), so that Markdown written at
    `from_src` still points at the same pages when MkDocs renders it at another path (the web version)."""

    def rebase(target: str) -> str:
        bare = target[1:-1] if target.startswith("<") else target
        source = links.source_of_link(bare, from_src=from_src)
        if source is None or bare.startswith("/"):
            return target
        fragment = bare[bare.index("#"):] if "#" in bare else ""
        return "/" + source + fragment

    text = _INLINE_TARGET.sub(lambda m: m.group(1) + rebase(m.group(2)), text)
    return _REFERENCE_TARGET.sub(lambda m: m.group(1) + rebase(m.group(2)), text)
