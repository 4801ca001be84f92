"""The example site's feeds, as `protectpress build --strict` writes them, read with feedparser."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from feed_rules import feed_folders, feed_warnings
from support import copy_project, run_in_process

SITE_URL = "https://protectpress.example.org/"
RFC_822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                     r"\d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def second_build(example_site, tmp_path_factory) -> Path:
    """The same project built again into another folder: feeds must come out byte for byte the same. (A copy of
    the project, since the shared example site is read-only.)"""
    project = copy_project(example_site.parent, tmp_path_factory.mktemp("example-again") / "project")
    site = project.parent / "site"
    result = run_in_process("build", "--strict", "--quiet", "-d", str(site), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def feed_files(site: Path, name: str) -> list[Path]:
    return sorted((site / "feeds").rglob(name))


class HeadLinks(HTMLParser):
    """The <link rel="alternate"> feeds in a page's head, and every href in its body."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.feeds: list[dict] = []
        self.hrefs: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "alternate" in (attrs.get("rel") or "").split() and "type" in attrs:
            self.feeds.append(attrs)
        elif tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def head_feed_urls(site: Path, page: str) -> set[str]:
    return {link["href"] for link in HeadLinks((site / page).read_text(encoding="utf-8")).feeds}


def written(site: Path, url: str) -> bool:
    assert url.startswith(SITE_URL), url
    return (site / url[len(SITE_URL):]).is_file()


def test_the_site_publishes_site_wide_type_topic_and_sector_feeds(example_site):
    folders = {p.parent.relative_to(example_site).as_posix() for p in feed_files(example_site, "rss.xml")}
    assert {"feeds", "feeds/types/guidance", "feeds/types/action-card", "feeds/types/conference", "feeds/types/news",
            "feeds/topics/pals", "feeds/topics/martyns-law", "feeds/sectors/retail", "feeds/sectors/all"} <= folders
    for folder in folders:
        for name in ("rss.xml", "atom.xml", "feed.json"):
            assert (example_site / folder / name).is_file(), f"{folder}/{name}"


