"""Change notes: `changes:` (newest first) sets a page's updated date, shows "Last updated <date>: <note>" with
the history under "See all updates", leads its RSS, Atom and JSON Feed entries, marks listings "updated", is
listed by `check` when major, and lets a newsletter feature the page "as updated"."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import pytest

from protectpress.core.content.schema import read_item
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.settings import Vocabulary
from support import REPO, copy_project, run_in_process

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages

PAGE = """---
title: Crowded places in winter
type: guidance
summary: How venues prepare for the winter crowds.
date: 2024-01-10
changes:
  - date: 2025-11-02
    note: Added what to brief <b>door staff</b> & stewards.
    major: true
  - date: 2024-06-01
    note: Corrected the hotline number.
tags: [pals]
sectors: [retail]
---

## Before the season

Brief your staff.
"""
NOTE_AS_WRITTEN = "Added what to brief <b>door staff</b> & stewards."
NOTE_IN_HTML = "Added what to brief &lt;b&gt;door staff&lt;/b&gt; &amp; stewards."
FEED_LINE = ("<p>Published 10 January 2024. Last updated 2 November 2025.</p>\n"
             f"<p><strong>What changed:</strong> {NOTE_IN_HTML}</p>")
NEWSLETTER = """---
subject: Winter briefing for venues and their door staff
preheader: What changed in our crowded places guidance, and what your staff should do now
date: 2025-11-03
items:
  - page: guidance/crowded-places-in-winter.md
    as_updated: true
---

Dear {{ name }},

