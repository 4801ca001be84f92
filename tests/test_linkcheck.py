"""The cross-channel link check on small built sites written by hand: pages, feeds, JSON feeds and emails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protectpress.core.checks.linkcheck import BuiltSite, check_site_links
from protectpress.core.foundation.links import SiteLinks
from protectpress.core.foundation.linkscan import scan_html, scan_text, scan_xml_feed
from protectpress.core.foundation.nearest import nearest_pages
from protectpress.core.foundation.problems import Problems

LINKS = SiteLinks("https://example.org/sub/")
SOURCES = {"": "docs/index.md", "guidance/pals/": "docs/guidance/pals.md",
           "newsletters/march/": "newsletters/march.md"}


def page(body: str, ids: str = "") -> str:
    return f"<!doctype html><html><head><title>t</title></head><body>{ids}{body}</body></html>"


def write(site: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


def check(site: Path, project: Path | None = None) -> list[str]:
    problems = Problems()
    check_site_links(site, LINKS, SOURCES, problems, project_dir=project)
    return [str(p) for p in problems]


def test_good_links_of_every_kind_pass(tmp_path):
    site = write(tmp_path, {
        "index.html": page('<a href="guidance/pals/#scope">x</a> <a href="/sub/guidance/pals/">y</a>'
                           '<img src="assets/a.png" srcset="assets/a.png 1x, assets/a.png 2x">'
                           '<a href="https://example.org/sub/">home</a> <a href="#top">top</a> <a href="#main">m</a>'
                           '<a href="mailto:x@example.org">m</a> <a href="https://elsewhere.example/">e</a>'
                           '<link rel="preconnect" href="https://fonts.example/">',
                           '<main id="main"></main>'),
        "guidance/pals/index.html": page('<a href="../../">home</a> <a href="..">up</a>', '<h2 id="scope">S</h2>'),
        "guidance/index.html": page(""),
        "assets/a.png": "png",
    })
    assert check(site) == []


def test_broken_page_link_anchor_and_image_name_the_source_and_the_link(tmp_path):
    site = write(tmp_path, {
        "index.html": page('<a href="guidance/missing/">x</a> <a href="guidance/pals/#nope">y</a>'
                           '<img src="assets/gone.png"> <a href="#absent">z</a>'),
        "guidance/pals/index.html": page("", '<h2 id="scope">S</h2>'),
    })
    assert check(site) == [
        "docs/index.md: expected a link to a heading or id that exists on guidance/pals/, found 'guidance/pals/#nope'",
        "docs/index.md: expected a link to a heading or id that exists on the home page, found '#absent'",
        "docs/index.md: expected a link to a page that exists (docs/guidance/missing.md does not exist), found "
        "'guidance/missing/'",
        "docs/index.md: expected an image that exists (docs/assets/gone.png does not exist), found "
        "'assets/gone.png'",
    ]


def test_a_broken_link_suggests_the_page_in_its_folder_named_like_it_before_the_index(tmp_path):
    """`action-cards/firearms` is nearer `action-cards/index` by spelling, but the page meant is the one whose name
    starts with `firearms` (first-time comms officer's trial); nothing is near `news/does-not-exist`."""
    sources = {"": "docs/index.md", "action-cards/": "docs/action-cards/index.md",
               "action-cards/firearms-and-weapons-attacks/": "docs/action-cards/firearms-and-weapons-attacks.md",
               "news/": "docs/news/index.md", "news/2023-03-pals-replaces-crowded-places/":
               "docs/news/2023-03-pals-replaces-crowded-places.md"}
    site = write(tmp_path, {
        "index.html": page('<a href="/sub/action-cards/firearms/">x</a> <a href="/sub/news/does-not-exist/">y</a>'),
        **{f"{url}index.html": page("") for url in sources if url},
    })
    problems = Problems()
    check_site_links(site, LINKS, sources, problems)
    assert [str(p) for p in problems] == [
        "docs/index.md: expected a link to a page that exists (docs/action-cards/firearms.md does not exist; the "
        "nearest page is docs/action-cards/firearms-and-weapons-attacks.md), found '/sub/action-cards/firearms/'",
        "docs/index.md: expected a link to a page that exists (docs/news/does-not-exist.md does not exist), found "
        "'/sub/news/does-not-exist/'",
    ]


def test_one_suggestion_for_both_messages_a_named_page_before_an_index():
    pages = ["guidance/index.md", "guidance/lockdown.md", "guidance/gone.md", "action-cards/index.md",
             "action-cards/unattended-and-suspicious-items.md", "news/index.md"]
    assert nearest_pages("action-cards/suspicious-items.md", pages) == [
        "action-cards/unattended-and-suspicious-items.md"]
    assert nearest_pages("guidance/retired.md", pages, count=3) == ["guidance/gone.md", "guidance/lockdown.md"]
    assert nearest_pages("news/does-not-exist.md", pages, count=3) == ["news/index.md"]
    assert nearest_pages("elsewhere/zzz.md", pages) == []


def test_the_line_of_the_broken_link_in_the_markdown_source_is_given(tmp_path):
    site = write(tmp_path / "site", {"index.html": page('<a href="#absent">z</a>')})
    write(tmp_path, {"docs/index.md": "---\ntitle: Home\n---\n\nIntro.\n\nSee [below](#absent).\n"})
    assert check(site, project=tmp_path) == [
        "docs/index.md:7: expected a link to a heading or id that exists on the home page, found '#absent'"]


def test_links_above_the_site_root_or_outside_its_folder_are_broken(tmp_path):
    site = write(tmp_path, {"index.html": page('<a href="../../../etc/passwd">x</a> <a href="/other/">y</a>')})
    problems = check(site)
    assert len(problems) == 2
    assert any("expected a link inside the site https://example.org/sub/, found '/other/'" in p for p in problems)


def test_feed_links_are_checked_and_named_by_the_entry_page(tmp_path):
    rss = """<?xml version='1.0' encoding='UTF-8'?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>t</title><link>https://example.org/sub/</link>
<item><title>PALs</title><link>https://example.org/sub/guidance/pals/</link>
<guid>https://example.org/sub/guidance/pals/</guid>
<content:encoded>&lt;p&gt;&lt;a href="https://example.org/sub/guidance/gone/"&gt;x&lt;/a&gt;
&lt;img src="https://example.org/sub/assets/b.png"&gt;&lt;/p&gt;</content:encoded></item>
</channel></rss>"""
    site = write(tmp_path, {"index.html": page(""), "guidance/pals/index.html": page(""), "feeds/rss.xml": rss})
    assert check(site) == [
        "docs/guidance/pals.md: expected a link to a page that exists (docs/guidance/gone.md does not exist), "
        "found 'https://example.org/sub/guidance/gone/' in feeds/rss.xml",
        "docs/guidance/pals.md: expected an image that exists (docs/assets/b.png does not exist), found "
        "'https://example.org/sub/assets/b.png' in feeds/rss.xml",
    ]


def test_json_feed_and_a_relative_link_in_a_feed(tmp_path):
    feed = {"version": "https://jsonfeed.org/version/1.1", "home_page_url": "https://example.org/sub/",
            "feed_url": "https://example.org/sub/feeds/feed.json",
            "items": [{"id": "https://example.org/sub/guidance/pals/", "url": "https://example.org/sub/guidance/pals/",
                       "image": "https://example.org/sub/assets/missing.png",
                       "content_html": '<a href="#scope">s</a>'}]}
    site = write(tmp_path, {"index.html": page(""), "guidance/pals/index.html": page("", '<h2 id="scope">S</h2>'),
                            "feeds/feed.json": json.dumps(feed)})
    assert check(site) == [
        "docs/guidance/pals.md: expected an image that exists (docs/assets/missing.png does not exist), found "
        "'https://example.org/sub/assets/missing.png' in feeds/feed.json"]


def test_emails_must_use_absolute_links_and_keep_placeholders(tmp_path):
    site = write(tmp_path, {
        "index.html": page(""),
        "newsletters/march/index.html": page(""),
        "newsletters/march/email.html": page('<a href="[[pp:unsubscribe]]">u</a> <a href="../../privacy/">p</a>'
                                             '<a href="https://example.org/sub/">home</a>'),
        "newsletters/march/email.txt": "Home: https://example.org/sub/\nGone: https://example.org/sub/gone/.\n",
    })
    assert check(site) == [
        "newsletters/march.md: expected a link to a page that exists (docs/gone.md does not exist), found "
        "'https://example.org/sub/gone/' in newsletters/march/email.txt",
        "newsletters/march.md: expected an absolute address in an email (feed readers and mail programs do not "
        "know the site's address), found '../../privacy/'",
    ]


def test_a_broken_feed_file_is_an_error_not_a_crash(tmp_path):
    site = write(tmp_path, {"index.html": page(""), "feeds/atom.xml": "<feed><entry></feed>"})
    problems = check(site)
    assert len(problems) == 1 and problems[0].startswith("feeds/atom.xml: expected well-formed XML")


def test_scanner_ignores_comments_scripts_and_reads_quoted_angle_brackets():
    scanned = scan_html('<!-- <a href="c"> --><script>var s = "<a href=\'j\'>";</script>'
                        '<a title="a > b" href="real">x</a><svg><path d="M0>1"/></svg><div id=plain></div>')
    assert [link.target for link in scanned.links] == ["real"]
    assert scanned.ids == {"plain"}


def test_scanners_read_atom_links_and_text_urls():
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom"><id>https://example.org/sub/</id>'
            '<entry><link href="https://example.org/sub/x/" rel="alternate"/><id>https://example.org/sub/x/</id>'
            '</entry></feed>')
    assert {link.target for link in scan_xml_feed(atom)} == {"https://example.org/sub/", "https://example.org/sub/x/"}
    assert [link.target for link in scan_text("See: https://example.org/a/. And (https://example.org/b/)")] == [
        "https://example.org/a/", "https://example.org/b/"]


