"""`protectpress serve` keeps what validating each page found (core.content.PageMemo), so that a save
validates only the saved page. Whatever changed between two reads must show in the second: the page's text,
the vocabulary, an image file it names, and the moment a scheduled page goes live."""

import datetime as dt
from pathlib import Path

from protectpress.core.content.loading import load_content
from protectpress.core.content.memo import PageMemo
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.settings import Vocabulary

VOCABULARY = Vocabulary(tags={"training": "Training"}, sectors={"all": "All sectors"})
NOW = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)

PAGE = """---
title: Retail security basics
type: guidance
summary: What a shop can do this week.
date: 2023-03-30
tags: [training]
sectors: [all]
{extra}---

Body text.
"""


def write(project: Path, extra: str = "", name: str = "pals.md") -> Path:
    path = project / "docs" / "guidance" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(extra=extra), encoding="utf-8")
    return path


def read(project: Path, memo: PageMemo, vocabulary: Vocabulary = VOCABULARY, now: dt.datetime = NOW):
    problems = Problems()
    content = load_content(project / "docs", project, vocabulary, problems, now=now, memo=memo)
    return content, [str(p) for p in problems]


def test_an_unchanged_page_is_kept_with_its_problems(tmp_path):
    write(tmp_path, extra="tittle: typo\n")
    memo = PageMemo()
    first, first_problems = read(tmp_path, memo)
    second, second_problems = read(tmp_path, memo)
    assert second.items["guidance/pals.md"] is first.items["guidance/pals.md"]  # kept, not read again
    assert second_problems == first_problems
    assert any("tittle" in message for message in second_problems)  # the warning is reported on every read


def test_an_edited_page_is_read_again(tmp_path):
    path = write(tmp_path)
    memo = PageMemo()
    read(tmp_path, memo)
    path.write_text(path.read_text(encoding="utf-8").replace("Body text.", "New body."), encoding="utf-8")
    content, _ = read(tmp_path, memo)
    assert content.items["guidance/pals.md"].body.strip() == "New body."


def test_a_changed_vocabulary_reads_the_page_again(tmp_path):
    write(tmp_path)
    memo = PageMemo()
    read(tmp_path, memo)
    content, problems = read(tmp_path, memo, vocabulary=Vocabulary(tags={"other": "Other"}, sectors={"all": "All"}))
    assert "guidance/pals.md" not in content.items
    assert any("tags" in message and "training" in message for message in problems)


def test_a_page_naming_an_image_sees_the_image_go(tmp_path):
    write(tmp_path, extra="image: /assets/plan.png\nimage_alt: A floor plan\n")
    image = tmp_path / "docs" / "assets" / "plan.png"
    image.parent.mkdir(parents=True)
    image.write_bytes(b"\x89PNG")
    memo = PageMemo()
    content, problems = read(tmp_path, memo)
    assert "guidance/pals.md" in content.items and problems == []
    image.unlink()
    content, problems = read(tmp_path, memo)
    assert "guidance/pals.md" not in content.items
    assert any("no such file" in message for message in problems)


def test_a_scheduled_page_goes_live_when_its_moment_passes(tmp_path):
    write(tmp_path, extra="publish_at: 2026-12-01T09:00Z\n")
    memo = PageMemo()
    before, _ = read(tmp_path, memo, now=NOW)
    after, _ = read(tmp_path, memo, now=NOW + dt.timedelta(days=2))
    assert not before.items["guidance/pals.md"].is_live
    assert after.items["guidance/pals.md"].is_live


def test_the_preview_keeps_no_pages_read_front_matter(tmp_path):
    # Only a build hands a page's read YAML to MkDocs (mkdocs_plugins/page_source.py); kept in the preview's memo,
    # every page's would stay for the whole session.
    write(tmp_path)
    content, _ = read(tmp_path, PageMemo())
    assert content.items["guidance/pals.md"].read_meta is None
    problems = Problems()
    built = load_content(tmp_path / "docs", tmp_path, VOCABULARY, problems, now=NOW)
    assert built.items["guidance/pals.md"].read_meta is not None  # a build still has it to give