def test_every_feed_parses_cleanly_with_absolute_links_and_unique_ids(example_site):
    for path in feed_files(example_site, "rss.xml") + feed_files(example_site, "atom.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.entries, path
        assert parsed.feed.get("language") == "en-GB"
        ids = [e.id for e in parsed.entries]
        assert len(ids) == len(set(ids)), path
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [SITE_URL + path.relative_to(example_site).as_posix()]
        for item in parsed.entries:
            assert item.id == item.link and item.link.startswith(SITE_URL)
            assert item.author == "The ProtectUK Team"
            assert {t.term for t in item.tags}, f"{item.id} has no categories"
            content = item.content[0].value
            for target in re.findall(r'(?:href|src)="([^"]*)"', content):
                assert target.startswith(("https://", "http://", "mailto:", "tel:")), f"{path}: {item.id}: {target}"


def test_every_feed_passes_the_feed_validator_rules(example_site):
    """No RSS item with two dates, no two Atom entries updated at one instant, PNG images with their sizes, the
    same categories in all three formats, self and alternate links, the emergency line on action cards."""
    assert len(feed_folders(example_site)) >= 25
    assert feed_warnings(example_site, SITE_URL, require_icons=True) == []


def test_feeds_use_the_png_logo_icon_and_favicon(example_site):
    rss = ElementTree.parse(example_site / "feeds/rss.xml").getroot()
    assert rss.findtext("channel/image/url") == SITE_URL + "assets/images/logo.png"
    assert (rss.findtext("channel/image/width"), rss.findtext("channel/image/height")) == ("144", "144")
    document = json.loads((example_site / "feeds/feed.json").read_text(encoding="utf-8"))
    assert (document["icon"], document["favicon"]) == (SITE_URL + "assets/images/icon-512.png",
                                                       SITE_URL + "assets/images/favicon-64.png")
    for name in ("logo.png", "icon-512.png", "favicon-64.png", "favicon-32.png", "apple-touch-icon.png"):
        assert (example_site / "assets/images" / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name


def test_pages_updated_on_one_day_get_distinct_times_that_rebuilds_keep(example_site, second_build):
    def updated(site: Path) -> list[str]:
        atom = ElementTree.parse(site / "feeds/atom.xml").getroot()
        return [e.findtext(ATOM + "updated") for e in atom.iter(ATOM + "entry")]

    first = updated(example_site)
    days = [value[:10] for value in first]
    shared_day = max(set(days), key=days.count)
    assert days.count(shared_day) >= 5  # the example site updated many pages on one day
    assert len(set(first)) == len(first)
    assert updated(second_build) == first


def test_json_feeds_are_json_feed_1_1(example_site):
    for path in feed_files(example_site, "feed.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["feed_url"] == SITE_URL + path.relative_to(example_site).as_posix()
        assert document["language"] == "en-GB" and document["title"] and document["items"]
        for item in document["items"]:
            assert item["id"] == item["url"] and item["url"].startswith(SITE_URL)
            assert RFC_3339.match(item["date_published"]) and RFC_3339.match(item["date_modified"])


def test_rss_dates_are_rfc_822_and_atom_dates_rfc_3339(example_site):
    rss = ElementTree.parse(example_site / "feeds/rss.xml").getroot()
    rss_dates = [e.text for e in rss.iter() if e.tag in ("pubDate", "lastBuildDate")]
    assert len(rss_dates) > 5 and all(RFC_822.match(d) for d in rss_dates), rss_dates
    atom = ElementTree.parse(example_site / "feeds/atom.xml").getroot()
    atom_dates = [e.text for e in atom.iter() if e.tag in (ATOM + "updated", ATOM + "published")]
    assert len(atom_dates) > 5 and all(RFC_3339.match(d) for d in atom_dates), atom_dates


def test_feed_dates_come_from_the_content_newest_first(example_site):
    parsed = feedparser.parse((example_site / "feeds/atom.xml").read_bytes())
    updated = [e.updated_parsed for e in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    assert parsed.feed.updated_parsed == updated[0]


def test_plain_pages_and_drafts_are_never_in_feeds(example_site):
    ids = {e.id for e in feedparser.parse((example_site / "feeds/atom.xml").read_bytes()).entries}
    assert all(re.match(SITE_URL + r"(guidance|action-cards|conferences|news|newsletters)/[^/]+/$", i) for i in ids), (
        ids
    )
    for plain in ("", "about/", "privacy/", "accessibility/", "guidance/", "subscribe/"):
        assert SITE_URL + plain not in ids


def test_two_builds_give_byte_identical_feeds_with_the_same_ids(example_site, second_build):
    first = {p.relative_to(example_site): p.read_bytes() for p in (example_site / "feeds").rglob("*") if p.is_file()}
    again = {p.relative_to(second_build): p.read_bytes() for p in (second_build / "feeds").rglob("*") if p.is_file()}
    assert first.keys() == again.keys() and len(first) >= 30
    for path in first:
        assert first[path] == again[path], f"{path} differs between two builds"
    ids = [e.id for e in feedparser.parse(first[Path("feeds/atom.xml")]).entries]
    assert ids == [e.id for e in feedparser.parse(again[Path("feeds/atom.xml")]).entries]


@pytest.mark.parametrize("page, own_feed", [
    ("index.html", None),
    ("guidance/publicly-accessible-locations/index.html", None),
    ("action-cards/unattended-and-suspicious-items/index.html", None),
    ("about/index.html", None),
    ("subscribe/index.html", None),
    ("guidance/index.html", "feeds/types/guidance/"),
    ("action-cards/index.html", "feeds/types/action-card/"),
    ("conferences/index.html", "feeds/types/conference/"),
    ("news/index.html", "feeds/types/news/"),
    ("topics/pals/index.html", "feeds/topics/pals/"),
    ("sectors/retail/index.html", "feeds/sectors/retail/"),
])
def test_pages_link_their_feeds_for_autodiscovery(example_site, page, own_feed):
    urls = head_feed_urls(example_site, page)
    assert {SITE_URL + "feeds/rss.xml", SITE_URL + "feeds/atom.xml"} <= urls
    own = {u for u in urls if not re.fullmatch(SITE_URL + r"feeds/[^/]+", u)}
    expected = {SITE_URL + own_feed + name for name in ("rss.xml", "atom.xml", "feed.json")} if own_feed else set()
    assert own == expected
    assert all(written(example_site, u) for u in urls)


class FeedChoices(HTMLParser):
    """The Subscribe page's choices: each item's name, the address it shows, any feed links, its addresses by
    format."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.choices: list[dict] = []
        self.in_code = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and "data-pp-feed" in attrs:
            self.choices.append({**attrs, "links": [], "shown": ""})
        elif tag == "a" and self.choices and attrs.get("href", "").startswith(SITE_URL + "feeds/"):
            self.choices[-1]["links"].append(attrs["href"])
        elif tag == "code" and self.choices and not self.choices[-1].get("done"):
            self.in_code = True

    def handle_endtag(self, tag):
        if tag == "code":
            self.in_code = False
        elif tag == "li" and self.choices:
            self.choices[-1]["done"] = True

    def handle_data(self, data):
        if self.in_code and self.choices:
            self.choices[-1]["shown"] += data


def test_subscribe_page_offers_every_feed_once_and_only_feeds_that_exist(example_site):
    html = (example_site / "subscribe/index.html").read_text(encoding="utf-8")
    assert "What is a feed reader?" in html and "How to subscribe" in html
    choices = FeedChoices(html).choices
    # Without JavaScript each choice shows one address, its RSS one, as text to copy: never a link that opens
    # raw XML in the browser (issue 25). The picker offers the other formats.
    assert all(choice["shown"] == choice["data-rss"] and not choice["links"] for choice in choices), choices[:2]
    offered = [choice[key] for choice in choices for key in ("data-rss", "data-atom", "data-json")]
    on_disk = {SITE_URL + path.relative_to(example_site).as_posix()
               for path in (example_site / "feeds").rglob("*") if path.is_file()}
    assert len(offered) == len(set(offered)) and set(offered) == on_disk
    names = [choice["data-pp-feed"] for choice in choices]
    assert names[:2] == ["Everything on this site", "Guidance"] and "Retail" in names and "Suspicious items" in names
    # Grouped as readers choose: everything, kinds of page, topics, sectors ("Aviation" the sector apart from
    # "Aviation and maritime" the topic).
    groups = re.findall(r'data-pp-feed-group="(\w+)" data-pp-feed-heading="([^"]+)"', html)
    assert groups == [("everything", "Everything"), ("types", "Kinds of page"), ("topics", "Topics"),
                      ("sectors", "Sectors")]
    assert html.index('data-pp-feed="Aviation and maritime"') < html.index('data-pp-feed-group="sectors"') \
        < html.index('data-pp-feed="Aviation"')
    assert 'id="feed-topics-weapons-attacks"' in html and 'id="feed-everything"' in html
    assert "suspicious-items" not in names
