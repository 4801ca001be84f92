"""Finding the links in what a build wrote: site pages (HTML), feeds (RSS, Atom, JSON Feed) and emails.

Each channel writes links its own way: pages link relative to their own URL, feeds and emails with absolute
URLs, and feeds carry each entry's body as escaped HTML. This module only reads; `linkcheck` judges.
"""

from __future__ import annotations

import functools
import html
import json
import re
from dataclasses import dataclass
from xml.etree import ElementTree

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


@dataclass(frozen=True)
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
_LINK_TAGS = {tag for tag, _ in _HTML_TARGETS} | {"base"}
# Comments and the insides of scripts and styles hold text that only looks like tags.
_NOT_MARKUP = re.compile(r"<!--.*?-->|(<(script|style)\b[^>]*>).*?(</\2\s*>)", re.DOTALL | re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def scan_html(text: str, *, base: str | None = None, entry: str | None = None) -> ScannedHtml:
    """Every link, image and id in an HTML document or fragment.

    A regular expression over start tags rather than `html.parser`: a thousand-page site has tens of megabytes
    of HTML, and the pure-Python parser made the check slower than the build. Cached, because each feed
    repeats the same entry bodies (site, type, topic and sector feeds, in three formats)."""
    links: list[FoundLink] = []
    ids: set[str] = set()
    markup = _NOT_MARKUP.sub(lambda m: (m.group(1) or "") + (m.group(3) or ""), text)
    for tag_match in _START_TAG.finditer(markup):
        tag = tag_match.group(1).lower()
        if tag not in _LINK_TAGS:
            # Most tags (div, span, svg, li...) matter only for their id: skip reading every attribute.
            if "id" in tag_match.group(2) and (found_id := _ID.search(tag_match.group(2))):
                ids.add(html.unescape(next(v for v in found_id.groups() if v is not None)))
            continue
        values: dict[str, str] = {}
        for attribute in _ATTRIBUTE.finditer(tag_match.group(2)):
            raw = next((v for v in attribute.group(2, 3, 4) if v is not None), None)
            if raw is not None:
                values.setdefault(attribute.group(1).lower(), html.unescape(raw))
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
            targets = [part.strip().split()[0] for part in value.split(",") if part.strip()] \
                if name == "srcset" else [value.strip()]
            links.extend(FoundLink(t, kind, base, entry) for t in targets if t)
    return ScannedHtml(tuple(links), frozenset(ids))


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
            found.extend(scan_html(text, base=entry, entry=entry).links)
    for child in element:
        _scan_element(child, entry, found)


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
            found.extend(scan_html(item["content_html"], base=entry, entry=entry).links)
    return found


def scan_text(text: str) -> list[FoundLink]:
    """Web addresses in a plain-text email part (`text: https://...`)."""
    return [FoundLink(match.group().rstrip(".,;:!?"), LINK) for match in _TEXT_URL.finditer(text)]