Our guidance changed this month.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(REPO, tmp_path_factory.mktemp("changes") / "project")
    (project / "docs" / "guidance" / "crowded-places-in-winter.md").write_text(PAGE, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    (project / "newsletters" / "2025-11-winter-briefing.md").write_text(NEWSLETTER, encoding="utf-8")
    try:
        result = run_in_process("build", "--strict", "--quiet", cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        (project / "newsletters" / "2025-11-winter-briefing.md").unlink()
    return project / "site"


def test_the_page_shows_its_latest_note_and_its_history(site):
    html = (site / "guidance/crowded-places-in-winter/index.html").read_text(encoding="utf-8")
    latest = html.index('class="pp-changes__latest"')
    assert "Last updated <time datetime=\"2025-11-02\">2 November 2025</time>:</strong>" in html[latest:latest + 200]
    history = html[html.index("<summary>See all updates</summary>"):html.index("</details>")]
    assert [line.split("</li>")[0].strip() for line in history.split("<li>")[1:]] == [
        f'<time datetime="2025-11-02">2 November 2025</time>: {NOTE_IN_HTML}',
        '<time datetime="2024-06-01">1 June 2024</time>: Corrected the hotline number.',
        '<time datetime="2024-01-10">10 January 2024</time>: First published.']
    assert NOTE_AS_WRITTEN not in html  # plain text, never markup


def test_feed_entries_lead_with_the_note_and_carry_the_updated_date(site):
    for path in ("feeds/rss.xml", "feeds/atom.xml"):
        [entry] = [e for e in feedparser.parse((site / path).read_bytes()).entries
                   if e.link.endswith("/guidance/crowded-places-in-winter/")]
        content = entry.content[0].value if "content" in entry else entry.description
        assert content.startswith(FEED_LINE), path
        if path.endswith("atom.xml"):
            assert entry.updated.startswith("2025-11-02")
    items = json.loads((site / "feeds/feed.json").read_text(encoding="utf-8"))["items"]
    [item] = [i for i in items if i["url"].endswith("/guidance/crowded-places-in-winter/")]
    assert item["content_html"].startswith(FEED_LINE)
    assert item["date_modified"].startswith("2025-11-02")


def test_listings_say_updated(site):
    listing = (site / "guidance/index.html").read_text(encoding="utf-8")
    # Issue 13: a listing shows the one date it sorts by, "Updated <date>" once a page has been updated.
    # On its own line under the title, without "Guidance ·" on the guidance page's own list.
    assert '<br>\n<small>Updated <time datetime="2025-11-02">2 November 2025</time></small>' in listing


def test_a_newsletter_features_the_page_as_updated(site):
    email_html = (site / "newsletters/2025-11-winter-briefing/email.html").read_text(encoding="utf-8")
    assert f"<strong>Updated 2 November 2025:</strong> {NOTE_IN_HTML}" in email_html
    email_text = (site / "newsletters/2025-11-winter-briefing/email.txt").read_text(encoding="utf-8")
    assert f"Updated 2 November 2025: {NOTE_AS_WRITTEN}" in email_text
    web = (site / "newsletters/2025-11-winter-briefing/index.html").read_text(encoding="utf-8")
    assert "Updated 2 November 2025:" in web and NOTE_AS_WRITTEN not in web


CANDIDATE = f"  2 November 2025: guidance/crowded-places-in-winter.md (Crowded places in winter): {NOTE_AS_WRITTEN}\n"


def test_check_lists_major_changes_as_newsletter_candidates(project):
    result = run_in_process("check", cwd=project)
    # The example's newsletter (30 March 2023) was never sent to the list: every major change is a candidate.
    assert ("Newsletter candidates: major changes (no newsletter has been sent to the list yet). Feature one with "
            "'- page: <path>' and 'as_updated: true' under items:\n" + CANDIDATE) in result.stdout
    assert "Corrected the hotline number" not in result.stdout  # not major


def test_candidates_count_from_the_last_newsletter_sent_to_the_list_not_a_test_send(tmp_path):
    from sending_relay import SENDING_SETTINGS, Relay, ScriptedHandler, write_recipients

    project = copy_project(REPO, tmp_path / "project")
    (project / "docs" / "guidance" / "crowded-places-in-winter.md").write_text(PAGE, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      sending:\n", SENDING_SETTINGS, 1),
                      encoding="utf-8")
    write_recipients(project / "recipients.csv", ["partner@example.com,Sam,,"])
    relay = Relay(ScriptedHandler())
    try:
        slug = "2023-03-security-and-policing"
        tested = run_in_process("send", slug, "--test", "editor@example.org", "--smtp", relay.url(), cwd=project)
        assert tested.returncode == 0, tested.stdout + tested.stderr
        result = run_in_process("check", cwd=project)
        assert "(no newsletter has been sent to the list yet)" in result.stdout and CANDIDATE in result.stdout
        sent = run_in_process("send", "--skip-live-check", slug, "--to", "recipients.csv", "--smtp", relay.url(),
                                "--yes", cwd=project)
        assert sent.returncode == 0, sent.stdout + sent.stderr
    finally:
        relay.stop()
    # Sent today, after the change of 2 November 2025: nothing new to feature since.
    result = run_in_process("check", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Newsletter candidates" not in result.stdout and NOTE_AS_WRITTEN not in result.stdout


VOCABULARY = Vocabulary(tags={"pals": "PALs"}, sectors={"all": "All sectors", "retail": "Retail"})


def messages(text: str) -> list[str]:
    problems = Problems()
    read_item("guidance/winter.md", "docs/guidance/winter.md", text, VOCABULARY, problems, now=NOW)
    return [str(p) for p in problems]


def test_the_newest_change_is_the_updated_date():
    problems = Problems()
    item = read_item("guidance/winter.md", "docs/guidance/winter.md", PAGE, VOCABULARY, problems, now=NOW)
    assert not problems and item is not None
    assert item.updated == dt.datetime(2025, 11, 2, tzinfo=dt.UTC) == item.last_updated
    assert [change.major for change in item.changes] == [True, False]


@pytest.mark.parametrize(("change", "expected"), [
    (("date: 2024-01-10\n", "date: 2024-01-10\nupdated: 2025-05-01\n"),
     "docs/guidance/winter.md:6: updated: expected updated to be the newest change's date (2025-11-02), or no "
     "updated: the changes list sets it, found '2025-05-01'"),
    (("date: 2025-11-02", "date: 2023-01-01"),
     "docs/guidance/winter.md:6: changes: expected changes newest first, found change 2 (2024-06-01) is newer than "
     "change 1 (2023-01-01)"),
    (("    note: Corrected the hotline number.\n", ""),
     "docs/guidance/winter.md:6: changes: expected change 2 to have a date and a note (and optionally major: true), "
     "like - {date: 2025-05-01, note: What changed}, found a mapping"),
    (("    major: true", "    major: yes please"),
     "docs/guidance/winter.md:6: changes: change 1: expected true or false, found 'yes please'"),
    (("date: 2024-01-10", "date: 2024-07-01"),
     "docs/guidance/winter.md:6: changes: expected changes on or after date (2024-07-01), found '2024-06-01'"),
])
def test_mistakes_in_changes_are_named(change, expected):
    assert expected in messages(PAGE.replace(*change))
