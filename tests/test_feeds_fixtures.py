"""Feeds of small fixture projects built with the real `protectpress build`: limits, drafts, empty topics,
awkward text, images, updated dates and hostile content."""

import html
import json
from pathlib import Path

import feedparser
import pytest

from feed_rules import feed_warnings
from support import FIXTURES, copy_project, run_in_process

MIXED_URL = "https://feeds.example.org/partners/"
AWKWARD_TITLE = "Ŵyl & <Sioe> \"quoted\" 'single' 🚨 ŷ"
AWKWARD_SUMMARY = "Tom & Jerry's <b>not bold</b> \"guide\" to the ŵyl — ŷ and 🎪 included"
HOSTILE_PAGE = "docs/guidance/hostile.md"


def build(project: Path, *args: str):
    return run_in_process("build", *args, cwd=project)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """tests/fixtures/feeds-mixed copied and built strictly; returns the project folder."""
    project = copy_project(FIXTURES / "feeds-mixed", tmp_path_factory.mktemp("feeds") / "feeds-mixed")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    return project


def parse(site: Path, path: str):
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def slugs(parsed) -> list[str]:
    return [e.id[len(MIXED_URL):] for e in parsed.entries]


def test_feeds_hold_the_newest_entries_up_to_the_configured_limit(mixed):
    site = mixed / "site"
    assert slugs(parse(site, "feeds/types/news/atom.xml")) == [
        "news/update-6/", "news/update-5/", "news/update-4/", "news/update-3/"]
    assert slugs(parse(site, "feeds/rss.xml")) == [
        "guidance/welsh-show/", "news/update-6/", "news/update-5/", "news/update-4/"]
    assert len(json.loads((site / "feeds/sectors/retail/feed.json").read_text())["items"]) == 4


def test_every_feed_passes_the_feed_validator_rules(mixed):
    # The feeds-hostile fixture no longer builds (active content is an error for every channel), so only the
    # mixed fixture's feeds are checked here; the example site's in test_feeds_site.py, the hostile build's
    # (awkward and hostile titles and summaries) in tests/security/test_sec_site_escaping.py.
    assert feed_warnings(mixed / "site", MIXED_URL) == []


def test_drafts_and_plain_pages_are_in_no_feed(mixed):
    for path in (mixed / "site/feeds").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "secret-draft" not in text and "Secret draft" not in text, path
            assert MIXED_URL + "about/" not in text, path
    assert not (mixed / "site/feeds/types/page").exists()


def test_an_empty_topic_gets_no_feed_and_no_link(mixed):
    site = mixed / "site"
    assert (site / "feeds/topics/martyns-law/rss.xml").is_file()
    assert not (site / "feeds/topics/unused-topic").exists()
    for page in site.rglob("*.html"):
        assert "unused-topic" not in page.read_text(encoding="utf-8"), page


def test_sector_feeds_include_what_applies_to_all_sectors(mixed):
    site = mixed / "site"
    assert slugs(parse(site, "feeds/sectors/sport/atom.xml")) == ["action-cards/parcels/"]
    hospitality = slugs(parse(site, "feeds/sectors/hospitality/atom.xml"))
    assert hospitality == ["guidance/welsh-show/", "action-cards/parcels/"]


def test_awkward_text_round_trips_exactly_in_every_format(mixed):
    site = mixed / "site"
    for path in ("feeds/types/guidance/rss.xml", "feeds/types/guidance/atom.xml"):
        item = parse(site, path).entries[0]
        # The summary goes in as escaped HTML (RSS <description> is HTML to readers): it reads exactly as written.
        assert (item.title, html.unescape(item.summary)) == (AWKWARD_TITLE, AWKWARD_SUMMARY), path
        assert "<b>" not in item.summary, path
    item = json.loads((site / "feeds/types/guidance/feed.json").read_text(encoding="utf-8"))["items"][0]
    assert (item["title"], item["summary"]) == (AWKWARD_TITLE, AWKWARD_SUMMARY)


def test_entries_carry_categories_image_author_and_absolute_content(mixed):
    site = mixed / "site"
    image_url = MIXED_URL + "images/pic.png"
    image_size = (FIXTURES / "feeds-mixed/docs/images/pic.png").stat().st_size
    atom = parse(site, "feeds/types/guidance/atom.xml")
    item = atom.entries[0]
    assert [(t.term, t.label, t.scheme) for t in item.tags] == [
        ("martyns-law", "Martyn's Law", MIXED_URL + "topics/martyns-law/"),
        ("hospitality", "Hospitality", MIXED_URL + "sectors/hospitality/")]
    assert item.author == "Fixture Comms Team"
    assert [(e.href, e.type, e.length) for e in item.enclosures] == [(image_url, "image/png", str(image_size))]
    assert item.link == MIXED_URL + "guidance/welsh-show/"
    assert atom.feed.logo == image_url  # the configured logo
    rss = parse(site, "feeds/types/guidance/rss.xml")
    assert rss.feed.image.href == image_url
    assert (rss.feed.image.width, rss.feed.image.height) == (2, 2)  # read from the PNG
    rss_item = rss.entries[0]
    assert [(e.href, e.type, e.length) for e in rss_item.enclosures] == [(image_url, "image/png", str(image_size))]
    raw_rss = (site / "feeds/types/guidance/rss.xml").read_text(encoding="utf-8")
    assert f'<guid isPermaLink="true">{MIXED_URL}guidance/welsh-show/</guid>' in raw_rss
    assert rss_item.id == item.id
    content = item.content[0].value
    assert f'href="{MIXED_URL}action-cards/parcels/#what-to-do"' in content
    assert f'src="{image_url}"' in content
    assert "headerlink" not in content and "¶" not in content


