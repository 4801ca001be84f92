"""The feed core on its own (no MkDocs): cleaning, which feeds exist, and what feedgen and json write."""

import dataclasses
import datetime as dt
import html
import json
import struct

import feedparser
import pytest

from protectpress.core.feeds import FeedEntry, check_feed_images, clean_content, plan_feeds, publish_feeds, render_feed
from protectpress.core.feeds.catalogue import ATOM, RSS
from protectpress.core.feeds.clean import clean_entries
from protectpress.core.feeds.instants import with_distinct_instants
from protectpress.core.feeds.writers import FeedWriter
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.problems import Problems, Severity
from support import FIXTURES, copy_project

SITE = "https://feeds.example.org/partners/"
AWKWARD_TITLE = "Ŵyl & <Sioe> \"quoted\" 'single' 🚨 ŷ"
AWKWARD_SUMMARY = "Tom & Jerry's <b>not bold</b> \"guide\" — ŵ ŷ 🎪 ]]> end"


@pytest.fixture(scope="module")
def settings():
    return load_settings(FIXTURES / "feeds-mixed" / "mkdocs.yml")


def day(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def entry(slug: str, *, kind="news", published="2024-01-01", updated=None, tags=("suspicious-items",),
          sectors=("retail",), html="<p>Body</p>", title=None, summary="A summary.", path=None) -> FeedEntry:
    page_path = f"{kind}/{slug}/"
    return FeedEntry(id=SITE + page_path, url=SITE + page_path, title=title or slug.title(), summary=summary,
                     published=day(published), updated=day(updated or published), content_html=html,
                     page_path=page_path, source_path=path or f"docs/{kind}/{slug}.md", kind=kind, tags=tags,
                     sectors=sectors)


def test_content_loses_permalink_anchors_and_gets_absolute_links(settings):
    html = ('<h2 id="steps">Steps<a class="headerlink" href="#steps" title="Permanent link">¶</a></h2>'
            '<p>See <a href="../other/#part">other</a>, <a href="#steps">above</a>, '
            '<a href="https://www.gov.uk/x">GOV.UK</a> and <img alt="Map" src="../../images/map.png"></p>')
    cleaned, removed = clean_content(html, settings.links, "guidance/pals/")
    assert removed == []
    assert "headerlink" not in cleaned and "¶" not in cleaned
    assert '<h2 id="steps">Steps</h2>' in cleaned
    assert f'href="{SITE}guidance/other/#part"' in cleaned
    assert f'href="{SITE}guidance/pals/#steps"' in cleaned
    assert 'href="https://www.gov.uk/x"' in cleaned
    assert f'src="{SITE}images/map.png"' in cleaned


# Markup with an address wherever lxml's rewrite_links looks for one: every link attribute it knows on tags the
# sanitiser keeps and on tags it drops, addresses in styles, <object>, <param>, <meta> refresh, spaces around an
# address, an address that is already absolute.
EVERY_ADDRESS = (
    '<p cite="../c/" title="t"><a href=" ../a/ " cite="../x/" data="../d/">a</a> <img src="i.png" srcset="s.png 2x"'
    ' longdesc="../l/" usemap="#m" lowsrc="lo.png"> <a href="https://www.gov.uk/">g</a> <a href="#top">t</a></p>'
    '<blockquote cite="../q/"><q cite="../q2/">q</q></blockquote><table background="bg.png"><tr>'
    '<td style="background: url(../u.png)">1</td></tr></table><object data="o.swf" codebase="../cb/"></object>'
    '<param name="m" value="../v/" valuetype="ref"><meta http-equiv="refresh" content="0; url=../r/">'
    '<style>p { background: url(../s.png) }</style><form action="../f/"><button formaction="../b/">b</button>'
    '</form><del cite="../del/">d</del><ins cite="../ins/">i</ins><div profile="../p/" classid="../cl/">x</div>'
)


@pytest.mark.parametrize("html", [EVERY_ADDRESS, '<p><a href="../other/#part">o</a><img alt="" src="../m.png"></p>',
                                  '<h2 id="s">S<a class="headerlink" href="#s">¶</a></h2><p>No address here.</p>'])
def test_cleaning_makes_absolute_every_address_lxmls_rewrite_links_would(settings, html):
    """clean_content rewrites only the attributes the sanitiser lets through that can hold an address, where
    rewrite_links looked everywhere: the same cleaned HTML, byte for byte."""
    import lxml.html

    from protectpress.core.judge.sanitise import sanitise_html

    cleaned, _ = clean_content(html, settings.links, "guidance/pals/")
    fragment = lxml.html.fragment_fromstring(sanitise_html(html).html, create_parent="div")
    for anchor in fragment.xpath('.//a[contains(concat(" ", normalize-space(@class), " "), " headerlink ")]'):
        anchor.drop_tree()
    fragment.rewrite_links(lambda target: settings.links.absolute(target, from_url="guidance/pals/"),
                           resolve_base_href=False)
    assert cleaned == lxml.html.tostring(fragment, encoding="unicode")[len("<div>"):-len("</div>")]


def test_the_sanitiser_lets_through_nothing_rewrite_links_reads_that_cleaning_does_not():
    """clean_content's ADDRESS_ATTRIBUTES stands for rewrite_links only while the sanitiser keeps no element and
    no attribute whose address rewrite_links reads otherwise: a style, an <object>, <param> or <meta>."""
    from protectpress.core.feeds.clean import ADDRESS_ATTRIBUTES
    from protectpress.core.judge.sanitise import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

    assert not ALLOWED_TAGS & {"style", "object", "param", "meta"}
    assert not any("style" in attributes for attributes in ALLOWED_ATTRIBUTES.values())
    assert ADDRESS_ATTRIBUTES == {"a": ("href",), "img": ("src",)}


def test_each_removal_is_one_warning_naming_the_file_however_many_feeds_carry_it(settings):
    hostile = entry("bad", html='<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:x()">y</a>',
                    tags=("suspicious-items", "martyns-law"), sectors=("all",), path="docs/news/bad.md")
    problems = Problems()
    files = publish_feeds([hostile], settings, problems)
    # The entry is in the site, type, two topic and every sector feed, yet each removal is reported once.
    assert len([p for p in files if p.endswith("rss.xml")]) > 5
    assert [p.severity for p in problems] == [Severity.WARNING] * 3
    assert {p.path for p in problems} == {"docs/news/bad.md"}
    assert sorted(p.found for p in problems) == ["a <script> element", "a javascript: URL in href= on <a>",
                                                 "an event handler onclick= on <p>"]
    for data in files.values():
        text = data.decode("utf-8")
        assert "<script" not in text and "&lt;script" not in text
        assert "onclick" not in text and "javascript:" not in text


def test_awkward_titles_and_summaries_round_trip_exactly(settings):
    problems = Problems()
    files = publish_feeds([entry("show", title=AWKWARD_TITLE, summary=AWKWARD_SUMMARY)], settings, problems)
    for name in ("feeds/rss.xml", "feeds/atom.xml"):
        parsed = feedparser.parse(files[name])
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries[0].title == AWKWARD_TITLE
        # The summary is plain text carried as escaped HTML (RSS <description> is HTML to every reader): what
        # a reader shows is exactly the text, never its "<b>" as markup.
        assert parsed.entries[0].summary_detail.type == "text/html"
        assert html.unescape(parsed.entries[0].summary) == AWKWARD_SUMMARY
        assert "<b>" not in parsed.entries[0].summary
    item = json.loads(files["feeds/feed.json"])["items"][0]
    assert (item["title"], item["summary"]) == (AWKWARD_TITLE, AWKWARD_SUMMARY)
    assert not problems


def test_a_topic_or_sector_without_entries_gets_no_feed(settings):
    feeds = plan_feeds([entry("one")], settings)
    folders = {f.folder for f in feeds}
    assert "feeds/topics/suspicious-items/" in folders and "feeds/sectors/retail/" in folders
    assert "feeds/topics/unused-topic/" not in folders
    assert "feeds/sectors/sport/" not in folders
    assert "feeds/types/guidance/" not in folders
    assert "feeds/" in folders  # the site-wide feed always exists: every page links it


def test_an_all_sectors_entry_is_in_every_sector_feed(settings):
    feeds = plan_feeds([entry("card", kind="action-card", sectors=("all",)), entry("shop", sectors=("retail",))],
                       settings)
    sector_feeds = {f.slug: sorted(e.id.split("/")[-2] for e in f.entries) for f in feeds if f.group == "sectors"}
    assert sector_feeds == {"all": ["card"], "retail": ["card", "shop"], "hospitality": ["card"], "sport": ["card"]}


def test_feeds_keep_the_newest_entries_up_to_the_limit(settings):
    entries = [entry(f"n{i}", published=f"2024-0{i}-01") for i in range(1, 8)]
    entries.append(entry("old-but-updated", published="2023-01-01", updated="2024-12-01"))
    entries.append(entry("a-plain-page", kind="page", published="2025-01-01"))
    site = plan_feeds(entries, settings)[0]
    assert settings.plugin.feeds.limit == 4
    assert [e.id.split("/")[-2] for e in site.entries] == ["old-but-updated", "n7", "n6", "n5"]
    assert site.updated.date() == dt.date(2024, 12, 1)  # at that entry's own second of the day
    assert site.updated == site.entries[0].updated


def test_rendering_twice_gives_the_same_bytes_and_the_newest_date(settings):
    entries = [entry("a", published="2024-02-01", updated="2024-03-05"), entry("b", published="2024-02-10")]
    site = plan_feeds(entries, settings)[0]
    first, second = render_feed(site, settings), render_feed(site, settings)
    assert first == second
    newest = site.entries[0].updated
    assert newest.date() == dt.date(2024, 3, 5)
    assert f"<lastBuildDate>{newest:%a, %d %b %Y %H:%M:%S} +0000</lastBuildDate>".encode() in first["feeds/rss.xml"]
    assert f"<updated>{newest.isoformat()}</updated>".encode() in first["feeds/atom.xml"]
    assert b"<generator>protectpress</generator>" in first["feeds/atom.xml"]


def test_an_entry_made_once_for_every_feed_writes_the_bytes_a_feed_written_alone_has(settings):
    # One writer makes each entry's RSS item, Atom entry and JSON Feed item once and hands them to every feed that
    # carries it; each file must be what that feed written on its own (a fresh writer, fresh entries) is.
    entries = [entry("card", kind="action-card", tags=("suspicious-items", "martyns-law"), sectors=("all",),
                     html='<p>See <a href="../other/">other</a>.</p>'),
               dataclasses.replace(entry("shop", published="2024-02-01", sectors=("retail", "sport")),
                                   image=SITE + "images/shop.png", image_length=1234)]
    feeds = [dataclasses.replace(feed, entries=tuple(clean_entries(list(feed.entries), settings.links, Problems())))
             for feed in plan_feeds(entries, settings)]
    assert sum(1 for feed in feeds if any(e.kind == "action-card" for e in feed.entries)) > 5
    writer = FeedWriter(settings)
    together = {path: data for feed in feeds for path, data in writer.render(feed).items()}
    alone = {path: data for feed in feeds for path, data in render_feed(feed, settings).items()}
    assert together == alone
    for feed in feeds:
        for feed_format in ("rss.xml", "atom.xml", "feed.json"):
            parsed = feedparser.parse(together[feed.folder + feed_format]) if feed_format != "feed.json" else None
            ids = ([e.id for e in parsed.entries] if parsed is not None
                   else [item["id"] for item in json.loads(together[feed.folder + feed_format])["items"]])
            assert ids == [e.id for e in feed.entries]


# Bodies and texts that look like where one entry ends and the next begins, once escaped or not.
HOSTILE_BODIES = ['<p>a\n    <item>\n b</p>', '<pre>x\n  <entry>\n</entry>\n</feed>\n  </channel>\n</rss>\n</pre>',
                  '<p><![CDATA[ <item> ]]> \u2028 \x0b tab\t &amp; &lt;item&gt;</p>', ""]


@pytest.mark.parametrize("pinned", [False, True])
def test_each_xml_file_is_the_bytes_feedgen_writes_with_every_entry_made_for_it(settings, pinned):
    # The writer serialises each entry once and puts its bytes in every file that carries it; each file must be
    # what feedgen writes for that feed with every entry made afresh (`whole_xml`), and so must a feed without any.
    kinds, links = ("news", "action-card", "guidance"), settings.links
    groups = [(("suspicious-items", "martyns-law"), ("all",)), (("suspicious-items",), ("retail", "sport")),
              ((), ("retail",)), (("martyns-law",), ()), (("suspicious-items",), ("sport",))] * 3
    entries = [dataclasses.replace(entry(f"e{i}", kind=kinds[i % 3], published=f"2024-0{i % 9 + 1}-1{i % 7}",
                                         tags=tags, sectors=sectors, html=HOSTILE_BODIES[i % len(HOSTILE_BODIES)],
                                         title=AWKWARD_TITLE + "\n    <item>\n",
                                         summary=AWKWARD_SUMMARY + "\n  <entry>\n"),
                                   image=SITE + f"images/{i}.png" if i % 2 else None, image_length=i)
               for i, (tags, sectors) in enumerate(groups)]
    notice = (entry("notice", html=HOSTILE_BODIES[0]),) if pinned else ()
    feeds = [dataclasses.replace(feed, entries=tuple(clean_entries(list(feed.entries), links, Problems())))
             for feed in plan_feeds(entries, settings, pinned=notice)]
    feeds.append(plan_feeds([], settings)[0])  # a new site's feed, with no entry
    writer = FeedWriter(settings)
    for feed in feeds:
        urls, files = writer.urls(feed), writer.render(feed)
        for feed_format in (RSS, ATOM):
            alone = FeedWriter(settings).whole_xml(feed, feed_format, feed_id=urls[ATOM], self_url=urls[feed_format])
            assert files[feed.path(feed_format)] == alone
    assert sum(len(feed.entries) for feed in feeds) > 2 * len(entries)  # entries in many feeds each


def test_a_file_feedgen_writes_otherwise_is_feedgens_own(settings, monkeypatch):
    from protectpress.core.feeds import writers

    feeds = plan_feeds([entry("a"), entry("b", published="2024-02-01")], settings)
    monkeypatch.setattr(writers, "_ENTRY_START", {RSS.name: b"<nothing>", ATOM.name: b"<nothing>"})
    writer = FeedWriter(settings)
    for feed in feeds:
        urls, files = writer.urls(feed), writer.render(feed)
        assert files[feed.path(RSS)] == writer.whole_xml(feed, RSS, feed_id=urls[ATOM], self_url=urls[RSS])
        assert files[feed.path(ATOM)] == writer.whole_xml(feed, ATOM, feed_id=urls[ATOM], self_url=urls[ATOM])


def test_the_dc_extension_registered_by_class_writes_what_load_extension_wrote(settings, monkeypatch):
    # The writer registers feedgen's dc extension by its classes, as load_extension("dc") does after looking for
    # a `dc_entry` module on every call: the files must be byte for byte those load_extension gives.
    from feedgen.feed import FeedGenerator

    from protectpress.core.feeds import writers

    entries = [entry("card", kind="action-card", html='<p>See <a href="../other/">other</a>.</p>'),
               entry("shop", published="2024-02-01", sectors=("retail", "sport"))]
    feeds = plan_feeds(entries, settings)
    assert not settings.plugin.feeds.author_email  # so each item carries a dc:creator
    by_class = {path: data for feed in feeds for path, data in render_feed(feed, settings).items()}
    assert b"<dc:creator>" in by_class["feeds/rss.xml"]

    class ByName(FeedGenerator):
        def register_extension(self, namespace, *classes, **where):
            if namespace == "dc" and not getattr(self, "loading", False):
                self.loading = True
                return self.load_extension("dc", **where)
            return super().register_extension(namespace, *classes, **where)

    monkeypatch.setattr(writers, "FeedGenerator", ByName)
    by_name = {path: data for feed in feeds for path, data in render_feed(feed, settings).items()}
    assert by_name == by_class


def test_a_changed_updated_date_changes_updated_but_not_the_id(settings):
    def atom_entry(updated: str):
        atom = render_feed(plan_feeds([entry("a", updated=updated)], settings)[0], settings)["feeds/atom.xml"]
        return feedparser.parse(atom).entries[0]

    before, after = atom_entry("2024-03-01"), atom_entry("2024-06-01")
    assert before.id == after.id == SITE + "news/a/"
    assert (before.updated[:10], after.updated[:10]) == ("2024-03-01", "2024-06-01")
    assert before.updated[10:] == after.updated[10:]  # the entry keeps its own time of day
    assert before.published == after.published


def test_entries_updated_on_one_day_get_distinct_times_of_that_day():
    same_day = [entry(f"page-{i}", published="2024-01-01", updated="2024-05-01") for i in range(300)]
    placed = with_distinct_instants(same_day)
    assert [e.id for e in placed] == [e.id for e in same_day]  # same entries, same order
    assert len({e.updated for e in placed}) == 300
    assert {e.updated.date() for e in placed} == {dt.date(2024, 5, 1)}
    assert all(e.published.date() == dt.date(2024, 1, 1) and e.published < e.updated for e in placed)
    assert with_distinct_instants(same_day) == placed  # no clock, no salt: the same every time
    # Within ten minutes of midnight: a page dated today is never further ahead of a validator's clock.
    assert max(e.updated for e in placed) < day("2024-05-01T00:10:00")


def test_a_day_with_more_entries_than_its_first_ten_minutes_hold_still_gets_distinct_times():
    placed = with_distinct_instants([entry(f"page-{i}", published="2024-05-01") for i in range(700)])
    assert len({e.updated for e in placed}) == 700
    assert {e.updated.date() for e in placed} == {dt.date(2024, 5, 1)}


def test_a_new_page_never_moves_the_time_of_another():
    older = [entry(f"page-{i}", published="2024-01-01", updated="2024-05-01") for i in range(50)]
    before = {e.id: e.updated for e in with_distinct_instants(older)}
    after = {e.id: e.updated for e in with_distinct_instants([*older, entry("new", published="2024-05-01")])}
    assert {i: after[i] for i in before} == before
    assert after[SITE + "news/new/"].date() == dt.date(2024, 5, 1)


def test_a_page_never_updated_keeps_one_instant_and_an_author_time_is_kept():
    plain, timed = with_distinct_instants([
        entry("plain", published="2024-05-01"),
        entry("timed", published="2024-05-01T09:30:00", updated="2024-05-01"),  # updated with no time: same day
    ])
    assert plain.published == plain.updated and plain.updated.date() == dt.date(2024, 5, 1)
    assert plain.updated.time() != dt.time(0)
    assert timed.published == timed.updated == day("2024-05-01T09:30:00")


def test_an_updated_entry_states_its_first_publication_and_an_action_card_the_emergency_line(settings):
    files = publish_feeds([entry("card", kind="action-card", published="2024-01-02", updated="2024-05-01"),
                           entry("news", published="2024-03-01")], settings, Problems())
    items = {i["id"].split("/")[-2]: i["content_html"] for i in json.loads(files["feeds/feed.json"])["items"]}
    assert items["card"].startswith("<p>Published 2 January 2024. Last updated 1 May 2024.</p>\n"
                                    "<p><strong>In an emergency call 999. Report suspicious activity to the "
                                    "Anti-Terrorist Hotline on 0800 789 321.</strong></p>\n<p>Body</p>")
    assert items["news"] == "<p>Body</p>"
    rss = feedparser.parse(files["feeds/rss.xml"])
    card = next(e for e in rss.entries if e.id.endswith("/card/"))
    assert card.published.startswith("Wed, 01 May 2024")  # RSS: the one date is the update


def test_an_author_time_wins_its_second_and_the_whole_day_entry_moves_on():
    alone = with_distinct_instants([entry("whole-day", published="2024-05-01")])[0].updated
    given = alone.replace(tzinfo=None).isoformat()
    placed = {e.id.split("/")[-2]: e.updated for e in with_distinct_instants(
        [entry("whole-day", published="2024-05-01"), entry("timed", published=given)])}
    assert placed["timed"] == alone
    assert placed["whole-day"] == alone + dt.timedelta(seconds=1)


def test_a_logo_larger_than_rss_allows_or_not_an_image_reader_shows_is_a_warning(tmp_path):
    project = copy_project(FIXTURES / "feeds-mixed", tmp_path / "project")
    header = struct.pack(">IIBBBBB", 300, 100, 8, 6, 0, 0, 0)
    (project / "docs/images/wide.png").write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + header)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "logo: images/pic.png", "logo: images/wide.png\n        icon: https://cdn.example.org/icon.webp"
        ),
        encoding="utf-8",
    )
    problems = Problems()
    check_feed_images(load_settings(config), problems)
    assert sorted(str(p) for p in problems) == [
        "mkdocs.yml: plugins.protectpress.feeds.icon: expected a PNG, JPEG or GIF image (feed readers show no "
        "other kind), found 'https://cdn.example.org/icon.webp'",
        "mkdocs.yml: plugins.protectpress.feeds.logo: expected an image at most 144 pixels wide and 400 high "
        "(the most RSS allows), found 'images/wide.png', 300 by 100 pixels"]
    assert all(p.severity is Severity.WARNING for p in problems)
