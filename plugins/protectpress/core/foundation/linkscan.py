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
from xml.parsers import expat

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
_XML_URL_ATTRIBUTES = ("href", "url", "src", "uri")
_XML_TEXT_ELEMENTS = _URL_ELEMENTS | _HTML_ELEMENTS | {"id", "guid"}  # those whose text may be read
_JSON_URL_KEYS = {"url", "external_url", "image", "banner_image", "icon", "favicon", "feed_url", "home_page_url"}
_TEXT_URL = re.compile(r"https?://[^\s<>\"')\]]+")


@dataclass(frozen=True, slots=True)  # slots: a 3,000-page build keeps about 80,000 of them until the check
class FoundLink:
    target: str  # exactly as written in the built file
    kind: str  # LINK or IMAGE
    base: str | None = None  # absolute URL that a relative target resolves against, when not the file's own
    entry: str | None = None  # a feed entry's own absolute URL: whose source the link came from


@dataclass(frozen=True, slots=True)  # slots: each built page's is kept until the check
class ScannedHtml:
    links: tuple[FoundLink, ...]
    ids: frozenset[str]


# Shared between pages, as the pages' scans are kept until the link check: a site's pages link to the same
# addresses and give their headings the same ids (at 1,000 pages, 9,000 links to 2,500 addresses and 4,800 ids
# of 70 names made most of a scan's 2 KB). A found link is immutable: one object serves every page linking to an
# address (with no base and no entry, as pages' own). Each memory is emptied when full (the preview rebuilds).
_SHARED_LIMIT = 50_000
_PAGE_LINKS: dict[str, dict[str, FoundLink]] = {LINK: {}, IMAGE: {}}  # kind -> target -> its found link
_ID_SETS: dict[frozenset[str], frozenset[str]] = {}
_NO_IDS: frozenset[str] = frozenset()


def found_link(target: str, kind: str, base: str | None = None, entry: str | None = None) -> FoundLink:
    """`FoundLink(target, kind, base, entry)`, the one already made when a page linked there before."""
    if base is not None or entry is not None:
        return FoundLink(target, kind, base, entry)
    link = (shared := _PAGE_LINKS[kind]).get(target)
    if link is None:
        if len(shared) >= _SHARED_LIMIT:
            shared.clear()
        link = shared[target] = FoundLink(target, kind)
    return link


def _shared_ids(ids: set[str]) -> frozenset[str]:
    if len(_ID_SETS) >= _SHARED_LIMIT:
        _ID_SETS.clear()
    return _ID_SETS.setdefault(found, found) if (found := frozenset(ids)) else _NO_IDS


