"""Material's stylesheet without the parts these pages never use.

Material's main stylesheet (137 KB) styles documentation features a public-service site does not have:
content tabs, code highlighting and copy buttons, annotations, tooltips, the version selector, blog posts,
the cookie-consent dialog, the palette toggle's options, its own search results' extras, the contents rail and
icons for eleven kinds of admonition (protectpress draws callouts its own way). Navigation tabs and the
footer's previous and next links stay: a project may turn them on in mkdocs.yml. It is the page's one
render-blocking file, so every first visit pays for all of it. `lean_material_css` keeps every rule that could
still apply and drops only those whose every selector names one of the unused components below; the header,
drawer, navigation, search box, typeset and footer rules are kept as Material wrote them.

A whole rule is kept whenever any one of its selectors may still apply, so a missed name only costs bytes,
never a style. The theme uses this copy unless mkdocs.yml asks for the palette toggle.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

# Where Material 9.8.2 keeps its main stylesheet (base.html names it; tests check it exists).
MATERIAL_CSS = "assets/stylesheets/main.57a0d79d.min.css"
LEAN_CSS = "assets/stylesheets/main.57a0d79d.lean.css"

# Class names (or name starts) of components no protectpress page renders.
_UNUSED = (
    "tabbed", "md-tooltip", "highlight", "linenos", "md-typeset .keys", "md-source", "md-annotation",
    "md-version", "md-typeset .grid", "md-select", "md-code", "md-tag", "md-clipboard", "task-list",
    "md-feedback", "md-post", "footnote", "md-consent", "md-top", "md-author", "md-pagination", "md-status",
    "critic", "md-dialog", "md-banner", "md-blog", "md-profile", "md-social", "arithmatex", "mermaid",
    "emojione", "twemoji", "gemoji", "md-progress", "md-header__option", "md-option", "md-button",
    "md-nav--secondary",
    "md-sidebar--secondary", "md-nav--integrated", "md-search__suggest", "md-search__share",
    "md-search-result__more", "md-search-result__teaser", "md-search-result__terms", ".no-js",
    "md-typeset .headerlink", "md-draft", "md-typeset__", "admonition-title:before", "admonition-title:after",
    "summary:before", "summary:after", "[for=__toc]",
)
_ADMONITION_KINDS = re.compile(
    r"\.(?:note|abstract|summary|tldr|info|todo|tip|hint|important|success|check|done|question|help|faq|"
    r"warning|caution|attention|failure|fail|missing|danger|error|bug|example|quote|cite)\b")
# Custom properties (icons as data: URLs, mostly) that only the dropped rules read.
_UNUSED_PROPERTIES = re.compile(
    r"^--md-(?:admonition-icon|details-icon|footnotes-icon|tasklist-icon|clipboard-icon|status|tag-icon|"
    r"version-icon|code-hl|annotation|tooltip|source)")


def asks_for_toggle(palette: Any) -> bool:
    """Whether mkdocs.yml's `theme.palette` gives any scheme a `toggle:` (Material's light/dark switch)."""
    entries = palette if isinstance(palette, list) else [palette]
    return any(isinstance(entry, Mapping) and entry.get("toggle") for entry in entries)


@functools.lru_cache(maxsize=2)  # made once a process: the preview rebuilds from the same stylesheet
def lean_material_css(css: str) -> str:
    """`css` (Material's minified main stylesheet) without the rules only unused components match."""
    return "".join(_kept(css))


def _kept(css: str) -> list[str]:
    out: list[str] = []
    for prelude, body in _blocks(css):
        if prelude is None:  # a statement without a block (@charset, @import): kept as it is
            out.append(body)
        elif prelude.startswith("@"):
            if prelude.startswith(("@media", "@supports", "@container", "@layer")):
                inner = "".join(_kept(body))
                if inner:
                    out.append(f"{prelude}{{{inner}}}")
            else:  # @keyframes, @font-face, @page: kept whole
                out.append(f"{prelude}{{{body}}}")
        else:
            selectors = [s for s in _split_selectors(prelude) if not _unused(s)]
            declarations = _declarations(body)
            if selectors and declarations:
                out.append(",".join(selectors) + "{" + declarations + "}")
    return out


def _unused(selector: str) -> bool:
    return any(name in selector for name in _UNUSED) or bool(
        ("admonition" in selector or "details" in selector or "summary" in selector)
        and _ADMONITION_KINDS.search(selector))


def _declarations(body: str) -> str:
    """The block's declarations without the custom properties only dropped rules read."""
    if "--md-" not in body:
        return body
    parts = _split_top(body, ";")
    return ";".join(p for p in parts if not _UNUSED_PROPERTIES.match(p.strip()))


# Where a scan must look: the only characters that open a string or comment, or open, close or end a block. The
# scans jump from one to the next instead of stepping through every character of Material's 137 KB in Python
# (most of this module's time, issue 29); what they find is the same.
_BLOCK_MARKS = re.compile(r"[\"'{};]|/\*")
_STRING_MARKS = {"'": re.compile(r"['\\]"), '"': re.compile(r'["\\]')}
_SPLIT_MARKS: dict[str, re.Pattern[str]] = {}


def _blocks(css: str) -> list[tuple[str | None, str]]:
    """Top-level (prelude, body) pairs of a stylesheet; quotes, comments and nested braces respected."""
    blocks: list[tuple[str | None, str]] = []
    start, depth, length = 0, 0, len(css)
    prelude_end = 0
    search = _BLOCK_MARKS.search
    mark = search(css)
    while mark is not None:
        index = mark.start()
        char = css[index]
        if char in "\"'":
            index = _string_end(css, index)
        elif char == "/":  # a comment
            end = css.find("*/", index + 2)
            index = length if end < 0 else end + 2
        else:
            if char == "{":
                if depth == 0:
                    prelude_end = index
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    blocks.append((css[start:prelude_end].strip(), css[prelude_end + 1:index]))
                    start = index + 1
            elif depth == 0:  # ";"
                blocks.append((None, css[start:index + 1]))
                start = index + 1
            index += 1
        mark = search(css, index)
    return blocks


def _string_end(css: str, index: int) -> int:
    """Just after the string opening at `index` (a backslash escapes the character after it)."""
    search = _STRING_MARKS[css[index]].search
    index += 1
    while (mark := search(css, index)) is not None and css[mark.start()] == "\\":
        index = mark.start() + 2
    if mark is None:  # unclosed: the string runs to the end (or one past it after a final backslash)
        return max(index, len(css)) + 1
    return mark.start() + 1


def _split_top(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside quotes and brackets."""
    marks = _SPLIT_MARKS.get(separator)
    if marks is None:
        marks = _SPLIT_MARKS[separator] = re.compile(r"[\"'()\[\]" + re.escape(separator) + "]")
    parts, depth, start, index = [], 0, 0, 0
    while (mark := marks.search(text, index)) is not None:
        index = mark.start()
        char = text[index]
        if char in "\"'":
            index = _string_end(text, index)
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:])
    return parts


def _split_selectors(prelude: str) -> list[str]:
    return [s for s in _split_top(prelude, ",") if s.strip()]
