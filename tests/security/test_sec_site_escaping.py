"""Issue 11, item 2: front-matter text is plain text, escaped wherever the site, feeds and emails write it.

One hostile build of the example site (tests/hostile_site.py) is parsed as a browser or reader would parse it:
no payload may become a script or an event handler anywhere, and each text must read exactly as written, in
<title>, og:title, the meta description, <h1>, the navigation, tabs, breadcrumbs, previous/next links,
listings, generated pages, feeds, the email and the newsletter's web version, without double escaping.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import feedparser
import lxml.html
import pytest

from feed_rules import feed_warnings
from hostile_site import (
    HARMLESS,
    HARMLESS_PAGE,
    HOSTILE_PAGES,
    IMAGE_ALT,
    ORGANISATION,
    PREHEADER,
    SITE_NAME,
    SUBJECT,
    SUBTITLE,
    SUMMARY,
    TOPIC_LABEL,
    build_hostile_site,
)

LAW = HOSTILE_PAGES["docs/guidance/martyns-law.md"]
ABOUT = HOSTILE_PAGES["docs/about.md"]
WEB_VERSION = "newsletters/2023-03-security-and-policing/index.html"
EMAIL = "newsletters/2023-03-security-and-policing/email.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("sec-site") / "project")


def parse(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_bytes())


def words(element) -> str:
    return " ".join(element.text_content().split())


def texts(root, xpath: str) -> list[str]:
    return [words(element) for element in root.xpath(xpath)]


def headings(root) -> list[str]:
    """The page's <h1> text, without the permalink "¶" that Markdown headings carry."""
    return [text.removesuffix("¶").strip() for text in texts(root, "//article//h1")]


def attribute(root, xpath: str) -> str:
    values = root.xpath(xpath)
    assert len(values) == 1, (xpath, values)
    return str(values[0])