def test_feed_scanner_reads_each_link_with_its_entry_as_a_tree_walk_does():
    # The body comes before the item's link, which is its base; text after a child (a tail) is not a URL; a
    # guid that is no permalink is not a link; an item inside an item carries its own address, the outer one's
    # links the outer address, and a link outside any item none.
    rss = ('<rss><channel><link>https://example.org/sub/</link>'
           "<item><description>&lt;a href='../a/'&gt;a&lt;/a&gt;</description>"
           '<guid isPermaLink="false">https://example.org/sub/not-a-link/</guid>'
           "<item><link>https://example.org/sub/inner/</link></item>"
           "<link>https://example.org/sub/x/<b/>https://example.org/sub/tail/</link>"
           "<enclosure url='https://example.org/sub/i.png'/></item></channel></rss>")
    assert [(link.target, link.base) for link in scan_xml_feed(rss)] == [
        ("https://example.org/sub/", None),
        ("../a/", "https://example.org/sub/x/"),
        ("https://example.org/sub/inner/", "https://example.org/sub/inner/"),
        ("https://example.org/sub/x/", "https://example.org/sub/x/"),
        ("https://example.org/sub/i.png", "https://example.org/sub/x/"),
    ]


def test_feed_scanner_refuses_an_entity_no_declaration_in_the_file_defines():
    # ElementTree refuses it; expat alone would skip it, as the DTD outside the file might define it.
    with pytest.raises(ValueError, match=r"well-formed XML \(undefined entity &gone;: line 1, column 36\)"):
        scan_xml_feed("<!DOCTYPE rss SYSTEM 'rss.dtd'><rss>&gone;</rss>")


def test_feed_scanner_reads_escaped_text_outside_the_elements_it_reads():
    # A site or entry title "Safety &amp; security" once broke every feed's check (the refusal of undeclared
    # entities saw the escaped text of elements the scanner does not read): it must read as well-formed.
    rss = ("<rss><channel><title>Safety &amp; security &lt;&gt;&quot;&apos; &#38; &#x26;</title>"
           "<link>https://example.org/</link><item><title>Tom &amp; Jerry</title><category>A &amp; B</category>"
           "<link>https://example.org/a/?x=1&amp;y=2</link></item></channel></rss>")
    assert [link.target for link in scan_xml_feed(rss)] == ["https://example.org/", "https://example.org/a/?x=1&y=2"]


def test_built_site_serves_directories_and_refuses_to_escape(tmp_path):
    site = BuiltSite(write(tmp_path, {"index.html": "", "a/index.html": "", "b.html": ""}))
    assert site.file_for("") == "index.html"
    assert site.file_for("a/") == "a/index.html"
    assert site.file_for("a") == "a/index.html"
    assert site.file_for("b.html") == "b.html"
    assert site.file_for("../a/") is None
    assert site.file_for("c/") is None
