"""The urgent notice: docs/notice.md puts a banner above the header of every page kind and leads every feed
while it lasts, goes out as a short email, and is gone from the next build after `expires`."""

from __future__ import annotations

import datetime as dt
import email
import json
from pathlib import Path

import feedparser
import pytest

from browser.page_kinds import PAGE_KIND_NAMES, discover_page_kinds
from feed_rules import feed_warnings
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.problems import Problems
from protectpress.core.project.notice import read_notice, render_notice_email
from support import NOTICE, NoticeSite, at, copy_project, run_in_process

FEEDS = ("feeds/rss.xml", "feeds/atom.xml", "feeds/types/guidance/rss.xml", "feeds/sectors/retail/atom.xml",
         "feeds/topics/martyns-law/rss.xml")


def build_at(project: Path, moment: dt.datetime) -> Path:
    result = run_in_process("build", "--strict", "--quiet", cwd=project, env=at(moment))
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture
def project(notice_site, tmp_path) -> Path:
    """The project with the notice, copied for a test that builds or sends (the shared one stays as built)."""
    return copy_project(notice_site.project, tmp_path / "project")


@pytest.fixture(scope="module")
def live_site(notice_site) -> Path:
    return notice_site.site


def page_html(site: Path, path: str) -> str:
    target = site / path / "index.html" if path.endswith("/") or not path else site / path
    return target.read_text(encoding="utf-8")


def test_the_banner_is_above_the_header_of_every_page_kind(live_site):
    kinds = discover_page_kinds(live_site)
    assert set(kinds) == set(PAGE_KIND_NAMES)
    for kind in [*kinds.values(), type(kinds["home"])("offline page", "offline.html")]:
        html = page_html(live_site, kind.path)
        banner = html.find('class="pp-notice pp-notice--critical"')
        assert 0 < banner < html.find('<header class="md-header'), kind.name
        # The title is the author's plain text: shown as written, never as markup.
        assert "Incident in the city centre &lt;b&gt;&amp; nearby&lt;/b&gt;" in html, kind.name
    assert not (live_site / "notice").exists()  # a banner, not a page


def test_the_notice_leads_every_feed(live_site):
    assert feed_warnings(live_site, "https://protectpress.example.org/") == []
    for path in FEEDS:
        entries = feedparser.parse((live_site / path).read_bytes()).entries
        assert entries[0].title == NoticeSite.title, path
        assert entries[0].link.startswith("https://protectpress.example.org/#notice-")
        assert "Avoid the area around the station." in entries[0].content[0].value
    items = json.loads((live_site / "feeds/types/action-card/feed.json").read_text(encoding="utf-8"))["items"]
    assert items[0]["title"] == NoticeSite.title and len(items) > 1


def test_after_expires_the_next_build_takes_it_down(project):
    site = build_at(project, NoticeSite.expired_at)
    for kind in discover_page_kinds(site).values():
        assert "pp-notice" not in page_html(site, kind.path), kind.name
    for path in FEEDS:
        titles = [entry.title for entry in feedparser.parse((site / path).read_bytes()).entries]
        assert not any("Incident" in title for title in titles), path
    result = run_in_process("check", cwd=project, env=at(NoticeSite.expired_at))
    assert (
        "info: docs/notice.md:5: expires: expected a notice that has not expired (it is no longer shown; delete the "
        "file), found expired at 6pm on 1 December 2026" in result.stdout
    )


def test_a_mistake_in_the_notice_is_named(project, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notice.md").write_text(NOTICE.replace("level: critical", "level: urgent"), encoding="utf-8")
    settings = load_settings(project / "mkdocs.yml")
    settings.docs_dir = docs
    problems = Problems()
    assert read_notice(settings, problems) is None
    assert [str(problem) for problem in problems] == [
        f"{settings.relative(docs / 'notice.md')}:2: level: expected a level: one of critical, warning, information, "
        "found 'urgent'"]


def test_a_problem_in_the_notice_email_names_the_line_of_notice_md(project, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notice.md").write_text(NOTICE.replace("the station.", "the station.\n\n![](/assets/map.png)"),
                                    encoding="utf-8")
    settings = load_settings(project / "mkdocs.yml")
    settings.docs_dir = docs
    problems = Problems()
    assert render_notice_email(settings, problems, NoticeSite.live_at) is None
    line = NOTICE.count("\n") + 2  # below the words, after a blank line
    assert f"{settings.relative(docs / 'notice.md')}:{line}: email rule images: expected alt text for every image, " \
        "like ![What it shows](image.png), found an image with none: '/assets/map.png'" in [str(p) for p in problems]


def test_send_notice_writes_a_short_email(project):
    env = at(NoticeSite.live_at)
    result = run_in_process("send", "notice", "--test", "editor@example.org", cwd=project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    [written] = (project / "outbox").glob("notice-*/tests/editor@example.org.eml")
    message = email.message_from_bytes(written.read_bytes())
    assert message["Subject"] == "[TEST] Incident in the city centre <b>& nearby</b>"
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    assert "Avoid the area around the station." in text.get_payload(decode=True).decode()
    report = run_in_process("sends", "notice", cwd=project, env=env)
    assert report.returncode == 0 and f"No live send of {written.parent.parent.name} is recorded" in report.stdout
    expired = run_in_process("send", "notice", "--test", "editor@example.org", cwd=project,
                               env=at(NoticeSite.expired_at))
    assert expired.returncode == 1 and "expected a notice that has not expired, to send" in expired.stderr
