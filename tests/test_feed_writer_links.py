"""The links each feed file carries, as the feed writer tells the link check (core/feeds/writers.py
`FeedWriter.links`), against what the check's scan of the written file finds (core/foundation/linkscan.py
`scan_xml_feed`, `scan_json_feed`), which it used to read back from disk: the same links, in the same order,
with the same address, kind and entry, for hostile entries and settings too.

Feed entries here are written as the build writes them (cleaned, `publish_feeds`) and also straight from raw
HTML (`FeedWriter`): the cleaner is not what keeps the two equal."""

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from protectpress.core.checks.linkcheck import check_site_links
from protectpress.core.feeds import FeedEntry, plan_feeds, publish_feeds
from protectpress.core.feeds.writers import FeedWriter
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.linkscan import FoundLink, scan_json_feed, scan_xml_feed
from protectpress.core.foundation.problems import Problems
from support import FIXTURES, copy_project

SITE = "https://feeds.example.org/partners/"

# Markup a page body or a setting could carry into a feed: relative and absolute links and images, srcset,
# <base>, links in comments and scripts, links with spaces, newlines and carriage returns, entities, characters
# XML cannot carry (dropped from the XML files, kept in JSON), CDATA's end and markup that only looks like a tag.
HOSTILE_BODIES = [
    '<p><a href="../other/#part">o</a> <img alt="" src="../../images/pic.png"> <a href="#top">t</a></p>',
    '<p><img srcset="a.png 1x, ../b.png 2x" src=" c.png "><a href=" ../spaced/ ">s</a>'
    '<a href="\r\n../crlf/\t">c</a><a href="../x/?a=1&amp;b=2">e</a></p>',
    '<base href="https://elsewhere.example.com/"><a href="moved/">m</a><!-- <a href="../in-comment/"> -->'
    '<script>document.write(\'<a href="../in-script/">\')</script><a href="javascript:alert(1)">j</a>',
    '<p><a href="../sep\u2028/">u</a>\x85</p>]]>&lt;a href="../not-a-tag/"&gt;\r\n',
    '   <p>  <a href=../bare/>bare</a> <a name="n" id="i" href="mailto:x@example.org">m</a></p>   ',
    "<p>No link at all &amp; no tag</p>",
    "",
    "  \n ",
]
# Characters XML 1.0 cannot carry: the writer drops them from the XML files and keeps them in JSON. (Written
# straight only: the cleaner hands them to lxml, which refuses them.)
CONTROL_BODY = '\x01<p>\x0b<a href="../ctl\x0c/">control</a>\x1f\ufffe</p>'


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def entry(slug: str, body: str, *, kind: str = "news", summary: str = "A summary.", image: str | None = None,
          url: str | None = None, entry_id: str | None = None, tags: tuple[str, ...] = ("suspicious-items",),
          date: str = "2024-01-01") -> FeedEntry:
    page_path = f"{kind}/{slug}/"
    return FeedEntry(id=entry_id or SITE + page_path, url=url or SITE + page_path, title=f"<{slug}> & more",
                     summary=summary, published=day(date), updated=day(date), content_html=body,
                     page_path=page_path, source_path=f"docs/{kind}/{slug}.md", kind=kind, tags=tags,
                     sectors=("retail",), image=image)


def hostile_entries() -> list[FeedEntry]:
    return [
        *(entry(f"body-{n}", body, date=f"2024-01-{n + 1:02d}") for n, body in enumerate(HOSTILE_BODIES)),
        entry("no-summary", HOSTILE_BODIES[0], summary=""),  # RSS then carries the content in <description>
        entry("no-anything", "", summary=""),
        entry("markup-summary", HOSTILE_BODIES[1], summary='<a href="../from-summary/">s</a> & <b>b</b>'),
        entry("image", HOSTILE_BODIES[0], image=SITE + "images/pic.png", kind="action-card"),
        entry("spaced-image", HOSTILE_BODIES[2], image=f"  {SITE}images/gone.png \n", kind="guidance"),
        entry("spaced-url", HOSTILE_BODIES[1], url=f" {SITE}news/spaced-url/\t", entry_id=f"\n{SITE}news/x/ "),
        entry("not-http-id", HOSTILE_BODIES[4], entry_id="urn:uuid:1234", tags=("martyns-law",)),
        entry("blank-image", HOSTILE_BODIES[0], image=" \n", kind="conference"),
    ]


