"""`protectpress serve` after a save: a body-only edit renders that page again (and the feeds that carry it),
reusing the rest of the last build; any other edit is a whole build. Either way every page, menu, listing,
feed and newsletter the preview answers over HTTP shows the saved text: a real preview of a real fixture.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from support import FIXTURES, PROTECTPRESS, Service, copy_project, http_answer, running, wait_until

PAGE = "docs/guidance/lockdown.md"
TITLE = "Dynamic lockdown"
QUICK = "Preview updated: 1 page rendered again"
MENU_TITLE = re.compile(r'md-ellipsis">\s*([^<]*?)\s*</span>')


fetch = http_answer


def menu(url: str) -> list[str]:
    status, html = fetch(url)
    assert status == 200, (url, status)
    return MENU_TITLE.findall(html)


class Preview(NamedTuple):
    project: Path
    url: str
    service: Service

    def save(self, path: str, text: str) -> int:
        """Write `path` as an author saves it; returns how much the terminal held before, to read what follows."""
        printed = len(self.service.output())
        (self.project / path).write_text(text, encoding="utf-8")
        return printed

    def shows(self, path: str, text: str, timeout: float = 90) -> str:
        return wait_until(lambda: (answer := fetch(self.url + path))[0] == 200 and text in answer[1] and answer[1],
                          seconds=timeout, what=f"{path} showing {text!r}", output=self.service.output)

    def printed_since(self, printed: int, line: str) -> str:
        return wait_until(lambda: line in (since := self.service.output()[printed:]) and since, seconds=30,
                          what=f"the preview printing {line!r}", output=self.service.output)


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve-quick")
    project = copy_project(FIXTURES / "newsletter-basic", root / "project")
    with running([*PROTECTPRESS, "serve", "--port", "{port}"], cwd=project, log=root / "serve.log",
                 ready=lambda service: fetch(service.url)[0] == 200) as service:
        yield Preview(project, service.url, service)
        output = service.output()
    assert "Traceback" not in output, output
    assert not (project / "site").exists(), "the preview never writes site/"


@pytest.fixture
def original(preview):
    """The page as the fixture has it, put back after the test (and awaited), for the tests after it."""
    page = preview.project / PAGE
    text = page.read_text(encoding="utf-8")
    yield text
    if page.read_text(encoding="utf-8") != text:
        preview.save(PAGE, text)
        wait_until(lambda: TITLE in menu(preview.url + "privacy/") and "Marker" not in fetch(
            preview.url + "guidance/lockdown/")[1], seconds=90, what="the page put back")


def test_a_body_edit_renders_that_page_again_and_the_feeds_that_carry_it(preview, original):
    printed = preview.save(PAGE, original + "\nMarker of a body-only edit.\n")
    preview.shows("guidance/lockdown/", "Marker of a body-only edit.")
    # The quick way: one page rendered again, not a whole build ("Preview updated: 12 pages, ...").
    said = preview.printed_since(printed, QUICK)
    assert "(the feeds that carry it follow)" in said, said
    # The feeds that carry the page follow it (written just after, so the page shows first).
    for feed in ("feeds/rss.xml", "feeds/topics/lockdown/atom.xml", "feeds/feed.json"):
        preview.shows(feed, "Marker of a body-only edit.", timeout=30)
    # Every other page's menu still names every page (MkDocs' own --dirty left "None" where a title was).
    titles = menu(preview.url + "privacy/")
    assert TITLE in titles and "None" not in titles, titles
    assert TITLE in fetch(preview.url + "topics/lockdown/")[1]


def test_a_title_and_body_edit_shows_in_every_menu_listing_feed_and_newsletter(preview, original):
    new_title = "Lockdown at a moment's notice"
    printed = preview.save(PAGE, original.replace(f"title: {TITLE}", f'title: "{new_title}"')
                           + "\nMarker of a title edit.\n")
    preview.shows("guidance/lockdown/", "Marker of a title edit.")
    said = preview.printed_since(printed, "Preview updated")
    assert QUICK not in said, "a title is in every menu: a whole build, not the quick one"
    shown = new_title.replace("'", "&#39;")
    for other in ("privacy/", "conferences/expo/", "action-cards/run-hide-tell/"):
        titles = menu(preview.url + other)
        assert shown in titles and TITLE not in titles and "None" not in titles, (other, titles)
    listing = fetch(preview.url + "topics/lockdown/")[1]
    assert shown in listing and TITLE not in listing
    assert shown in fetch(preview.url)[1]  # the home page lists it
    for feed in ("feeds/rss.xml", "feeds/topics/lockdown/rss.xml"):
        body = fetch(preview.url + feed)[1]
        assert "Marker of a title edit." in body and f"<title>{new_title}</title>" in body, feed
        assert f"<title>{TITLE}</title>" not in body, feed
    # The newsletter that features it as a card shows the new title on its web version.
    assert shown in fetch(preview.url + "newsletters/2024-01-winter-update/")[1]


def test_a_page_embedded_whole_in_a_newsletter_remakes_the_newsletter(preview):
    card = "docs/action-cards/run-hide-tell.md"
    text = (preview.project / card).read_text(encoding="utf-8")
    printed = preview.save(card, text + "\nMarker of an embedded page.\n")
    try:
        preview.shows("newsletters/2024-01-winter-update/", "Marker of an embedded page.")
        said = preview.printed_since(printed, "Preview updated")
        assert QUICK not in said, said
        assert "Marker of an embedded page." in fetch(preview.url + "newsletters/2024-01-winter-update/email.html")[1]
    finally:
        preview.save(card, text)
        wait_until(lambda: "Marker" not in fetch(preview.url + "action-cards/run-hide-tell/")[1], seconds=90,
                   what="the card put back")


def test_a_page_added_then_deleted_comes_into_every_menu_and_goes_from_it(preview):
    added = "docs/guidance/shelter.md"
    text = (preview.project / PAGE).read_text(encoding="utf-8").replace(f"title: {TITLE}", "title: Where to shelter")
    preview.save(added, text)
    try:
        preview.shows("guidance/shelter/", "Where to shelter")
        wait_until(lambda: "Where to shelter" in menu(preview.url + "privacy/"), seconds=60,
                   what="the new page in another page's menu")
        assert "Where to shelter" in fetch(preview.url + "topics/lockdown/")[1]
    finally:
        (preview.project / added).unlink()
    wait_until(lambda: "Where to shelter" not in menu(preview.url + "privacy/"), seconds=90,
               what="the deleted page gone from another page's menu")
    assert fetch(preview.url + "guidance/shelter/")[0] == 404
    assert "Where to shelter" not in fetch(preview.url + "topics/lockdown/")[1]
    assert "Where to shelter" not in fetch(preview.url + "feeds/rss.xml")[1]


def test_a_page_that_is_not_there_shows_the_sites_page_not_found(preview):
    # Until this round the preview answered a mistyped address with a bare "404 Not Found" line.
    status, html = fetch(preview.url + "guidance/no-such-page/")
    assert status == 404
    assert "<h1>Page not found</h1>" in html and "<title>Page not found - " in html
