"""Newsletters in a real MkDocs build: web versions, the archive, email files, drafts, search and feeds."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from protectpress.core.foundation.htmltree import parse_html
from search_index import indexed_pages
from support import FIXTURES, copy_project
from support import run_in_process as protectpress

SLUG = "2024-01-winter-update"
DRAFT_SLUG = "2024-02-spring-draft"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("built") / "project"
    copy_project(FIXTURES / "newsletter-basic", project)
    result = protectpress("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return project / "site"


def test_build_writes_web_version_email_and_text(built):
    folder = built / "newsletters" / SLUG
    assert {p.name for p in folder.iterdir()} == {"index.html", "email.html", "email.txt"}
    assert (folder / "email.html").read_text().startswith("<!doctype html>")
    # The published copy reads as a reader with no name on file gets it: no raw placeholders on the site.
    for part in ("email.html", "email.txt"):
        text = (folder / part).read_text()
        assert "Dear Partner," in text and "[[pp:" not in text, part
    assert "mailto:unsubscribe@news.example.org?subject=unsubscribe" in (folder / "email.txt").read_text()


def test_web_version_is_a_site_page_with_the_letter_and_features(built):
    page = parse_html((built / "newsletters" / SLUG / "index.html").read_text())
    article = page.find("article")
    text = article.words()
    # The greeting is for the email: a public page opens with the letter itself (issue 25).
    assert "Dear" not in text and "Partner," not in text and "{{ name }}" not in text
    assert [h.words().rstrip("¶").strip() for h in article.iter("h1")] == [
        "Winter update: lockdown plans and the retail expo"]
    sections = ["Three dates for your diary", "Dynamic lockdown", "Run, hide, tell", "Retail security expo 2024"]
    h2 = [h.words().rstrip("¶").strip() for h in article.iter("h2")]
    assert h2 == ["Contents", *sections]
    # A short contents list under the title: the letter's sections, one link each.
    contents = article.find("nav")
    assert contents is not None and contents.attrs.get("aria-label") == "Contents"
    assert [a.words().strip() for a in contents.iter("a")] == sections
    hrefs = {a.attrs.get("href") for a in article.iter("a")}
    # Links written from the docs root and from the embedded card's own folder both reach the right pages.
    assert "../../privacy/" in hrefs and "../../guidance/lockdown/" in hrefs
    assert "../../guidance/lockdown/#plan" in hrefs
    # Every featured page's link says what the email's button and plain text say, in full or summed up.
    actions = [a.words().strip() for a in article.iter("a") if a.words().strip().startswith("Read ")]
    assert actions == ["Read the guidance: Dynamic lockdown", "Read the action card: Run, hide, tell",
                       "Read the conference write-up: Retail security expo 2024"]
    email_text = " ".join((built / "newsletters" / SLUG / "email.txt").read_text().split())
    assert all(action in email_text for action in actions)
    images = [i for i in article.iter("img")]
    assert [(i.attrs["src"], i.attrs["alt"]) for i in images] == [
        ("../../assets/lockdown.png", "A member of staff locking a shop's glass doors")]
    meta = {m.attrs.get("name"): m.attrs.get("content") for m in page.iter("meta")}
    assert meta["description"] == "How to plan a dynamic lockdown, what to do in an attack, and the expo agenda"


def test_archive_lists_published_issues_only(built):
    archive = parse_html((built / "newsletters" / "index.html").read_text()).find("article")
    links = [(a.words(), a.attrs["href"]) for a in archive.iter("a") if "winter" in a.attrs.get("href", "")
             or "spring" in a.attrs.get("href", "")]
    assert links == [("Winter update: lockdown plans and the retail expo", f"{SLUG}/")]


def test_drafts_are_never_published(built):
    assert not (built / "newsletters" / DRAFT_SLUG).exists()
    for path in built.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            assert "Spring preview" not in path.read_text(errors="ignore"), path


def test_email_template_source_is_not_published(built):
    assert not list(built.rglob("*.mjml.j2"))


def test_web_version_is_in_search(built):
    pages = indexed_pages(built)
    web = pages[f"/newsletters/{SLUG}/"]
    assert web["meta"]["type"] == "Newsletter" and "lockdown workshop" in web["content"]
    assert web["meta"]["date"] == "15 January 2024"
    assert sorted(web["filters"]["sector"]) == ["Hospitality", "Retail"]  # the sectors it was sent to
    assert not any(DRAFT_SLUG in url for url in pages), "a draft newsletter is never in search"


def test_web_version_is_in_the_feeds_as_a_newsletter(built):
    feed = feedparser.parse((built / "feeds" / "atom.xml").read_bytes())
    entry = next(e for e in feed.entries if e.title == "Winter update: lockdown plans and the retail expo")
    assert entry.link == f"https://news.example.org/newsletters/{SLUG}/"
    assert entry.summary == "How to plan a dynamic lockdown, what to do in an attack, and the expo agenda"
    assert "lockdown workshop" in entry.content[0].value
    assert (built / "feeds" / "types" / "newsletter").is_dir()


def test_example_site_builds_the_seed_newsletter(example_site):
    folder = example_site / "newsletters" / "2023-03-security-and-policing"
    assert {p.name for p in folder.iterdir()} == {"index.html", "email.html", "email.txt"}
    assert "Security and Policing 2023" in (example_site / "newsletters" / "index.html").read_text()