def every_entry(settings):
    """The settings with a feed limit above the number of entries here, so every feed carries all of its own."""
    return dataclasses.replace(settings, plugin=dataclasses.replace(
        settings.plugin, feeds=dataclasses.replace(settings.plugin.feeds, limit=100)))


@pytest.fixture(scope="module")
def plain_settings():
    return every_entry(load_settings(FIXTURES / "feeds-mixed" / "mkdocs.yml"))


@pytest.fixture(scope="module")
def hostile_settings(tmp_path_factory):
    """Feed settings an author could write: markup in the description and in topic and sector labels (the RSS
    channel's <description> is HTML), every image set."""
    project = copy_project(FIXTURES / "feeds-mixed", tmp_path_factory.mktemp("hostile"))
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("tags: [Martyn's Law, Suspicious items, Unused topic]",
                        "tags: [\"Martyn's <a href='../law/'>Law</a>\", Suspicious items, Unused topic]")
    text = text.replace("retail: Retail", "retail: \"<img src='retail.png'> Retail\"")
    text = text.replace("logo: images/pic.png", "logo: images/pic.png\n        icon: images/pic.png\n"
                        "        favicon: images/pic.png\n"
                        "        description: \"Updates <a href='news/'>from us</a> \\r\\n <img src=/x.png>\"")
    config.write_text(text, encoding="utf-8")
    return every_entry(load_settings(config))


def scanned(path: str, data: bytes) -> list[FoundLink]:
    text = data.decode("utf-8")
    return scan_json_feed(text) if path.endswith(".json") else scan_xml_feed(text)


@pytest.mark.parametrize("which", ["plain_settings", "hostile_settings"])
def test_the_links_the_writer_gives_are_those_a_scan_of_each_written_file_finds(request, which):
    settings = request.getfixturevalue(which)
    links: dict[str, list[FoundLink]] = {}
    pinned = (entry("notice", HOSTILE_BODIES[2], kind="news", summary="Urgent <b>now</b>"),)
    files = publish_feeds(hostile_entries(), settings, Problems(), pinned=pinned, links=links)
    assert set(links) == set(files) and len(files) > 10
    for path, data in files.items():
        assert links[path] == scanned(path, data), path
    everything = [link for path, found in links.items() for link in found if path.startswith("feeds/atom")]
    assert len({link.entry for link in everything}) == len(hostile_entries()) + 1 + 1  # each, the notice, None


@pytest.mark.parametrize("which", ["plain_settings", "hostile_settings"])
def test_the_same_for_raw_uncleaned_bodies_written_straight(request, which):
    """The writer's rules do not lean on the cleaner: raw bodies, written as they are, give the same links."""
    settings = request.getfixturevalue(which)
    writer = FeedWriter(settings)
    feeds = plan_feeds([*hostile_entries(), entry("control", CONTROL_BODY, summary="\x02 \x1f")], settings)
    for feed in feeds:
        files, links = writer.render(feed), writer.links(feed)
        for path, data in files.items():
            assert links[path] == scanned(path, data), path


@pytest.mark.parametrize("images", [{"logo": ""}, {"logo": "", "icon": "images/pic.png"},
                                    {"favicon": "https://elsewhere.example.com/f.png"},
                                    {"icon": "images/pic.png", "favicon": "https://elsewhere.example.com/f.png"}])
