"""The one allow-list HTML sanitiser, shared by feeds and emails.

Content leaves the site in feeds and emails, where a reader's software may run what we send. nh3 (ammonia)
keeps only the tags, attributes and URL schemes listed here. Because nh3 does not say what it removed, a small
scan first finds the active content (scripts, frames, forms, event handlers, `javascript:` and `data:` URLs)
so that each removal can be reported as a warning naming the file: a silent fix hides a compromised source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import nh3

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
_ACTIVE_ELEMENTS = _DROPPED_WITH_CONTENT | {"form", "input", "button", "textarea", "select", "frame", "frameset",
                                            "applet", "base", "link", "meta", "svg", "math"}
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcset"})
_ACTIVE_SCHEMES = ("javascript:", "data:", "vbscript:")


@dataclass
class Sanitised:
    """Clean HTML and a plain description of each piece of active content that was taken out."""

    html: str
    removed: list[str] = field(default_factory=list)


def sanitise_html(html: str) -> Sanitised:
    """Keep only allow-listed markup. `removed` names each script, frame, handler or dangerous URL dropped."""
    finder = _ActiveContentFinder()
    finder.feed(html)
    finder.close()
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    return Sanitised(html=clean, removed=finder.removed)


class _ActiveContentFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ACTIVE_ELEMENTS:
            self.removed.append(f"{_article(tag)} <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.removed.append(f"an event handler {name}= on <{tag}>")
            elif name in _URL_ATTRIBUTES and value and _is_active_url(value):
                scheme = _squeeze(value).split(":", 1)[0]
                self.removed.append(f"a {scheme}: URL in {name}= on <{tag}>")

    handle_startendtag = handle_starttag


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _squeeze(url: str) -> str:
    # Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
    return "".join(ch for ch in url if ch > " ").lower()


def _is_active_url(value: str) -> bool:
    return _squeeze(value).startswith(_ACTIVE_SCHEMES)