# A start tag with its attributes; quoted values may hold '>' (Material's SVG and JSON attributes do).
_TAG_ATTRIBUTE = r"""\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
# Every start tag (`start_tags`' readers ask for tags by name alone).
_ANY_START_TAG = re.compile(rf"""<([a-zA-Z][\w:-]*)((?:{_TAG_ATTRIBUTE})*)\s*/?>""")
# The scan's: only tags with an attribute. One without (`<li>`, `<br />`, `<p>`, most of a body's) names no link
# and no id, and holds no `<` where another tag could begin, so leaving it unmatched finds every other tag just
# as `_ANY_START_TAG` finds it (the same pattern, less its last choice of no attribute at all). Its name is never
# given back (`*+`): white space follows it, in no name, so a shorter one fails too (`<li>` was tried twice).
_START_TAG = re.compile(rf"""<([a-zA-Z][\w:-]*+)((?:{_TAG_ATTRIBUTE})+)\s*/?>""")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# Most tags with an attribute have one, double-quoted, with no reference in it (`<a href="...">`): read at once.
_ONE_ATTRIBUTE = re.compile(r"""\s+([^\s"'<>/=]+)="([^"&]*)""" '"')
_ID = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_LINK_TAGS = frozenset({tag for tag, _ in _HTML_TARGETS} | {"base"})
# Each of those tags -> its attributes that name a target -> what the target is.
_TARGETS_OF: dict[str, dict[str, str]] = {tag: {name: kind for (of, name), kind in _HTML_TARGETS.items() if of == tag}
                                          for tag in _LINK_TAGS}
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
    for tag, attributes in _START_TAG.findall(_markup_only(text)):
        tag = tag.lower()
        targets = _TARGETS_OF.get(tag)
        if targets is None:
            # Most tags (div, span, svg, li...) matter only for their id: skip reading every attribute. Names
            # are case-blind (ID=, Id=), and any spelling but "id" holds an I or a D.
            if ("id" in attributes or "I" in attributes or "D" in attributes) and (found_id := _ID.search(attributes)):
                double, single, bare = found_id.groups()
                ids.add(unescape(double if double is not None else single if single is not None else bare))
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
            kind = targets.get(name)
            if kind is None:
                continue
            if name == "srcset":
                for part in value.split(","):
                    if part.strip():
                        links.append(found_link(part.strip().split()[0], kind, base, entry))
            elif target := value.strip():
                links.append(found_link(target, kind, base, entry))
    return ScannedHtml(tuple(links), _shared_ids(ids))


def _attributes(written: str) -> dict[str, str]:
    """A start tag's attributes: lowercase names, the first value of each, unescaped; bare ones left out."""
    one = _ONE_ATTRIBUTE.fullmatch(written)
    if one is not None:
        return {one[1].lower(): one[2]}
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
    for tag_match in _ANY_START_TAG.finditer(_markup_only(text)):
        tag = tag_match.group(1).lower()
        if tag in names:
            yield tag, _attributes(tag_match.group(2))


def scan_xml_feed(text: str) -> list[FoundLink]:
    """Links in an RSS, Atom or sitemap file: URL attributes and elements, and links inside entry bodies.

    Read with expat's callbacks, building no tree: at 1,000 pages the feeds are 25 MB of XML, and building
    ElementTree's elements and walking them again was most of the link check's time on feeds. It finds what a
    walk of ElementTree's tree finds, in the same order (`_FeedReader`), and refuses what ElementTree refuses.

    Raises ValueError when the file is not well-formed XML (itself a broken feed)."""
    # Namespaces read as ElementTree reads them: an unbound prefix is an error here too.
    parser = expat.ParserCreate(namespace_separator="}")
    reader = _FeedReader(parser)
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise ValueError(f"well-formed XML ({error})") from None
    return reader.found()


class _Item:
    """An item or entry: the address its links carry is its first alternate `link` child's."""

    __slots__ = ("outer", "url")

    def __init__(self, outer: _Item | None) -> None:
        self.outer = outer  # the item or entry around it, if any
        self.url: str | None = None

    def address(self) -> str | None:
        item: _Item | None = self
        while item is not None:
            if item.url is not None:
                return item.url
            item = item.outer
        return None


class _Text:
    """The text of an element that may hold a URL or an entry body: what comes before its first child, as
    ElementTree's `text` holds it."""

    __slots__ = ("attributes", "name", "parts", "value")

    def __init__(self, name: str, attributes: dict[str, str]) -> None:
        self.name = name
        self.attributes = attributes
        self.parts: list[str] = []
        self.value = ""  # stripped, once read


class _FeedReader:
    """What a walk of the feed's tree finds, read as expat goes. Each element gives, in document order, the URLs
    in its `href`, `url`, `src` and `uri` attributes, then what its text holds (a URL, or an entry body's links),
    then its children's. Each link carries the address of its item or entry, which may come after it, so the
    links are kept in order with their item and given its address at the end.

    Only the few elements whose text can hold a link have their text handed over (the parser's text callback is
    a list's own append, set while one of them is open and before its first child), so the whitespace between
    elements and the text of titles, dates and categories never reaches Python."""

    def __init__(self, parser: expat.XMLParserType) -> None:
        self.parser = parser
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        # ElementTree refuses a reference to an entity no declaration it read defines (a DTD outside the file's):
        # expat refuses one itself where no such DTD could define it, and hands the rest to this handler.
        parser.SkippedEntityHandler = self.skipped
        self.stack: list[tuple[str, _Item | None, _Text | None]] = []  # open elements: local name, item, text
        self.reading: _Text | None = None  # the open element whose text is being read
        self.pending: list[tuple[bool, str, _Item | None]] = []  # (an entry body?, the URL or body, its item)

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if self.reading is not None:  # its first child: its text ends here
            self._read(self.reading)
        name = _LOCAL_NAMES.get(tag) or _local_name(tag)
        stack = self.stack
        item = stack[-1][1] if stack else None
        if name == "item" or name == "entry":
            item = _Item(item)
        if attributes:
            for attribute in _XML_URL_ATTRIBUTES:
                value = attributes.get(attribute)
                if value:
                    self.pending.append((False, value.strip(), item))
        text = None
        if name in _XML_TEXT_ELEMENTS:
            text = self.reading = _Text(name, attributes)
            self.parser.CharacterDataHandler = text.parts.append
        stack.append((name, item, text))

    def end(self, tag: str) -> None:
        if self.reading is not None:  # this element, which had no child
            self._read(self.reading)
        name, _, text = self.stack.pop()
        if name == "link" and text is not None and self.stack:
            parent, parent_item, _ = self.stack[-1]
            if (parent == "item" or parent == "entry") and parent_item is not None and parent_item.url is None:
                parent_item.url = _alternate(text)

    def skipped(self, name: str, is_parameter_entity: bool) -> None:
        raise expat.ExpatError(f"undefined entity &{name};: line {self.parser.CurrentLineNumber}, "
                               f"column {self.parser.CurrentColumnNumber}")

    def _read(self, text: _Text) -> None:
        self.reading = None
        self.parser.CharacterDataHandler = None
        value = text.value = "".join(text.parts).strip()
        if not value:
            return
        name, attributes = text.name, text.attributes
        item = self.stack[-1][1]  # the element read is the innermost open one
        if (name in _URL_ELEMENTS and not attributes.get("href")) or (
            (name == "id" or name == "guid")
            and value.startswith(("http://", "https://"))
            and attributes.get("isPermaLink", "true") == "true"
        ):
            self.pending.append((False, value, item))
        elif name in _HTML_ELEMENTS and "<" in value:
            self.pending.append((True, value, item))

    def found(self) -> list[FoundLink]:
        found: list[FoundLink] = []
        for is_body, value, item in self.pending:
            entry = item.address() if item is not None else None
            if is_body:
                found.extend(entry_body_links(value, entry))
            else:
                found.append(FoundLink(value, LINK, entry, entry))
        return found


def _alternate(link: _Text) -> str | None:
    """A `link` child's address when it names its item or entry: an alternate `href`, or else its text."""
    href = link.attributes.get("href")
    if href and link.attributes.get("rel", "alternate") == "alternate":
        return href
    return link.value if not href and link.value else None


_LOCAL_NAMES: dict[str, str] = {}  # expat's "namespace}tag" -> "tag" in lowercase; a feed uses a few dozen


def _local_name(tag: str) -> str:
    name = tag.rsplit("}", 1)[-1].lower()
    if len(_LOCAL_NAMES) < 1024:
        _LOCAL_NAMES[tag] = name
    return name


# The links of each entry body a feed carries: one page's body is in the site-wide feed and its topics' and
# sectors' feeds, three formats each, and scans the same every time.
_ENTRY_LINKS: TextMemo[tuple[FoundLink, ...]] = TextMemo()


def entry_body_links(text: str, entry: str | None) -> tuple[FoundLink, ...]:
    """The links of a feed entry's HTML body, each relative to the entry's address (remembered by text)."""
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
            found.extend(entry_body_links(item["content_html"], entry))
    return found


def scan_text(text: str) -> list[FoundLink]:
    """Web addresses in a plain-text email part (`text: https://...`)."""
    return [FoundLink(match.group().rstrip(".,;:!?"), LINK) for match in _TEXT_URL.finditer(text)]
