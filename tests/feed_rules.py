"""The W3C feed validator's rules that our feeds once broke, checked on the parsed XML and JSON of a built site.

The validator (feedvalidator.org, from its source) cannot be installed here, so each rule it warned about is
restated below, with its message name, and checked on every feed a build wrote:
- DuplicateItemSemantics: an RSS item with both pubDate and dc:date (or both author and dc:creator);
- DuplicateUpdated: two Atom entries of one feed with the same atom:updated;
- ImageUrlFormat: an RSS <image> that is not GIF, JPEG or PNG (and, from the RSS spec, at most 144 by 400
  pixels, its link the channel's link); JSON Feed `icon` and `favicon` held to the same formats;
- MissingSelf and the feed's HTML page: rel="self" naming the file itself and rel="alternate" its page;
- ImplausibleDate: a date before 1990 or more than ten minutes ahead of the clock.
Beyond the validator, what the feeds issue asked for: the same categories (label, slug, the term's page) in all
three formats, the emergency line on action cards, the first publication date in an updated entry's content,
and feedparser reading every XML feed without a bozo flag.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import struct
from collections import Counter
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

import feedparser

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif")
# The words of core/foundation/emergency.py's EMERGENCY_TEXT, written out here on purpose: a test that imported them
# would pass whatever the feeds said, as long as they said it.
EMERGENCY_WORDS = ("In an emergency call 999. Report suspicious activity to the Anti-Terrorist Hotline on "
                   "0800 789 321.")
TYPE_PAGES = {"guidance": "guidance/", "action-card": "action-cards/", "conference": "conferences/",
              "news": "news/", "newsletter": "newsletters/"}


def feed_folders(site: Path) -> list[Path]:
    return sorted(path.parent for path in (site / "feeds").rglob("rss.xml"))


def feed_warnings(site: Path, site_url: str, *, require_icons: bool = False) -> list[str]:
    """Every broken rule in every feed under `site/feeds`, one line each: "<rule>: <file>: <what>"."""
    warnings: list[str] = []
    for folder in feed_folders(site):
        warnings += _folder_warnings(site, site_url, folder, require_icons)
    return warnings


def _folder_warnings(site: Path, site_url: str, folder: Path, require_icons: bool) -> list[str]:
    warnings: list[str] = []
    relative = folder.relative_to(site).as_posix() + "/"
    home = site_url + _expected_home(relative)
    if relative.startswith("feeds/types/") and not _page_exists(site, site_url, home):
        home = (
            site_url  # a type without an index page: the feed's page is the site (topics and sectors always have one)
        )

    def warn(rule: str, file: str, what: str) -> None:
        warnings.append(f"{rule}: {relative}{file}: {what}")

    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse((folder / name).read_bytes())
        if parsed.bozo:
            warn("bozo", name, str(parsed.get("bozo_exception")))
    if not _page_exists(site, site_url, home):
        warn("alternate", "", f"its page {home} was not built")

    # RSS
    channel = ElementTree.parse(folder / "rss.xml").getroot().find("channel")
    assert channel is not None
    rss_self = [link.get("href") for link in channel.findall(ATOM + "link") if link.get("rel") == "self"]
    if rss_self != [site_url + relative + "rss.xml"]:
        warn("MissingSelf", "rss.xml", f"rel=self is {rss_self}")
    if channel.findtext("link") != home:
        warn("alternate", "rss.xml", f"<link> is {channel.findtext('link')!r}, expected {home}")
    image = channel.find("image")
    if image is not None:
        warnings += [
            f"ImageUrlFormat: {relative}rss.xml: {w}" for w in _rss_image_problems(site, site_url, channel, image)
        ]
    elif require_icons:
        warn("ImageUrlFormat", "rss.xml", "no <image>")
    rss_items: dict[str, ElementTree.Element] = {}
    for item in channel.findall("item"):
        guid, link = item.findtext("guid"), item.findtext("link")
        rss_items[guid or ""] = item
        if guid != link:
            warn("guid", "rss.xml", f"guid {guid!r} is not the page address {link!r}")
        if item.find(DC + "date") is not None:
            warn("DuplicateItemSemantics", "rss.xml", f"{guid}: dc:date beside pubDate")
        if item.find("author") is not None and item.find(DC + "creator") is not None:
            warn("DuplicateItemSemantics", "rss.xml", f"{guid}: author beside dc:creator")
        if len(item.findall("pubDate")) != 1:
            warn("pubDate", "rss.xml", f"{guid}: {len(item.findall('pubDate'))} pubDate elements")
    for value in [i.findtext("pubDate") for i in rss_items.values()] + [channel.findtext("lastBuildDate")]:
        if value and _implausible(parsedate_to_datetime(value)):
            warn("ImplausibleDate", "rss.xml", value)
    for value, count in Counter(i.findtext("pubDate") for i in rss_items.values()).items():
        if count > 1:
            warn("DuplicateUpdated", "rss.xml", f"{count} items share pubDate {value}")

    # Atom
    feed = ElementTree.parse(folder / "atom.xml").getroot()
    links = {(link.get("rel"), link.get("href")) for link in feed.findall(ATOM + "link")}
    if ("self", site_url + relative + "atom.xml") not in links:
        warn("MissingSelf", "atom.xml", f"links are {sorted(links)}")
    if ("alternate", home) not in links:
        warn("alternate", "atom.xml", f"no rel=alternate to {home}: {sorted(links)}")
    for tag in ("logo", "icon"):
        url = feed.findtext(ATOM + tag)
        if url is not None and not _is_feed_image(site, site_url, url):
            warn("ImageUrlFormat", "atom.xml", f"<{tag}> {url}")
    entries = {e.findtext(ATOM + "id"): e for e in feed.findall(ATOM + "entry")}
    for value, count in Counter(e.findtext(ATOM + "updated") for e in entries.values()).items():
        if count > 1:
            warn("DuplicateUpdated", "atom.xml", f"{count} entries share atom:updated {value}")
    for element in feed.iter():
        is_date = element.tag in (ATOM + "updated", ATOM + "published")
        if is_date and _implausible(dt.datetime.fromisoformat(element.text or "")):
            warn("ImplausibleDate", "atom.xml", element.text or "")
    for entry_id, entry in entries.items():
        if (entry.findtext(ATOM + "published") or "") > (entry.findtext(ATOM + "updated") or ""):
            warn("dates", "atom.xml", f"{entry_id}: published after updated")

    # JSON Feed
    document = json.loads((folder / "feed.json").read_text(encoding="utf-8"))
    if document.get("feed_url") != site_url + relative + "feed.json":
        warn("MissingSelf", "feed.json", f"feed_url is {document.get('feed_url')!r}")
    if document.get("home_page_url") != home:
        warn("alternate", "feed.json", f"home_page_url is {document.get('home_page_url')!r}, expected {home}")
    for key in ("icon", "favicon"):
        if key in document and not _is_feed_image(site, site_url, document[key]):
            warn("ImageUrlFormat", "feed.json", f"{key} {document[key]}")
        elif key not in document and require_icons:
            warn("ImageUrlFormat", "feed.json", f"no {key}")
    items = {i["id"]: i for i in document["items"]}

    # The same entries, categories and lines in all three formats
    if not (list(rss_items) == list(entries) == list(items)):
        warn("entries", "", "the three formats list different entries")
    for entry_id in set(rss_items) & set(entries) & set(items):
        warnings += [f"{rule}: {relative}: {entry_id}: {what}" for rule, what in
                     _entry_problems(site, site_url, rss_items[entry_id], entries[entry_id], items[entry_id])]
    return warnings


def _entry_problems(site: Path, site_url: str, rss: ElementTree.Element, atom: ElementTree.Element,
                    item: dict) -> list[tuple[str, str]]:
    problems = []
    rss_categories = [(c.text, c.get("domain")) for c in rss.findall("category")]
    atom_categories = [(c.get("term"), c.get("label"), c.get("scheme")) for c in atom.findall(ATOM + "category")]
    json_categories = [
        (c["term"], c["label"], c["scheme"]) for c in item.get("_protectpress", {}).get("categories", [])
    ]
    if not atom_categories:
        problems.append(("categories", "none"))
    if [(label, scheme) for _, label, scheme in atom_categories] != rss_categories:
        problems.append(("categories", f"RSS {rss_categories} differs from Atom {atom_categories}"))
    if json_categories != atom_categories or item.get("tags") != [label for _, label, _ in atom_categories]:
        problems.append(
            ("categories", f"JSON {json_categories} {item.get('tags')} differs from Atom {atom_categories}")
        )
    for term, label, scheme in atom_categories:
        if not (label and scheme and scheme.startswith((site_url + "topics/", site_url + "sectors/"))
                and scheme.rstrip("/").rsplit("/", 1)[-1] == term and _page_exists(site, site_url, scheme)):
            problems.append(("categories", f"({term!r}, {label!r}, {scheme!r}) is not a label, slug and built page"))

    contents = {"RSS": html.unescape(rss.findtext(CONTENT + "encoded") or ""),
                "Atom": html.unescape(atom.findtext(ATOM + "content") or ""),
                "JSON": html.unescape(item.get("content_html", ""))}
    if item["id"].startswith(site_url + "action-cards/"):
        for name, content in contents.items():
            if EMERGENCY_WORDS not in content:
                problems.append(("emergency", f"{name} content has no emergency line"))
    published, updated = item["date_published"][:10], item["date_modified"][:10]
    if published != updated:
        stated = f"Published {_human(published)}. Last updated {_human(updated)}."
        for name, content in contents.items():
            if stated not in content:
                problems.append(("first publication", f"{name} content does not say {stated!r}"))
    return problems


def _rss_image_problems(site: Path, site_url: str, channel: ElementTree.Element,
                        image: ElementTree.Element) -> list[str]:
    problems = []
    url = image.findtext("url") or ""
    if not _is_feed_image(site, site_url, url):
        problems.append(f"<image><url> {url} is not a GIF, JPEG or PNG this site publishes")
    if image.findtext("link") != channel.findtext("link"):
        problems.append("<image><link> differs from the channel's <link> (ImageLinkDoesntMatch)")
    if image.findtext("title") != channel.findtext("title"):
        problems.append("<image><title> differs from the channel's <title>")
    width, height = image.findtext("width"), image.findtext("height")
    if width is None or height is None:
        problems.append("<image> has no width and height: readers would assume 88 by 31")
        return problems
    if not (0 < int(width) <= 144 and 0 < int(height) <= 400):
        problems.append(f"<image> is {width} by {height}, above 144 by 400")
    if url.startswith(site_url) and (site / url[len(site_url):]).is_file():
        actual = _png_size(site / url[len(site_url):])
        if actual != (int(width), int(height)):
            problems.append(f"<image> says {width} by {height}, the file is {actual}")
    return problems


def _is_feed_image(site: Path, site_url: str, url: str) -> bool:
    """A GIF, JPEG or PNG by name, and, when this site publishes it, by its first bytes."""
    if not url.lower().endswith(IMAGE_TYPES):
        return False
    if not url.startswith(site_url):
        return True
    path = site / url[len(site_url):]
    if not path.is_file():
        return False
    head = path.read_bytes()[:8]
    return head.startswith((b"\x89PNG\r\n\x1a\n", b"GIF8", b"\xff\xd8\xff"))


def _png_size(path: Path) -> tuple[int, int] | None:
    head = path.read_bytes()[:24]
    return struct.unpack(">II", head[16:24]) if head.startswith(b"\x89PNG") else None


def _expected_home(relative: str) -> str:
    """The page a feed in `relative` (e.g. "feeds/topics/pals/") belongs to, site-relative."""
    parts = relative.strip("/").split("/")
    if len(parts) == 1:
        return ""
    group, slug = parts[1], parts[2]
    return TYPE_PAGES[slug] if group == "types" else f"{group}/{slug}/"


def _implausible(moment: dt.datetime) -> bool:
    """The validator's ImplausibleDate: before 1990, or more than ten minutes ahead of now."""
    now = dt.datetime.now(dt.UTC)
    return moment.year < 1990 or moment > now + dt.timedelta(minutes=10)


def _page_exists(site: Path, site_url: str, url: str) -> bool:
    return url.startswith(site_url) and (site / url[len(site_url):] / "index.html").is_file()


def _human(iso_day: str) -> str:
    day = dt.date.fromisoformat(iso_day)
    return f"{day.day} {day:%B %Y}"
