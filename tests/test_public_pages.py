"""The public landing pages keep themselves up to date and list pages in the order a reader expects.

One copy of the example site gets a new news item, a new action card and an older newsletter, and is built
once; no authored page is touched, yet the new pages must appear on the home page and their index pages. File
names are chosen so that file-name order, publication order and the expected order all differ."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from support import REPO, copy_project, run_in_process

NEW_NEWS = """---
title: Zebra crossings and protective security
type: news
summary: A new news item that no authored page mentions.
date: 2026-11-02
tags: [protective-security]
sectors: [all]
---

Body of the news item.
"""

OLDER_NEWSLETTER = """---
subject: "An older issue"
preheader: "An older issue of the partner newsletter, sent before the others on this site"
date: 2022-12-01
sectors: [all]
---

Dear {{ name }},

An older issue of the newsletter.
"""

NEW_CARD = """---
title: Aardvark alert drill
type: action-card
summary: A new card that no authored page mentions.
date: 2026-11-01
tags: [emergency-preparedness]
sectors: [all]
---

1. Do the first thing.
2. Do the second thing.
"""


class Lists(HTMLParser):
    """The links inside each <ul> of a page, by the list's class: [(href, text, small text), ...]."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lists: dict[str, list[list[str]]] = {}
        self._current: str | None = None
        self._entry: list[str] | None = None
        self._field: int | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and attrs.get("class"):
            self._current = attrs["class"]
            self.lists.setdefault(self._current, [])
        elif self._current and tag == "li":
            self._entry = ["", "", ""]
            self.lists[self._current].append(self._entry)
        elif self._entry is not None and tag == "a" and not self._entry[0]:
            self._entry[0], self._field = attrs.get("href", ""), 1
        elif self._entry is not None and tag == "small":
            self._field = 2

    def handle_endtag(self, tag):
        if tag == "ul":
            self._current = self._entry = None
        elif tag in ("a", "small"):
            self._field = None

    def handle_data(self, data):
        if self._entry is not None and self._field is not None:
            self._entry[self._field] += data


@pytest.fixture(scope="module")
def grown_site(tmp_path_factory) -> tuple[Path, Path]:
    project = copy_project(REPO, tmp_path_factory.mktemp("grown") / "project")
    (project / "docs/news/2026-11-zebra-crossings.md").write_text(NEW_NEWS, encoding="utf-8")
    (project / "docs/action-cards/site-alert-drill.md").write_text(NEW_CARD, encoding="utf-8")
    (project / "newsletters/0000-older-issue.md").write_text(OLDER_NEWSLETTER, encoding="utf-8")
    # A type whose folder has no index page of its own gets a generated one (checked below).
    (project / "docs/conferences/index.md").unlink()
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project, project / "site"


def lists(site: Path, page: str) -> dict[str, list[list[str]]]:
    return Lists((site / page).read_text(encoding="utf-8")).lists


def test_authored_pages_are_untouched_by_the_build(grown_site):
    project, _ = grown_site
    authored = sorted(p.relative_to(REPO / "docs") for p in (REPO / "docs").rglob("*.md"))
    kept = [p for p in authored if p.as_posix() != "conferences/index.md"]
    changed = [str(p) for p in kept if (project / "docs" / p).read_bytes() != (REPO / "docs" / p).read_bytes()]
    assert changed == []


def test_home_page_lists_new_items_in_latest_and_the_new_card(grown_site):
    _, site = grown_site
    home = lists(site, "index.html")
    latest = home["pp-listing"]
    assert [entry[1] for entry in latest[:2]] == ["Zebra crossings and protective security", "Aardvark alert drill"]
    assert latest[0][0] == "news/2026-11-zebra-crossings/"
    assert re.fullmatch(r"News · 2 November 2026", latest[0][2])  # a list of many kinds names each one's
    # Its kind and date on a line of their own under the title: run on after it, they wrapped differently on
    # each entry of a phone's list.
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<a href="news/2026-11-zebra-crossings/">Zebra crossings and protective security</a><br>\n<small>' in html
    assert next(entry[1] for entry in home["pp-action-links"]) == "Aardvark alert drill"
    cards = {entry[1]: (entry[0], entry[2]) for entry in home["pp-type-cards"]}
    assert cards["Action cards"] == ("action-cards/", "3 cards")
    assert cards["News"] == ("news/", "3 items")
    assert cards["Guidance"] == ("guidance/", "7 pages")
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="pp-emergency pp-emergency--home"' in html and 'href="tel:999"' in html
    # The action cards come straight after the emergency line, before the author's intro and every section.
    body = html[html.index('id="pp-content"'):]
    order = [body.index(text) for text in ("pp-emergency--home", 'class="pp-action-links"', "This is an example site",
                                           "What is on this site")]
    assert order == sorted(order)
    # The card's one line is the summary its index page's author wrote.
    assert "Short, printable cards that tell your staff" in html