def test_no_payload_becomes_script_or_a_handler_in_any_page_or_email(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 30 and site / EMAIL in pages
    for page in pages:
        root = lxml.html.fromstring(page.read_bytes())
        scripts = [s.text or "" for s in root.iter("script")]
        assert not [s for s in scripts if "__pwned" in s], page
        handlers = [(e.tag, name) for e in root.iter() if isinstance(e.tag, str)
                    for name in e.attrib if name.lower().startswith("on")]
        assert not handlers, (page, handlers)
        assert len(root.xpath("//title")) <= 1, page


def test_a_page_title_summary_and_subtitle_read_as_written_in_head_and_body(site):
    law = parse(site, "guidance/martyns-law/index.html")
    assert texts(law, "//head/title") == [f"{' '.join(LAW.split())} - {SITE_NAME}"]
    assert attribute(law, '//meta[@property="og:title"]/@content') == LAW
    assert attribute(law, '//meta[@name="description"]/@content') == SUMMARY
    assert attribute(law, '//meta[@property="og:description"]/@content') == SUMMARY
    assert headings(law) == [" ".join(LAW.split())]
    assert texts(law, '//article//p[@class="pp-lead"]') == [" ".join(SUMMARY.split())]  # the lead paragraph
    assert " ".join(LAW.split()) in texts(law, '//nav[contains(@class, "md-nav--primary")]//a')
    about = parse(site, "about/index.html")
    assert attribute(about, '//meta[@name="description"]/@content') == SUMMARY
    assert any(" ".join(SUBTITLE.split()) in text for text in texts(about, "//nav//small"))


def test_tabs_breadcrumbs_and_previous_next_links_read_as_written(site):
    law = parse(site, "guidance/martyns-law/index.html")
    assert " ".join(ABOUT.split()) in texts(law, '//nav[contains(@class, "md-tabs")]//a')
    assert texts(law, '//header//a[@class="pp-site-name__link"]') == [SITE_NAME]  # brand: short_name
    organisation = " ".join(ORGANISATION.split())
    assert texts(law, '//span[@class="pp-brand__name"]') == [organisation]
    assert texts(law, '//p[@class="pp-footer__organisation"]') == [organisation]
    assert texts(law, '//nav[contains(@class, "md-path")]//a')  # breadcrumbs are rendered on this page
    footer = '//a[contains(@class, "md-footer__link")]//div[contains(@class, "md-ellipsis")]'
    # The sidebar orders guidance by title, so find the neighbours' footer links wherever they fall.
    footer_links = {text for page in (site / "guidance").glob("*/index.html")
                    for text in texts(parse(site, str(page.relative_to(site))), footer)}
    assert HARMLESS in footer_links
    assert " ".join(LAW.split()) in footer_links


def test_listings_and_generated_pages_read_as_written(site):
    topic = parse(site, "topics/martyns-law/index.html")
    assert headings(topic) == [" ".join(TOPIC_LABEL.split())]
    # The intro names the kinds listed, then the topic as written ("Guidance about <label>.").
    assert any(text.endswith(f" about {' '.join(TOPIC_LABEL.split())}.") for text in texts(topic, "//article//p"))
    assert " ".join(LAW.split()) in texts(topic, '//ul[@class="pp-listing"]/li/a')
    topics = parse(site, "topics/index.html")
    assert " ".join(TOPIC_LABEL.split()) in texts(topics, "//article//li/a")
    facts = parse(site, "guidance/martyns-law/index.html")
    assert " ".join(TOPIC_LABEL.split()) in texts(facts, '//dl[@class="pp-terms"]//a')
    subscribe = parse(site, "subscribe/index.html")
    assert " ".join(TOPIC_LABEL.split()) in texts(subscribe, '//article//li/span[@class="pp-feed-list__name"]')
    # The picker (pp-subscribe.js) reads each choice's name from its attribute: it too holds the text as written.
    assert " ".join(TOPIC_LABEL.split()) in subscribe.xpath("//article//li/@data-pp-feed")


def test_harmless_awkward_text_is_exact_everywhere_and_never_escaped_twice(site):
    page = parse(site, "guidance/hostile-reconnaissance/index.html")
    assert texts(page, "//head/title") == [f"{HARMLESS} - {SITE_NAME}"]
    assert attribute(page, '//meta[@property="og:title"]/@content') == HARMLESS
    assert attribute(page, '//meta[@name="description"]/@content') == HARMLESS
    assert headings(page) == [HARMLESS]
    assert HARMLESS in texts(page, '//dl[@class="pp-terms"]//a')  # the sector label
    sector = parse(site, "sectors/retail/index.html")
    assert headings(sector) == [HARMLESS]
    assert HARMLESS in texts(sector, '//ul[@class="pp-listing"]/li/a')
    assert HARMLESS in texts(parse(site, "sectors/index.html"), "//article//li/a")
    for path in site.rglob("*.html"):
        raw = path.read_text(encoding="utf-8")
        assert "&amp;amp;" not in raw and "&amp;lt;" not in raw and "&amp;#" not in raw, path
    assert HARMLESS_PAGE  # the page the harmless title was written into


def test_feeds_carry_titles_as_text_and_summaries_as_escaped_html(site):
    for name in ("feeds/rss.xml", "feeds/atom.xml"):
        parsed = feedparser.parse((site / name).read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert LAW in [e.title for e in parsed.entries] and HARMLESS in [e.title for e in parsed.entries]
    rss = ElementTree.parse(site / "feeds/rss.xml").getroot()
    descriptions = [item.findtext("description") for item in rss.iter("item")]
    assert descriptions and all(descriptions)
    for description in descriptions:
        # What a reader renders as HTML: text only, and exactly the summary.
        fragment = lxml.html.fragment_fromstring(description, create_parent="div")
        assert [e.tag for e in fragment.iter()] == ["div"], description
    rendered = [lxml.html.fragment_fromstring(d, create_parent="div").text_content() for d in descriptions]
    assert SUMMARY in rendered and HARMLESS in rendered
    # Escaped summaries and awkward titles still make feeds that validate.
    assert feed_warnings(site, "https://protectpress.example.org/") == []


def test_the_email_and_web_version_print_subject_preheader_and_alt_as_text(site):
    email = parse(site, EMAIL)
    assert texts(email, "//head/title") == [" ".join(SUBJECT.split())]
    assert " ".join(PREHEADER.split()) in words(email)
    assert IMAGE_ALT in email.xpath("//img/@alt")
    web = parse(site, WEB_VERSION)
    assert headings(web) == [" ".join(SUBJECT.split())]
    assert attribute(web, '//meta[@name="description"]/@content') == PREHEADER
    assert IMAGE_ALT in web.xpath("//article//img/@alt")
    assert " ".join(SUMMARY.split()) in texts(web, "//article//p")
    archive = parse(site, "newsletters/index.html")
    assert " ".join(SUBJECT.split()) in texts(archive, "//article//li/a")
