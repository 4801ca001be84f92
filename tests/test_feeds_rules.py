"""The feed rule checker (tests/feed_rules.py) finds each warning kind the W3C validator gave our old feeds.

The feeds tests assert that the checker finds nothing; this proves it would have found the old problems."""

import json
import struct
import zlib
from pathlib import Path

from feed_rules import feed_warnings
from protectpress.core.site.images import ICONS, icon_png, preview_png
from support import REPO

SITE = "https://old.example.org/"
CARD = SITE + "action-cards/parcels/"
NEWS = SITE + "news/update/"

# What the feeds looked like before: pubDate beside dc:date, an SVG image, labels in RSS but slugs in Atom,
# two entries updated at one instant, no rel="self" in Atom, no emergency line on the action card; and a build
# date far in the future.
OLD_RSS = f"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0"><channel>
  <title>Old</title><link>{SITE}</link><description>Old feeds</description>
  <lastBuildDate>Sun, 01 Mar 2099 00:00:00 +0000</lastBuildDate>
  <atom:link href="{SITE}feeds/rss.xml" rel="self" type="application/rss+xml"/>
  <image><url>{SITE}assets/images/logo.svg</url><title>Old</title><link>{SITE}</link></image>
  <item><title>Parcels</title><link>{CARD}</link><guid isPermaLink="true">{CARD}</guid>
    <content:encoded>&lt;p&gt;Card&lt;/p&gt;</content:encoded>
    <category domain="{SITE}topics/">Suspicious items</category>
    <pubDate>Fri, 01 Mar 2024 00:00:00 +0000</pubDate><dc:date>2024-03-01T00:00:00+00:00</dc:date></item>
  <item><title>Update</title><link>{NEWS}</link><guid isPermaLink="true">{NEWS}</guid>
    <content:encoded>&lt;p&gt;News&lt;/p&gt;</content:encoded>
    <category domain="{SITE}topics/">Suspicious items</category>
    <pubDate>Fri, 01 Mar 2024 00:00:00 +0000</pubDate></item>
</channel></rss>
"""
OLD_ATOM = f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>{SITE}feeds/atom.xml</id><title>Old</title>
  <updated>2024-03-01T00:00:00+00:00</updated><link href="{SITE}" rel="alternate"/>
  <entry><id>{CARD}</id><title>Parcels</title><updated>2024-03-01T00:00:00+00:00</updated>
    <content type="html">&lt;p&gt;Card&lt;/p&gt;</content>
    <category term="suspicious-items" scheme="{SITE}topics/" label="Suspicious items"/></entry>
  <entry><id>{NEWS}</id><title>Update</title><updated>2024-03-01T00:00:00+00:00</updated>
    <content type="html">&lt;p&gt;News&lt;/p&gt;</content>
    <category term="suspicious-items" scheme="{SITE}topics/" label="Suspicious items"/></entry>
</feed>
"""
OLD_JSON = {"version": "https://jsonfeed.org/version/1.1", "title": "Old", "home_page_url": SITE,
            "feed_url": SITE + "feeds/feed.json", "icon": SITE + "assets/images/logo.svg",
            "items": [{"id": url, "url": url, "content_html": "<p>x</p>", "date_published": "2024-03-01T00:00:00+00:00",
                       "date_modified": "2024-03-01T00:00:00+00:00", "tags": ["Suspicious items"]}
                      for url in (CARD, NEWS)]}


def old_site(root: Path) -> Path:
    site = root / "site"
    (site / "feeds").mkdir(parents=True)
    (site / "feeds/rss.xml").write_text(OLD_RSS, encoding="utf-8")
    (site / "feeds/atom.xml").write_text(OLD_ATOM, encoding="utf-8")
    (site / "feeds/feed.json").write_text(json.dumps(OLD_JSON), encoding="utf-8")
    (site / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (site / "assets/images").mkdir(parents=True)
    (site / "assets/images/logo.svg").write_text("<svg/>", encoding="utf-8")
    return site


def test_the_checker_finds_every_warning_kind_of_the_old_feeds(tmp_path):
    warnings = feed_warnings(old_site(tmp_path), SITE, require_icons=True)
    found = {line.split(":", 1)[0] for line in warnings}
    assert found == {"DuplicateItemSemantics", "DuplicateUpdated", "ImageUrlFormat", "ImplausibleDate", "MissingSelf",
                     "categories", "emergency"}, warnings
    assert f"DuplicateItemSemantics: feeds/rss.xml: {CARD}: dc:date beside pubDate" in warnings
    assert "DuplicateUpdated: feeds/atom.xml: 2 entries share atom:updated 2024-03-01T00:00:00+00:00" in warnings
    assert f"ImageUrlFormat: feeds/feed.json: icon {SITE}assets/images/logo.svg" in warnings
    assert "ImageUrlFormat: feeds/feed.json: no favicon" in warnings
    assert any(line.startswith("MissingSelf: feeds/atom.xml:") for line in warnings)


def pixels(png: bytes) -> tuple[bytes, bytes]:
    """A PNG's header and its decompressed image data: what it shows, whatever zlib version packed it."""
    chunks, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind = png[at + 4:at + 8]
        chunks[kind] = chunks.get(kind, b"") + png[at + 8:at + 8 + length]
        at += 12 + length
    return chunks[b"IHDR"], zlib.decompress(chunks[b"IDAT"])


def test_the_committed_icons_are_what_the_core_draws():
    for name, (size, _, _) in ICONS.items():
        committed = (REPO / "overrides/assets/images" / name).read_bytes()
        assert struct.unpack(">II", committed[16:24]) == (size, size), name
        if size <= 180:  # the 512-pixel icon takes longer to draw than the rest together; same code path
            assert pixels(committed) == pixels(icon_png(name)), name
    # The link-preview picture is the same for every site: committed, so that no build draws it.
    assert pixels((REPO / "overrides/assets/images/preview.png").read_bytes()) == pixels(preview_png())