def test_index_pages_link_their_own_feeds(mixed):
    site = mixed / "site"
    for page, own in (("guidance/index.html", "types/guidance"), ("news/index.html", "types/news"),
                      ("topics/martyns-law/index.html", "topics/martyns-law"),
                      ("sectors/sport/index.html", "sectors/sport")):
        html = (site / page).read_text(encoding="utf-8")
        for feed in (f"feeds/{own}/rss.xml", f"feeds/{own}/atom.xml", "feeds/rss.xml", "feeds/atom.xml"):
            assert '<link rel="alternate" type="application/' in html  # exactly, as autodiscovery expects
            assert f'href="{MIXED_URL}{feed}"' in html, (page, feed)


def entry_dates(site: Path, entry_id: str) -> dict[str, str]:
    """One entry's dates as each format states them, plus the ids each format gives it."""
    rss = next(e for e in parse(site, "feeds/rss.xml").entries if e.id == entry_id)
    atom = next(e for e in parse(site, "feeds/atom.xml").entries if e.id == entry_id)
    document = json.loads((site / "feeds/feed.json").read_text(encoding="utf-8"))
    item = next(i for i in document["items"] if i["id"] == entry_id)
    return {"rss pubDate": rss.published, "atom updated": atom.updated, "atom published": atom.published,
            "json date_modified": item["date_modified"], "json date_published": item["date_published"]}


def test_a_changed_updated_date_moves_the_entry_in_every_format_with_the_same_id(mixed, tmp_path):
    project = copy_project(FIXTURES / "feeds-mixed", tmp_path / "feeds-mixed")
    page = project / "docs/guidance/welsh-show.md"
    page.write_text(page.read_text(encoding="utf-8").replace("updated: 2024-09-01", "updated: 2024-11-20"),
                    encoding="utf-8")
    assert build(project, "--strict").returncode == 0
    entry_id = MIXED_URL + "guidance/welsh-show/"
    before, after = entry_dates(mixed / "site", entry_id), entry_dates(project / "site", entry_id)
    for moved in ("rss pubDate", "atom updated", "json date_modified"):
        assert before[moved] != after[moved], moved
    assert "Sun, 01 Sep 2024" in before["rss pubDate"] and "Wed, 20 Nov 2024" in after["rss pubDate"]
    assert before["atom updated"].startswith("2024-09-01T") and after["atom updated"].startswith("2024-11-20T")
    assert after["json date_modified"] == after["atom updated"]
    for kept in ("atom published", "json date_published"):  # the first publication never moves
        assert before[kept] == after[kept] and before[kept].startswith("2024-05-01T"), kept
    assert parse(project / "site", "feeds/atom.xml").feed.updated == after["atom updated"]
    # RSS has no second date: the content says when the page first appeared.
    rss = next(e for e in parse(project / "site", "feeds/rss.xml").entries if e.id == entry_id)
    assert "Published 1 May 2024. Last updated 20 November 2024." in rss.content[0].value


def test_hostile_content_stops_the_build_naming_each_line(tmp_path):
    """One content policy for every channel (README, "Writing pages"): active content is an error for the
    site as for the feeds, so nothing is written. The feeds' own sanitising is tested in test_feeds_core.py."""
    project = copy_project(FIXTURES / "feeds-hostile", tmp_path / "feeds-hostile")
    result = build(project)  # not strict: these are errors
    assert result.returncode == 1
    errors = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith(f"error: {HOSTILE_PAGE}")]
    assert [(line.split(":")[2], line.split(", found ", 1)[1]) for line in errors] == [
        ("12", "a <script> element"), ("14", "an <iframe> element"), ("16", "an event handler onerror= on <img>"),
        ("18", "a javascript: URL in href= on <a>"), ("20", "a data: URL in href= on <a>")]
    assert not (project / "site").exists()


def test_hostile_content_fails_a_strict_build(tmp_path):
    project = copy_project(FIXTURES / "feeds-hostile", tmp_path / "feeds-hostile")
    result = build(project, "--strict")
    assert result.returncode == 1
    assert HOSTILE_PAGE in result.stderr and not (project / "site").exists()


def test_a_feed_limit_below_one_is_a_config_problem(tmp_path):
    project = copy_project(FIXTURES / "feeds-mixed", tmp_path / "feeds-mixed")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("limit: 4", "limit: 0"), encoding="utf-8")
    result = build(project)
    assert result.returncode == 2  # a mistake in mkdocs.yml, as `protectpress check` reports it too
    assert "mkdocs.yml: plugins.protectpress.feeds.limit: expected a whole number of entries, 1 or more, found 0" \
        in result.stderr


def test_a_logo_feed_readers_cannot_show_is_a_problem_naming_the_setting(tmp_path):
    project = copy_project(FIXTURES / "feeds-mixed", tmp_path / "feeds-mixed")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "logo: images/pic.png", "logo: images/pic.svg\n        favicon: images/pic.png"
        ),
        encoding="utf-8",
    )
    result = build(project, "--strict")
    assert result.returncode == 1
    assert ("mkdocs.yml: plugins.protectpress.feeds.logo: expected a PNG, JPEG or GIF image (feed readers show no "
            "other kind), found 'images/pic.svg'") in result.stderr
    assert "feeds.favicon" not in result.stderr
