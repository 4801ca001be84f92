"""The one allow-list HTML sanitiser and the one judge of active content, for every channel.

nh3 (ammonia) keeps only the tags, attributes and URL schemes listed here; feeds and emails pass everything
through it. Because nh3 does not say what it removed, a small scan finds the active content (scripts, frames,
forms, event handlers, `javascript:` and `data:` URLs): that scan is the judge content_policy.py applies to
every page, newsletter and SVG, so that a build stops on what the sanitiser would have to take out.
Front-matter text is plain text: `html_text` makes it safe to print anywhere in HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3
from markupsafe import Markup, escape

from .textmemo import TextMemo

ALLOWED_TAGS = frozenset(
    """a abbr b blockquote br caption cite code col colgroup dd del details div dl dt em figcaption figure
    h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary sup table tbody
    td tfoot th thead tr u ul""".split()
)
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "ol": {"start", "type", "reversed"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Elements whose whole content goes with them, not just the tags.
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})
# Active content: what runs script, loads another document into the page, sends data or sends the reader
# elsewhere. nh3 also drops harmless markup outside the allow-list (a <style>, an inline <svg> drawing, a task
# list's disabled checkbox); that is not active and is not reported, so Markdown extensions that write it
# still build. Script inside an <svg> is found by its own element, handler or address.
_ACTIVE_ELEMENTS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
                              "link", "meta", "foreignobject", "portal", "fencedframe"})
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset",
                             "data", "codebase", "cite"})
_ACTIVE_SCHEMES = ("javascript:", "data:", "vbscript:")
# Script addresses in any other attribute: SVG's <animate>/<set> write an href from `to=`, `values=`, `from=`.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
# What makes a standalone document (an SVG or HTML file under docs/) run script when it is opened: the
# <svg> element itself is harmless there, and an image in a data: URL inside an SVG cannot run script.
_ACTIVE_IN_DOCUMENTS = _ACTIVE_ELEMENTS - {"link", "meta"}  # a document's own head; meta refresh is found apart
_DOCUMENT_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:application")


def html_text(text: str) -> Markup:
    """Plain text (a title, a summary, a label) made safe to print anywhere in HTML, as text or inside a quoted
    attribute. A value already made safe comes back unchanged, so nothing is escaped twice (no `&amp;amp;`)."""
    return escape(text)


def is_safe_url(url: str) -> bool:
    """Whether a link may be shown to a reader: a relative address or one of the allowed schemes."""
    squeezed = _squeeze(url)
    scheme = squeezed.split(":", 1)[0] if ":" in squeezed.split("/", 1)[0] else ""
    return not scheme or scheme in ALLOWED_URL_SCHEMES


@dataclass(frozen=True)
class ActiveContent:
    """One piece of active content: what it is in plain words, and text to look for to find its line."""

    description: str  # "a <script> element"
    clue: str  # "<script", "onload", "javascript:"


@dataclass
class Sanitised:
    """Clean HTML and a plain description of each piece of active content that was taken out."""

    html: str
    removed: list[str] = field(default_factory=list)


# A page body is judged when the page is built, again when a feed carries it and when a newsletter features it.
_JUDGED: TextMemo[tuple[ActiveContent, ...]] = TextMemo()


def find_active_content(html: str) -> list[ActiveContent]:
    """Each piece of active content in an HTML fragment: what the sanitiser takes out as dangerous."""
    return list(_JUDGED.get(html, lambda: tuple(_find(
        _ActiveContentFinder(_ACTIVE_ELEMENTS, _ACTIVE_SCHEMES, url_attributes=_URL_ATTRIBUTES), html))))


def find_active_document_content(text: str) -> list[ActiveContent]:
    """Each piece of active content in a file published as it is (an SVG or an HTML file under docs/):
    scripts, foreignObject, frames, forms, event handlers, meta refresh and script addresses."""
    return _find(_ActiveContentFinder(_ACTIVE_IN_DOCUMENTS, _DOCUMENT_SCHEMES, url_attributes=None), text)


def _find(finder: _ActiveContentFinder, text: str) -> list[ActiveContent]:
    finder.feed(text)
    finder.close()
    return finder.found


def sanitise_html(html: str, *, lead: Sequence[str] = ()) -> Sanitised:
    """Keep only allow-listed markup of `lead` then `html`, joined. `removed` names each script, frame, handler
    or dangerous URL dropped. Each lead part is a whole fragment that closes what it opens (a feed's lines above
    a page body), judged on its own so that the body is judged as the page check judged it (and found in
    `find_active_content`'s memory); the sanitiser cleans the whole, joined text either way."""
    removed = [found.description for part in (*lead, html) for found in find_active_content(part)]
    clean = nh3.clean(
        "".join((*lead, html)),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    return Sanitised(html=clean, removed=removed)


class _ActiveContentFinder(HTMLParser):
    """A stream of start tags, not core/htmltree.py's tree: it runs on every body, needs no structure, and sees
    every attribute as written (a repeated `onclick=` too, where a tree keeps one value per name).
    `url_attributes=None` looks for the schemes in every attribute (SVG animations set `href` from `to=`)."""

    def __init__(self, elements: frozenset[str], schemes: tuple[str, ...], *,
                 url_attributes: frozenset[str] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.elements, self.schemes, self.url_attributes = elements, schemes, url_attributes
        self.found: list[ActiveContent] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written, tag = tag, tag.rsplit(":", 1)[-1]  # in an XML file, <svg:script> and <x:script> run too
        if tag in self.elements:
            self.found.append(ActiveContent(f"{_article(tag)} <{tag}> element", f"<{written}"))
        elif tag == "meta" and any(n == "http-equiv" and (v or "").strip().lower() == "refresh" for n, v in attrs):
            self.found.append(ActiveContent("a <meta> refresh that sends the reader elsewhere", "<meta"))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(ActiveContent(f"an event handler {name}= on <{tag}>", name))
            # Every scheme ends in ":", and squeezing only takes characters out: a value with no ":" has none.
            elif value and ":" in value and _squeeze(value).startswith(
                    self.schemes if self.url_attributes is None or name in self.url_attributes else _SCRIPT_SCHEMES):
                scheme = _squeeze(value).split(":", 1)[0]
                self.found.append(ActiveContent(f"a {scheme}: URL in {name}= on <{tag}>", f"{scheme}:"))

    handle_startendtag = handle_starttag


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


# Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): U+0000 to U+0020.
_IGNORED_IN_SCHEMES = dict.fromkeys(range(0x21))


def _squeeze(url: str) -> str:
    return url.translate(_IGNORED_IN_SCHEMES).lower()
