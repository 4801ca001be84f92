"""The email rules, checked on the finished HTML of every newsletter at build time.

Each rule looks at what readers' mail programs will get: size (Gmail clips), language, preheader, images,
links, tables, active content, dark mode, text size, headings, link text, the browser link, the footer and
the mobile layout. A broken rule is a `Violation` naming the rule; the caller turns it into a problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..content.lint import LINK_TEXT_EXPECTED, says_nowhere
from ..foundation import emergency
from ..foundation.htmltree import Node, parse_html
from .lines import Clue

SIZE_LIMIT = 102_000  # Gmail clips a message's HTML from about 102 KB
SIZE_WARNING = 90_000
PREHEADER_RANGE = (40, 110)
MINIMUM_FONT_PX = 16
DIRECTION = "ltr"  # the languages protectpress serves are written left to right
MOBILE_BREAKPOINT_PX = 480
BROWSER_LINK_TEXT = "view in your browser"
FOOTER_CLASS = "pp-footer"
FORBIDDEN_ELEMENTS = ("script", "form", "iframe", "object", "embed", "frame", "applet")
_FONT_PX = re.compile(r"^([\d.]+)px$")
_MEDIA_MIN_WIDTH = re.compile(r"@media[^{]*min-width\s*:\s*(\d+)px[^{]*\{\s*\.mj-column")


@dataclass(frozen=True)
class EmailExpectations:
    """What the rules compare the email with."""

    subject: str
    preheader: str
    web_url: str
    privacy_url: str
    organisation: str
    why_received: str
    unsubscribe_placeholder: str
    site_url: str
    language: str  # Settings.language: what <html> and the content wrapper must declare
    dev_server_url: str | None = None
    manage_placeholder: str = ""  # "Manage your email", when the subscriptions service runs


@dataclass(frozen=True)
class Violation:
    rule: str
    expected: str
    found: str | None = None
    warning: bool = False
    # Where the cause may be written in the newsletter's file, so the problem names its line: what to look for
    # in the Markdown, or the front-matter key. Neither for a rule that judges the whole email or the template.
    clue: Clue | None = None
    front_matter_key: str | None = None


def check_email(html: str, expect: EmailExpectations) -> list[Violation]:
    root = parse_html(html)
    found: list[Violation] = []
    for rule in RULES:
        found.extend(rule(html, root, expect))
    return found


def preheader_length(preheader: str) -> list[Violation]:
    low, high = PREHEADER_RANGE
    if not low <= len(preheader) <= high:
        return [Violation("preheader", f"expected a preheader of {low} to {high} characters, so the inbox preview "
                          "is neither padded with body text nor cut short", f"{len(preheader)} characters", True,
                          front_matter_key="preheader")]
    return []


def _size(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    size = len(html.encode("utf-8"))
    if size >= SIZE_LIMIT:
        return [Violation("size", f"expected an email under {SIZE_LIMIT:,} bytes (Gmail clips larger ones): "
                          "feature fewer pages in full", f"{size:,} bytes")]
    if size > SIZE_WARNING:
        return [Violation("size", f"expected an email under {SIZE_WARNING:,} bytes to stay clear of Gmail's "
                          f"{SIZE_LIMIT:,}-byte clipping", f"{size:,} bytes", True)]
    return []


def _language(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    title = root.find("title")
    if title is None or title.words() != " ".join(expect.subject.split()):
        found.append(Violation("title", "expected a <title> that is the subject",
                               repr(title.words()) if title is not None else "no <title>"))
    wrapper = next((n for n in root.iter("div") if n.attrs.get("role") == "article"), None)
    for name, node in (("<html>", root.find("html")), ("the content wrapper", wrapper)):
        if node is None:
            found.append(Violation("language", f"expected {name} with lang and dir", "none"))
        elif node.attrs.get("lang") != expect.language or node.attrs.get("dir") != DIRECTION:
            found.append(Violation("language", f'expected lang="{expect.language}" dir="{DIRECTION}" on {name}',
                                   f'lang="{node.attrs.get("lang", "")}" dir="{node.attrs.get("dir", "")}"'))
    return found


def _hidden(node: Node) -> bool:
    return any(n.style.get("display") == "none" for n in (node, *node.ancestors()))


def _preheader(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    wanted = " ".join(expect.preheader.split())
    for node in root.iter("div"):
        if node.style.get("display") == "none" and node.words().startswith(wanted):
            return preheader_length(expect.preheader)
    return [Violation("preheader", "expected the preheader in a hidden element at the top of the body", "none")]


def _images(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    for image in root.iter("img"):
        src = image.attrs.get("src", "")
        clue = Clue(src, "address")
        if "alt" not in image.attrs:
            found.append(Violation("images", "expected alt text on every image", f"no alt on {src!r}", clue=clue))
        elif not image.attrs["alt"].strip() and any(a.tag == "a" for a in image.ancestors()):
            found.append(Violation("images", "expected alt text on a linked image saying where it goes",
                                   f"empty alt on {src!r}", clue=clue))
        if src and not _own_origin(src, expect):
            found.append(Violation("third-party", "expected images from the site itself (readers' mail programs "
                                   "would tell another host they opened the email)", repr(src), clue=clue))
    return found


def _own_origin(url: str, expect: EmailExpectations) -> bool:
    origins = [expect.site_url] + ([expect.dev_server_url] if expect.dev_server_url else [])
    return any(urlsplit(url).netloc == urlsplit(origin).netloc for origin in origins)


def _urls(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    for node in root.iter():
        for name in ("href", "src", "background"):
            url = node.attrs.get(name)
            if url is None or node.tag in ("html",):
                continue
            allowed = url.startswith(("https://", "mailto:", "tel:")) or url == expect.unsubscribe_placeholder or (
                bool(expect.manage_placeholder) and url == expect.manage_placeholder) or (
                expect.dev_server_url and url.startswith(expect.dev_server_url))
            if not allowed:
                found.append(Violation("links", "expected absolute https:, mailto: or tel: addresses, made by the "
                                       "site's link function", f"{name}={url!r} on <{node.tag}>",
                                       clue=Clue(url, "address")))
    return found


def _tables(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    for table in root.iter("table"):
        if table.attrs.get("role") != "presentation" and table.find("th") is None:
            first_cell = next(filter(None, (cell.words() for cell in table.iter("td"))), "")
            found.append(Violation("tables", 'expected role="presentation" on a layout table, or header cells '
                                   "(<th>) on a data table", repr(table.words()[:60]),
                                   clue=Clue(first_cell, "cell") if first_cell else None))
    return found


def _active_content(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = [Violation("active-content", f"expected no <{tag}> in an email", f"a <{tag}>")
             for tag in FORBIDDEN_ELEMENTS for _ in root.iter(tag)]
    for link in root.iter("link"):
        found.append(Violation("active-content", "expected no external stylesheet or font",
                               repr(link.attrs.get("href", ""))))
    for style in root.iter("style"):
        css = style.text().lower()
        if "@import" in css or "@font-face" in css:
            found.append(Violation("web-fonts", "expected no @import or @font-face (no web fonts)",
                                   "a web-font import in a <style>"))
    return found


def _dark_mode(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    meta = [m for m in root.iter("meta") if m.attrs.get("name") == "color-scheme"]
    if not meta or "dark" not in meta[0].attrs.get("content", ""):
        found.append(Violation("dark-mode", 'expected <meta name="color-scheme" content="light dark">', "none"))
    if not any("prefers-color-scheme: dark" in " ".join(s.text().split()).replace("(", "").replace(")", "")
               for s in root.iter("style")):
        found.append(Violation("dark-mode", "expected @media (prefers-color-scheme: dark) rules in a <style>",
                               "none"))
    return found


def _font_px(node: Node) -> float | None:
    for element in (node, *node.ancestors()):
        size = _FONT_PX.match(element.style.get("font-size", ""))
        if size:
            return float(size.group(1))
    return None


def _text_size(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    body = root.find("body") or root
    for node in body.iter():
        if node.tag in ("style", "title") or not node.own_text().strip() or _hidden(node):
            continue
        size = _font_px(node)
        if size is not None and size < MINIMUM_FONT_PX:
            return [Violation("text-size", f"expected body text of at least {MINIMUM_FONT_PX}px",
                              f"{size:g}px on {node.words()[:40]!r}", clue=Clue(" ".join(node.own_text().split())))]
    return []


def _headings(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    levels = [(int(n.tag[1]), n.words()) for n in root.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    ones = [text for level, text in levels if level == 1]
    if len(ones) != 1:
        # The template's h1 is the subject: the one to look for in the letter is another.
        extra = next((t for t in ones if t != " ".join(expect.subject.split())), ones[1] if len(ones) > 1 else None)
        found.append(Violation("headings", "expected exactly one h1 (the subject)",
                               f"{len(ones)}: " + ", ".join(repr(t) for t in ones) if ones else "none",
                               clue=Clue(extra, "heading") if extra else None))
    previous = 0
    for level, text in levels:
        if level > previous + 1:
            found.append(Violation("headings", f"expected no skipped heading level (h{level} follows "
                                   f"{f'h{previous}' if previous else 'the start'})", repr(text),
                                   clue=Clue(text, "heading")))
        previous = level
    return found


def _link_text(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    for link in root.iter("a"):
        if says_nowhere(link.words()):
            found.append(Violation("link-text", LINK_TEXT_EXPECTED, repr(link.words()),
                                   clue=Clue(link.words(), "link")))
    return found


def _browser_link(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    for link in root.iter("a"):
        if BROWSER_LINK_TEXT in link.words().lower() and link.attrs.get("href") == expect.web_url:
            return []
    return [Violation("browser-link", f"expected a 'View in your browser' link to {expect.web_url}", "none")]


def _footer(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    footer = next((n for n in root.iter() if FOOTER_CLASS in n.classes), None)
    if footer is None:
        return [Violation("footer", f'expected a footer (class="{FOOTER_CLASS}")', "none")]
    text = footer.words()
    hrefs = {a.attrs.get("href") for a in footer.iter("a")}
    needed = {
        "who sent it": expect.organisation in text,
        "why the reader gets it": " ".join(expect.why_received.split()) in text,
        f"the emergency line ({emergency.EMERGENCY_NUMBER}; {emergency.HOTLINE_NAME} {emergency.HOTLINE_NUMBER})":
            emergency.EMERGENCY_NUMBER in text and emergency.HOTLINE_NUMBER in text,
        "a link to the privacy notice": expect.privacy_url in hrefs,
        "an unsubscribe link": expect.unsubscribe_placeholder in hrefs,
    }
    return [Violation("footer", f"expected the footer to include {what}", "none") for what, ok in needed.items()
            if not ok]


def _mobile(html: str, root: Node, expect: EmailExpectations) -> list[Violation]:
    found = []
    css = " ".join(s.text() for s in root.iter("style"))
    for width in _MEDIA_MIN_WIDTH.findall(css):
        if int(width) < MOBILE_BREAKPOINT_PX:
            found.append(Violation("mobile", f"expected columns side by side only from {MOBILE_BREAKPOINT_PX}px "
                                   "wide (one column on phones)", f"a breakpoint at {width}px"))
    for column in root.iter("div"):
        is_column = any(c.startswith(("mj-column-per-", "mj-column-px-")) for c in column.classes)
        if is_column and column.style.get("width") != "100%":
            found.append(Violation("mobile", "expected every column full width below the breakpoint",
                                   f"width:{column.style.get('width', 'unset')}"))
            break
    return found


RULES = (_size, _language, _preheader, _images, _urls, _tables, _active_content, _dark_mode, _text_size,
         _headings, _link_text, _browser_link, _footer, _mobile)