@pytest.mark.parametrize("with_entries", [False, True])
def test_the_same_with_no_entries_and_with_each_image_set_or_not(plain_settings, images, with_entries):
    settings = dataclasses.replace(plain_settings, plugin=dataclasses.replace(
        plain_settings.plugin, feeds=dataclasses.replace(plain_settings.plugin.feeds, **images)))
    links: dict[str, list[FoundLink]] = {}
    files = publish_feeds(hostile_entries() if with_entries else [], settings, Problems(), links=links)
    assert with_entries or set(files) == {"feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json"}
    for path, data in files.items():
        assert links[path] == scanned(path, data), path


def write_site(site: Path, files: dict[str, bytes]) -> None:
    (site / "index.html").write_text("<html><body>home</body></html>", encoding="utf-8")
    for path, data in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(data)


def test_the_check_finds_the_same_problems_in_the_same_order_from_memory_as_from_the_files(tmp_path,
                                                                                          hostile_settings):
    """The link check given the writer's links reports exactly what it reports scanning the written feeds."""
    links: dict[str, list[FoundLink]] = {}
    files = publish_feeds(hostile_entries(), hostile_settings, Problems(), links=links)
    site = tmp_path / "site"
    site.mkdir()
    write_site(site, files)
    sources = {f"news/body-{number}/": f"docs/news/body-{number}.md" for number in range(len(HOSTILE_BODIES))}
    from_files, from_memory = Problems(), Problems()
    read = check_site_links(site, hostile_settings.links, sources, from_files)
    given = check_site_links(site, hostile_settings.links, sources, from_memory, written=links)
    assert [str(p) for p in from_memory] == [str(p) for p in from_files]
    assert len(from_files) > 5  # links to pages this small site never built
    assert (given.files, given.links, given.broken) == (read.files, read.links, read.broken)


def test_a_feed_file_the_writer_did_not_write_is_still_read(tmp_path, plain_settings):
    """A file in feeds/ that this build's writer did not give links for (left by an earlier build) is scanned
    from disk, as before."""
    links: dict[str, list[FoundLink]] = {}
    files = publish_feeds([entry("one", HOSTILE_BODIES[0])], plain_settings, Problems(), links=links)
    site = tmp_path / "site"
    site.mkdir()
    write_site(site, files)
    stale = {"version": "https://jsonfeed.org/version/1.1", "items": [{"url": SITE + "news/stale/"}]}
    (site / "feeds" / "old").mkdir()
    (site / "feeds" / "old" / "feed.json").write_text(json.dumps(stale), encoding="utf-8")
    problems = Problems()
    check_site_links(site, plain_settings.links, {}, problems, written=links)
    assert any("news/stale/" in str(p) and "feeds/old/feed.json" in str(p) for p in problems), list(problems)


def test_a_build_reports_what_only_its_feeds_link_to_as_reading_the_written_feeds_back_did(tmp_path, monkeypatch):
    """A whole build: a feed logo that is not there and a relative link in the feeds' description, which only the
    feeds carry. The build's problems are the same, in the same order, when the check reads the written feeds back
    (as it did before the writer gave it their links)."""
    from protectpress.cli.build import build_site
    from protectpress.core.foundation.sealedmemory import KEY_FILE_ENV
    from protectpress.mkdocs_plugins import feeds as feeds_feature

    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      feeds:\n        logo: images/missing.png\n"
                      "        description: \"Updates <a href='guidance/gone/'>gone</a> and more\"\n", encoding="utf-8")
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "key"))
    now = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    given = build_site(config, tmp_path / "given", now=now)
    real = feeds_feature.publish_feeds
    monkeypatch.setattr(feeds_feature, "publish_feeds", lambda *args, links=None, **options: real(*args, **options))
    read_back = build_site(config, tmp_path / "read-back", now=now)
    messages = [str(problem) for problem in given.problems]
    assert messages == [str(problem) for problem in read_back.problems]
    assert any("images/missing.png" in message and "in feeds/atom.xml" in message for message in messages), messages
    assert any("expected an absolute address in the feed feeds/rss.xml" in message for message in messages), messages
