"""What the built example site tells search engines and link previews, read from the written HTML and XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from protectpress.core.feeds.images import pixel_size
from protectpress.core.site.metadata import DESCRIPTION_LIMIT, short_description

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE_URL = "https://protectpress.example.org/"


class Head(HTMLParser):
    """A page's <title>, <meta> values by name or property, and <link> elements as attribute dicts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.title, self.meta, self.links = "", {}, []
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "meta" and (attrs.get("name") or attrs.get("property")):
            self.meta[attrs.get("name") or attrs.get("property")] = attrs.get("content") or ""
        elif tag == "link":
            self.links.append(attrs)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def pages(site: Path) -> dict[str, Head]:
    """Every built page but the 404 page and the newsletters' email previews, by path."""
    return {path.relative_to(site).as_posix(): Head(path.read_text(encoding="utf-8"))
            for path in sorted(site.rglob("*.html")) if path.name == "index.html"}


def test_short_description_cuts_at_a_word_within_the_limit():
    text = "word " * 40
    cut = short_description(text)
    assert len(cut) <= DESCRIPTION_LIMIT and cut.endswith("word…")
    assert short_description("  Short   text. ") == "Short text."
    assert short_description("x" * 200) == "x" * 159 + "…"


def test_robots_txt_points_at_the_sitemap(example_site):
    lines = (example_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines and f"Sitemap: {SITE_URL}sitemap.xml" in lines


def test_sitemap_lastmod_comes_from_each_pages_own_dates(example_site):
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
            for url in ET.parse(example_site / "sitemap.xml").getroot()}
    assert urls[f"{SITE_URL}news/2023-03-protectuk-first-anniversary/"] == "2023-03-28"  # date, no update
    assert urls[f"{SITE_URL}news/2023-03-pals-replaces-crowded-places/"] == "2025-05-01"  # updated
    assert urls[f"{SITE_URL}newsletters/2023-03-security-and-policing/"] == "2023-03-30"
    assert urls[f"{SITE_URL}news/"] == "2025-05-01"  # the newest item it lists
    assert urls[f"{SITE_URL}about/"] is None  # a page with no date of its own says nothing, not the build date


def test_every_page_has_its_own_title_and_a_short_description(example_site):
    heads = pages(example_site)
    titles = [head.title.strip() for head in heads.values()]
    assert sorted(t for t in titles if titles.count(t) > 1) == []
    assert heads["topics/martyns-law/index.html"].title.strip().startswith("Topic: Martyn's Law")
    assert heads["topics/martyns-law/index.html"].meta["og:title"] == "Topic: Martyn's Law"
    long = {path: len(head.meta["description"]) for path, head in heads.items()
            if len(head.meta.get("description", "")) > DESCRIPTION_LIMIT}
    assert long == {}


def test_link_previews_and_icons(example_site):
    heads = pages(example_site)
    home, card = heads["index.html"], heads["action-cards/firearms-and-weapons-attacks/index.html"]
    assert home.meta["og:type"] == "website" and card.meta["og:type"] == "article"
    assert home.meta["twitter:card"] == card.meta["twitter:card"] == "summary_large_image"
    # One preview picture for the site, absolute, and really a 1200x630 PNG in the built site.
    preview = "https://protectpress.example.org/assets/images/preview.png"
    assert home.meta["og:image"] == card.meta["og:image"] == preview
    assert (home.meta["og:image:width"], home.meta["og:image:height"]) == ("1200", "630")
    assert home.meta["og:image:alt"] and home.meta["og:image:type"] == "image/png"
    assert pixel_size(example_site / "assets/images/preview.png") == (1200, 630)
    icons = {link["rel"]: link for link in card.links if link.get("type") == "image/png" or
             link["rel"] == "apple-touch-icon"}
    assert icons["icon"]["href"] == "../../assets/images/favicon-32.png"
    assert icons["apple-touch-icon"]["href"] == "../../assets/images/apple-touch-icon.png"
    for icon in icons.values():
        target = (example_site / "action-cards/firearms-and-weapons-attacks" / icon["href"]).resolve()
        assert target.read_bytes().startswith(b"\x89PNG")


def test_feed_links_are_written_as_the_autodiscovery_spec_says(example_site):
    # rel="alternate" exactly (the RSS Advisory Board's spec; `link[rel="alternate"]` finds it). Material's
    # script, which fetched a sitemap.xml beside every such link, is no longer loaded (overrides/base.html);
    # tests/browser/test_no_failed_requests.py proves no page makes that request.
    feeds = [link for link in pages(example_site)["index.html"].links if "feed" in link.get("type", "")
             or "rss" in link.get("type", "") or "atom" in link.get("type", "")]
    assert len(feeds) == 3
    assert all(link["rel"] == "alternate" for link in feeds)
    html = (example_site / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<link rel="alternate" type="application/', html)) == 3
    assert "bundle." not in html  # Material's script
