"""Scheduled publishing: a page or newsletter with `publish_at` ahead of the build's one "now" is nowhere in
the built site (pages, search index, feeds, sitemap, listings) and cannot be sent to the list; `build --at`
after that moment has it everywhere; two builds at the same moment are byte-identical."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from search_index import indexed_pages, pages_containing
from support import REPO, copy_project, run_in_process

PAGE = """---
title: Winter venues and crowds
type: guidance
summary: What venues can do before the winter markets open.
date: 2026-12-01
publish_at: 2026-12-01T09:00
tags: [pals]
sectors: [retail]
---

## Before the markets open

Check your searches and briefings.
"""
NEWSLETTER = """---
subject: Winter markets briefing
preheader: What venues and their staff can do this week, before the winter markets open
date: 2026-12-01
publish_at: 2026-12-01 09:00 +00:00
items:
  - page: guidance/winter-venues.md
---

Dear {{ name }},

The winter markets open this week.
"""
BEFORE, AFTER = "2026-12-01T08:59", "2026-12-01T09:00"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(REPO, tmp_path_factory.mktemp("scheduled") / "project")
    (project / "docs" / "guidance" / "winter-venues.md").write_text(PAGE, encoding="utf-8")
    (project / "newsletters" / "2026-12-winter-markets.md").write_text(NEWSLETTER, encoding="utf-8")
    return project


def build(project: Path, at: str, name: str) -> Path:
    result = run_in_process("build", "--strict", "--quiet", "--at", at, "-d", name, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / name


@pytest.fixture(scope="module")
def before(project: Path) -> Path:
    return build(project, BEFORE, "site-before")


@pytest.fixture(scope="module")
def after(project: Path) -> Path:
    return build(project, AFTER, "site-after")


def files_mentioning(site: Path, *needles: str) -> set[str]:
    found = set()
    for file in site.rglob("*"):
        if file.is_file() and file.suffix in (".html", ".xml", ".json", ".js", ".txt"):
            text = file.read_text(encoding="utf-8", errors="replace")
            if any(needle in text for needle in needles):
                found.add(file.relative_to(site).as_posix())
    return found


def test_before_its_time_it_is_nowhere(before):
    assert files_mentioning(before, "winter-venues", "Winter venues", "winter-markets", "Winter markets") == set()
    # The search index is gzip, so the text search above cannot see into it.
    assert not [url for url in indexed_pages(before) if "winter" in url]
    assert pages_containing(before, "Winter venues") == set()


def test_from_its_time_it_is_everywhere(after):
    found = files_mentioning(after, "winter-venues")
    assert {"guidance/winter-venues/index.html", "sitemap.xml", "guidance/index.html", "topics/pals/index.html",
            "sectors/retail/index.html", "feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json"} <= found
    assert "/guidance/winter-venues/" in indexed_pages(after)
    titles = [entry.title for entry in feedparser.parse((after / "feeds/types/guidance/atom.xml").read_bytes()).entries]
    assert "Winter venues and crowds" in titles
    assert (after / "newsletters/2026-12-winter-markets/index.html").is_file()
    assert "Winter markets briefing" in (after / "newsletters/index.html").read_text(encoding="utf-8")


def test_two_builds_at_the_same_moment_are_byte_identical(project, after):
    again = build(project, AFTER, "site-again")

    def contents(site: Path) -> dict[str, bytes]:
        # Pagefind's filter and meta files are named by a hash of bytes it writes in no fixed order (upstream
        # Pagefind issue 638: only its page fragments are stable between runs), so the index is compared by what
        # it holds, and every other file byte for byte.
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
                if p.is_file() and not p.relative_to(site).as_posix().startswith("pagefind/")}

    first, second = contents(after), contents(again)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
    assert indexed_pages(after) == indexed_pages(again)
    assert sorted(p.name for p in (after / "pagefind" / "fragment").iterdir()) == \
        sorted(p.name for p in (again / "pagefind" / "fragment").iterdir())


def test_check_lists_what_goes_live_next(project):
    result = run_in_process("check", cwd=project, env={"SOURCE_DATE_EPOCH": "1795000000"})  # 2026-11-18
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "Going live next (publish_at):\n"
        "  9am on 1 December 2026: docs/guidance/winter-venues.md (Winter venues and crowds)\n"
        "  9am on 1 December 2026: newsletters/2026-12-winter-markets.md (Winter markets briefing)"
    ) in result.stdout


def test_a_scheduled_newsletter_cannot_go_to_the_list_before_its_time(project, tmp_path):
    recipients = tmp_path / "partners.csv"
    recipients.write_text("email,name\npartner@example.org,Partner\n", encoding="utf-8")
    result = run_in_process("send", "2026-12-winter-markets", "--to", str(recipients), "--yes", cwd=project,
                              env={"SOURCE_DATE_EPOCH": "1795000000"})
    assert result.returncode == 1
    assert ("newsletters/2026-12-winter-markets.md is scheduled (publish_at): it can go to the list from 9am on "
            "1 December 2026, not before.") in result.stderr
    assert not (project / "outbox" / "2026-12-winter-markets" / "partner@example.org.eml").exists()