def test_type_index_pages_list_the_new_items(grown_site):
    _, site = grown_site
    news = [entry[1] for entry in lists(site, "news/index.html")["pp-listing"]]
    assert news[0] == "Zebra crossings and protective security"
    cards = [entry[1] for entry in lists(site, "action-cards/index.html")["pp-listing"]]
    assert cards == ["Aardvark alert drill", "Firearms and weapons attacks", "Unattended and suspicious items"]


def test_a_type_without_an_authored_index_gets_a_generated_one(grown_site):
    _, site = grown_site
    listed = lists(site, "conferences/index.html")["pp-listing"]
    assert [entry[0] for entry in listed] == ["security-and-policing-2023/"]
    home = {entry[1]: entry[0] for entry in lists(site, "index.html")["pp-type-cards"]}
    assert home["Conference write-ups"] == "conferences/"


def sidebar(site: Path, page: str) -> list[str]:
    """The page links of the primary navigation, in the order shown (the current section only: it is pruned)."""
    html = (site / page).read_text(encoding="utf-8")
    primary = html[html.index("md-nav--primary"):html.index('class="md-content"')]
    return [href for href in re.findall(r'href="([^"#]+)"', primary) if not href.startswith(("..", "./"))]


def test_sidebar_orders_reference_by_title_and_news_newest_first(grown_site):
    _, site = grown_site
    assert sidebar(site, "guidance/index.html") == [
        "aviation-and-maritime-security-unit/", "competent-persons-scheme/", "hostile-reconnaissance/",
        "martyns-law/", "project-servator/", "publicly-accessible-locations/", "see-check-and-notify/"]
    assert sidebar(site, "action-cards/index.html") == [
        "site-alert-drill/", "firearms-and-weapons-attacks/", "unattended-and-suspicious-items/"]
    # Newest first by the date shown: the 2023 item updated in 2025 comes before one published later in 2023.
    assert sidebar(site, "news/index.html") == [
        "2026-11-zebra-crossings/", "2023-03-pals-replaces-crowded-places/", "2023-03-protectuk-first-anniversary/"]
    assert sidebar(site, "newsletters/index.html") == ["2023-03-security-and-policing/", "0000-older-issue/"]


def test_sidebar_lists_topics_and_sectors_in_the_order_their_index_pages_do(grown_site):
    _, site = grown_site
    for group in ("topics", "sectors"):
        index = (site / group / "index.html").read_text(encoding="utf-8")
        body = index[index.index('class="md-content"'):index.index("</article>")]
        listed = [href.removeprefix("../") for href in re.findall(r'<li><a href="([^"#]+)">', body)]
        assert len(listed) > 3, listed
        assert sidebar(site, f"{group}/index.html") == listed, group


def test_listings_show_the_date_they_sort_by(grown_site):
    _, site = grown_site
    news = lists(site, "news/index.html")["pp-listing"]
    # The News page's own list does not say "News ·" on every entry (a trial found it redundant).
    assert [(entry[1], entry[2]) for entry in news] == [
        ("Zebra crossings and protective security", "2 November 2026"),
        ("The PALs model replaces the Crowded Places strategy", "Updated 1 May 2025"),
        ("ProtectUK marks its first year", "28 March 2023")]
    topic = lists(site, "topics/emergency-preparedness/index.html")
    cards = [entry[1] for entry in topic["pp-listing"] if "/action-cards/" in entry[0]]
    assert cards == sorted(cards, key=str.casefold) and "Aardvark alert drill" in cards


def test_serve_rebuilds_a_page_whose_generated_sections_changed(tmp_path):
    # `mkdocs serve --dirty` skips pages whose file is older than their output; the home page's file never
    # changes when a news item is added, so the changed sections must make MkDocs see it as modified.
    from mkdocs.structure.files import File

    from protectpress.mkdocs_plugins import serve_cache

    docs, site = tmp_path / "docs", tmp_path / "site"
    docs.mkdir()
    (docs / "index.md").write_text("intro", encoding="utf-8")
    home = File("index.md", str(docs), str(site), use_directory_urls=True)
    serve_cache.rebuild_when_changed(home, "latest: one")
    Path(home.abs_dest_path).parent.mkdir(parents=True)
    Path(home.abs_dest_path).write_text("built", encoding="utf-8")
    assert not home.is_modified()
    serve_cache.rebuild_when_changed(home, "latest: one")
    assert not home.is_modified()
    serve_cache.rebuild_when_changed(home, "latest: two")
    assert home.is_modified()


def test_the_newsletter_archive_is_laid_out_as_the_other_listings(example_site):
    # A reader's screenshot review: its intro sat below "Get updates about newsletters" and each date ran on after
    # the subject, where every other listing has its lead first and the date on a line of its own.
    html = (example_site / "newsletters" / "index.html").read_text(encoding="utf-8")
    lead = html.index('<p class="pp-lead">Every issue of the partner newsletter')
    assert lead < html.index('class="pp-follow"')
    assert re.search(r'<li><a href="2023-03-security-and-policing/">[^<]*</a><br />\s*<small>30 March 2023</small>',
                     html)
