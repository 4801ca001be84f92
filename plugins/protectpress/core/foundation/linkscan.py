"""Finding the links in what a build wrote: site pages (HTML), feeds (RSS, Atom, JSON Feed) and emails.

Each channel writes links its own way: pages link relative to their own URL, feeds and emails with absolute
URLs, and feeds carry each entry's body as escaped HTML. This module only reads; `linkcheck` judges.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from .textmemo import TextMemo

LINK, IMAGE = "link", "image"

# (tag, attribute) -> what the target is; srcset is split into its URLs.
_HTML_TARGETS = {
    ("a", "href"): LINK, ("area", "href"): LINK, ("link", "href"): LINK, ("script", "src"): LINK,
    ("iframe", "src"): LINK, ("img", "src"): IMAGE, ("img", "srcset"): IMAGE, ("source", "src"): IMAGE,
    ("source", "srcset"): IMAGE, ("video", "src"): IMAGE, ("video", "poster"): IMAGE, ("audio", "src"): IMAGE,
    ("input", "src"): IMAGE,
}
# <link rel=...> values that name no file of ours.
_HINT_RELS = {"preconnect", "dns-prefetch"}
# Feed elements whose text is a URL, and those whose text is an HTML body.
_URL_ELEMENTS = {"link", "url", "icon", "logo", "loc", "comments"}
_HTML_ELEMENTS = {"description", "encoded", "content", "summary"}
_JSON_URL_KEYS = {"url", "external_url", "image", "banner_image", "icon", "favicon", "feed_url", "home_page_url"}
_TEXT_URL = re.compile(r"https?://[^\s<>\"')\]]+")


@dataclass(frozen=True, slots=True)  # slots: a 3,000-page build keeps about 80,000 of them until the check
class FoundLink:
    target: str  # exactly as written in the built file
    kind: str  # LINK or IMAGE
    base: str | None = None  # absolute URL that a relative target resolves against, when not the file's own
    entry: str | None = None  # a feed entry's own absolute URL: whose source the link came from


@dataclass(frozen=True)
class ScannedHtml:
    links: tuple[FoundLink, ...]
    ids: frozenset[str]


# A start tag with its attributes; quoted values may hold '>' (Material's SVG and JSON attributes do).
_START_TAG = re.compile(
    r"""<([a-zA-Z][\w:-]*)((?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"""
)
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_ID = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_LINK_TAGS = frozenset({tag for tag, _ in _HTML_TARGETS} | {"base"})
# Where text that only looks like tags begins: a comment, or the inside of a script or style element.
_NOT_MARKUP_START = re.compile(r"<!--|<(script|style)\b[^>]*>", re.IGNORECASE)
_CLOSE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}


def _markup_only(text: str) -> str:
    """`text` without comments and without what scripts and styles hold (their own tags stay: a script's src is
    a link). Found with one search for where each begins and str.find for its end: a single regular expression
    with a lazy `.*?` was a third of the whole scan on a theme page."""
    kept: list[str] = []
    position = 0
    for match in _NOT_MARKUP_START.finditer(text):
        if match.start() < position:
            continue  # inside a comment or script already skipped
        if match.group(1) is None:
            end = text.find("-->", match.end())
            if end < 0:
                # An unclosed comment hides nothing, as before: the rest is read as markup.
                continue
            kept.append(text[position:match.start()])
            position = end + 3
            continue
        found = _CLOSE[match.group(1).lower()].search(text, match.end())
        if found is None:
            continue
        kept.append(text[position:match.end()])
        kept.append(text[found.start():found.end()])
        position = found.end()
    if not kept:
        return text
    kept.append(text[position:])
    return "".join(kept)


@functools.lru_cache(maxsize=1024)
def scan_html(text: str, *, base: str | None = None, entry: str | None = None) -> ScannedHtml:
    """Every link, image and id in an HTML document or fragment. Cached, because each feed repeats the same
    entry bodies (site, type, topic and sector feeds, in three formats)."""
    return scan_page(text, base=base, entry=entry)


def scan_page(text: str, *, base: str | None = None, entry: str | None = None) -> ScannedHtml:
    """`scan_html` without the cache, for text seen once (a page as it is rendered).

    A regular expression over start tags rather than `html.parser`: a thousand-page site has tens of megabytes
    of HTML, and the pure-Python parser made the check slower than the build."""
    links: list[FoundLink] = []
    ids: set[str] = set()
    unescape = html.unescape
    for tag_match in _START_TAG.finditer(_markup_only(text)):
        tag = tag_match.group(1).lower()
        attributes = tag_match.group(2)
        if tag not in _LINK_TAGS:
            # Most tags (div, span, svg, li...) matter only for their id: skip reading every attribute.
            if "id" in attributes and (found_id := _ID.search(attributes)):
                ids.add(unescape(next(v for v in found_id.groups() if v is not None)))
            continue
        values = _attributes(attributes)
        if "id" in values:
            ids.add(values["id"])
        if tag == "a" and "name" in values:
            ids.add(values["name"])
        if tag == "base" and "href" in values:
            base = values["href"]
        if tag == "link" and _HINT_RELS & set(values.get("rel", "").lower().split()):
            continue
        for name, value in values.items():
            kind = _HTML_TARGETS.get((tag, name))
            if kind is None:
                continue
            if name == "srcset":
                targets = [part.strip().split()[0] for part in value.split(",") if part.strip()]
            else:
                targets = [value.strip()]
            links.extend(FoundLink(t, kind, base, entry) for t in targets if t)
    return ScannedHtml(tuple(links), frozenset(ids))


def _attributes(written: str) -> dict[str, str]:
    """A start tag's attributes: lowercase names, the first value of each, unescaped; bare ones left out."""
    values: dict[str, str] = {}
    for attribute in _ATTRIBUTE.finditer(written):
        double, single, bare = attribute.group(2, 3, 4)
        raw = double if double is not None else single if single is not None else bare
        if raw is None:
            continue  # a bare attribute (`hidden`) names no target
        key = attribute.group(1).lower()
        if key not in values:
            values[key] = html.unescape(raw) if "&" in raw else raw
    return values


def start_tags(text: str, names: frozenset[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each start tag named in `names` (lowercase) outside comments, scripts and styles, with `_attributes`:
    for readers of built pages that want a few kinds of tag (the offline worker's asset list)."""
    for tag_match in _START_TAG.finditer(_markup_only(text)):
        tag = tag_match.group(1).lower()
        if tag in names:
            yield tag, _attributes(tag_match.group(2))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def scan_xml_feed(text: str) -> list[FoundLink]:
    """Links in an RSS, Atom or sitemap file: URL attributes and elements, and links inside entry bodies.

    Raises ValueError when the file is not well-formed XML (itself a broken feed)."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        raise ValueError(f"well-formed XML ({error})") from None
    found: list[FoundLink] = []
    _scan_element(root, None, found)
    return found


def _entry_url(element: ElementTree.Element) -> str | None:
    for child in element:
        if _local(child.tag) == "link":
            href = child.get("href")
            if href and child.get("rel", "alternate") == "alternate":
                return href
            if not href and child.text and child.text.strip():
                return child.text.strip()
    return None


def _scan_element(element: ElementTree.Element, entry: str | None, found: list[FoundLink]) -> None:
    name = _local(element.tag)
    if name in ("item", "entry"):
        entry = _entry_url(element) or entry
    for attribute in ("href", "url", "src", "uri"):
        value = element.get(attribute)
        if value:
            found.append(FoundLink(value.strip(), LINK, entry, entry))
    text = (element.text or "").strip()
    if text:
        if (name in _URL_ELEMENTS and not element.get("href")) or (
            name in ("id", "guid")
            and text.startswith(("http://", "https://"))
            and element.get("isPermaLink", "true") == "true"
        ):
            found.append(FoundLink(text, LINK, entry, entry))
        elif name in _HTML_ELEMENTS and "<" in text:
            found.extend(_entry_body_links(text, entry))
    for child in element:
        _scan_element(child, entry, found)


# The links of each entry body a feed carries: one page's body is in the site-wide feed and its topics' and
# sectors' feeds, three formats each, and scans the same every time.
_ENTRY_LINKS: TextMemo[tuple[FoundLink, ...]] = TextMemo()


def _entry_body_links(text: str, entry: str | None) -> tuple[FoundLink, ...]:
    return _ENTRY_LINKS.get(f"{entry}\0{text}", lambda: scan_html(text, base=entry, entry=entry).links)


def scan_json_feed(text: str) -> list[FoundLink]:
    """Links in a JSON Feed: the feed's and each item's URLs, attachments, and links in `content_html`.

    Raises ValueError when the file is not JSON."""
    try:
        feed = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"valid JSON ({error.msg} at line {error.lineno})") from None
    found: list[FoundLink] = []
    if not isinstance(feed, dict):
        return found
    found.extend(FoundLink(str(feed[k]), LINK) for k in sorted(_JSON_URL_KEYS) if isinstance(feed.get(k), str))
    for item in feed.get("items") or []:
        if not isinstance(item, dict):
            continue
        entry = item.get("url") if isinstance(item.get("url"), str) else None
        for key in sorted(_JSON_URL_KEYS):
            if isinstance(item.get(key), str):
                found.append(FoundLink(item[key], IMAGE if "image" in key else LINK, entry, entry))
        if isinstance(item.get("id"), str) and item["id"].startswith(("http://", "https://")):
            found.append(FoundLink(item["id"], LINK, entry, entry))
        for attachment in item.get("attachments") or []:
            if isinstance(attachment, dict) and isinstance(attachment.get("url"), str):
                found.append(FoundLink(attachment["url"], LINK, entry, entry))
        if isinstance(item.get("content_html"), str):
            found.extend(_entry_body_links(item["content_html"], entry))
    return found


def scan_text(text: str) -> list[FoundLink]:
    """Web addresses in a plain-text email part (`text: https://...`)."""
    return [FoundLink(match.group().rstrip(".,;:!?"), LINK) for match in _TEXT_URL.finditer(text)]
