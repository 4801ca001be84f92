"""The one content policy: nothing an author writes may run script for a reader, on any channel.

Active content (scripts, frames, forms, event handlers, `javascript:` and `data:` addresses, meta refresh,
an SVG that runs script) is an error that stops the build and `protectpress check`, naming the file and the
line, for every page, every newsletter and every SVG or HTML file published from docs/. sanitise.py is the
judge; feeds and emails still pass everything through the sanitiser as a second line of defence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from ..foundation.problems import Problem, Problems
from .built_page import BuiltPage
from .sanitise import (
    ActiveContent,
    decodings,
    find_active_content,
    find_active_document_content,
    find_active_in_built_page,
)

BODY_EXPECTED = ("expected no active content (scripts, frames, forms, event handlers, javascript: or data: "
                 "addresses): the site, feeds and emails publish only text, links, images and tables")
DOCUMENT_EXPECTED = ("expected a file that runs no script when opened (no <script>, <foreignObject>, event "
                     "handlers or javascript: addresses)")
PAGE_EXPECTED = ("expected a built page with no event handler or script address (a template or plugin of the "
                 "site wrote one)")
# Files that docs/ publishes as they are and whose script a browser runs when they are opened (an XML file
# runs XHTML or SVG elements it holds): judged by content.
ACTIVE_DOCUMENT_SUFFIXES = (".svg", ".html", ".htm", ".xhtml", ".xml")
XML_DOCUMENT_SUFFIXES = (".svg", ".xhtml", ".xml")
# Files that some web server runs or unpacks into active content, whatever a check of their bytes says: server
# side includes (.shtml), gzipped SVG a browser inflates before it runs its script (.svgz), XSLT that writes a
# page (.xsl), the XHTML spellings served as application/xhtml+xml (.xht), HTML applications and web archives,
# and scripts a server executes. Refused by name.
REFUSED_SUFFIXES = (".shtml", ".shtm", ".stm", ".svgz", ".xsl", ".xslt", ".xht", ".xbl", ".hta", ".mht", ".mhtml",
                    ".swf", ".php", ".phtml", ".php3", ".php4", ".php5", ".phar", ".asp", ".aspx", ".jsp", ".cgi",
                    ".pl", ".htaccess")
REFUSED_EXPECTED = ("expected no file a web server may run, or unpack into active content (.shtml, .svgz, .xsl, "
                    ".xht, .php and the like): publish a page, an .svg or a PDF instead")


def check_body(path: str, html: str, source: str, first_line: int, problems: Problems) -> None:
    """An error for each piece of active content in a body rendered to `html` from Markdown `source`, which
    starts on line `first_line` of the file at `path`."""
    report_body(path, find_active_content(html), source, first_line, problems)


def report_body(path: str, found: list[ActiveContent], source: str, first_line: int, problems: Problems) -> None:
    """`check_body` for a body whose active content was already found (the newsletter renders it once)."""
    _report(path, found, source, first_line, problems, BODY_EXPECTED)


def check_built_page(path: str | Callable[[], str], html: str, problems: Problems, *, body: str = "",
                     page: BuiltPage | None = None) -> None:
    """An error for each event handler or script address in a whole built page (what the reader's browser gets),
    named by the page's source, but for its `body`: the bodies were judged already, with their lines, so this
    finds what the theme wrote. `path` may be a function that names the source, called only if there is
    something to report. `page`: `html` and `body` read already (built_page.py)."""
    for item in find_active_in_built_page(html, body=body, page=page):
        problems.error(path() if callable(path) else path, PAGE_EXPECTED, item.description)


def check_document(path: str, data: str | bytes, problems: Problems) -> None:
    """An error for each piece of active content in a file published as it is (an SVG under docs/assets/), or
    one for the file itself when its kind is refused by name. `data` is the file's bytes (decoded as a browser
    decodes them), or text already decoded."""
    if path.lower().endswith(REFUSED_SUFFIXES):
        problems.error(path, REFUSED_EXPECTED, f"a {path.rsplit('.', 1)[-1].lower()} file")
        return
    xml = path.lower().endswith(XML_DOCUMENT_SUFFIXES) or not path.lower().endswith((".html", ".htm"))
    found = find_active_document_content(data, xml=xml)
    if found:
        _report(path, found, decodings(data, xml=xml)[0], 1, problems, DOCUMENT_EXPECTED)


def _report(path: str, found: list[ActiveContent], source: str, first_line: int, problems: Problems,
            expected: str) -> None:
    if not found:
        return  # nearly every body: and the list below sorts every problem of the run so far
    seen: Counter[str] = Counter()
    already = set(problems.errors)  # a page featured in a newsletter is judged twice by `check`; say it once
    for item in found:
        seen[item.clue] += 1
        line = item.line or _line_of(source, item.clue, seen[item.clue])
        problem = Problem(path=path, expected=expected, found=item.description,
                          line=first_line + line - 1 if line else None, key="body" if line is None else None)
        if problem not in already:
            problems.error(problem.path, problem.expected, problem.found, line=problem.line, key=problem.key)


def _line_of(source: str, clue: str, occurrence: int) -> int | None:
    """The line (1-based) of the `occurrence`th place `clue` appears in `source`, or None when it cannot be
    found as written (an address spelled with entities, say): the message then names the body, not a line."""
    pattern = re.escape(clue) + (r"\s*=" if clue[:1] not in "<" and not clue.endswith(":") else "")
    boundary = r"(?<![\w-])" if clue[:1] != "<" else ""
    matches = list(re.finditer(boundary + pattern, source, flags=re.IGNORECASE))
    if not matches:
        return None
    match = matches[min(occurrence, len(matches)) - 1]
    return source.count("\n", 0, match.start()) + 1
