"""Issue 30, item 3: one "now" per run, passed in as a value. `build --at` hands its moment to the build (and the
plugin) instead of setting SOURCE_DATE_EPOCH in the process's environment, and nothing that reads the time
defaults to the clock: `now` is a required argument of each. One date format for people, one for storage (which
still reads the records older versions wrote), and one "is live" rule."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import sqlite3

import pytest

from protectpress.cli.build import build_site
from protectpress.core.content.contentset import ContentSet, check_content_set
from protectpress.core.content.loading import load_content
from protectpress.core.content.schema import item_from_front_matter, read_item
from protectpress.core.foundation.dates import (
    human,
    is_live,
    iso_day,
    read_stored_moment,
    scheduled_later,
    stored_moment,
)
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.settings import Vocabulary
from protectpress.core.newsletter.model import Newsletter
from protectpress.core.newsletter.render import render_email_outside_build, render_newsletter_file
from protectpress.core.project.reading import load_project
from protectpress.core.sending.journal import SendJournal, State, bulk_sent_at, journal_path
from protectpress.core.sending.recipients import Recipient
from protectpress.core.sending.run import SendRun
from protectpress.mkdocs_plugins.state import BuildState
from support import FIXTURES, copy_project

SCHEDULED = """---
title: Winter venues
type: guidance
summary: What venues can do before the winter markets open.
date: 2026-12-01
publish_at: 2026-12-01T09:00
sectors: [all]
---

Check your searches.
"""


@pytest.mark.parametrize("function", [read_item, item_from_front_matter, load_content, check_content_set,
                                      render_newsletter_file, render_email_outside_build, load_project,
                                      SendRun.prepare])
def test_now_is_a_required_argument_wherever_the_time_is_read(function):
    now = inspect.signature(function).parameters["now"]
    assert now.default is inspect.Parameter.empty and now.kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("holder", [ContentSet, BuildState, SendRun])
def test_the_run_state_holds_a_now_it_was_given(holder):
    assert inspect.signature(holder).parameters["now"].default is inspect.Parameter.empty


def test_a_build_as_at_a_moment_takes_it_as_a_value_and_leaves_the_environment_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    (project / "docs" / "guidance" / "winter-venues.md").write_text(SCHEDULED, encoding="utf-8")
    seen: list[str | None] = []
    original = ContentSet.__init__

    def spy(self, *args, **kwargs):  # the environment while the pages are read, mid-build
        seen.append(os.environ.get("SOURCE_DATE_EPOCH"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(ContentSet, "__init__", spy)
    results = {}
    for label, moment in (("before", dt.datetime(2026, 12, 1, 8, 59, tzinfo=dt.UTC)),
                          ("after", dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))):
        result = build_site(project / "mkdocs.yml", tmp_path / label, now=moment)
        assert result.ok, result.problems.report()
        assert result.project is not None and result.project.now == moment
        results[label] = tmp_path / label
    assert seen and set(seen) == {None}  # the moment never went through the environment
    assert "SOURCE_DATE_EPOCH" not in os.environ
    assert not (results["before"] / "guidance" / "winter-venues" / "index.html").exists()
    assert (results["after"] / "guidance" / "winter-venues" / "index.html").is_file()



# -- one format for people, one for storage, one "is live" rule --------------------------------------------------

NINE = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def test_one_format_for_people_and_one_for_machines():
    assert human(NINE) == "1 December 2026"
    assert iso_day(NINE) == "2026-12-01" == iso_day(NINE.date())
    assert stored_moment(NINE.astimezone(dt.timezone(dt.timedelta(hours=5)))) == "2026-12-01T09:00:00Z"


@pytest.mark.parametrize("text", ["2026-12-01T09:00:00Z", "2026-12-01T09:00:00+00:00", "2026-12-01T09:00:00",
                                  "2026-12-01T10:00:00+01:00"])
def test_every_stored_form_reads_back_as_the_same_moment(text):
    # "+00:00" is how send journals and bounce records were written before one storage format; naive is UTC.
    assert read_stored_moment(text) == NINE
    assert read_stored_moment(stored_moment(read_stored_moment(text))) == NINE


def test_a_journal_written_in_the_old_format_still_reads(tmp_path):
    old, new = journal_path(tmp_path, "2026-11-old"), journal_path(tmp_path, "2026-12-new")
    for path in (old, new):
        with SendJournal(path) as journal:
            journal.begin("hash", "Subject", "smtp://127.0.0.1:2525")
            journal.plan([Recipient(address="reader@example.org")])
            journal.mark("reader@example.org", State.SENT, "250 OK")
    with sqlite3.connect(old) as db:
        db.execute("UPDATE campaign SET started = ?", ("2026-11-02T09:00:00+00:00",))  # as journals were written
    assert bulk_sent_at(tmp_path, "2026-11-old") == dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with sqlite3.connect(new) as db:
        [started] = db.execute("SELECT started FROM campaign").fetchone()
    assert started.endswith("Z") and read_stored_moment(started) == bulk_sent_at(tmp_path, "2026-12-new")


@pytest.mark.parametrize(("now", "live"), [(NINE - dt.timedelta(seconds=1), False), (NINE, True),
                                           (NINE + dt.timedelta(days=1), True)])
def test_pages_newsletters_and_sends_share_one_is_live_rule(now, live):
    page = read_item("guidance/winter-venues.md", "docs/guidance/winter-venues.md", SCHEDULED,
                     Vocabulary(tags={}, sectors={"all": "All sectors"}), Problems(), now=now)
    assert page is not None and page.is_live is live
    letter = Newsletter(slug="s", path="newsletters/s.md", subject="S", preheader="P", date=NINE, sectors=(),
                        draft=False, items=(), body="", body_line=1, publish_at=NINE)
    assert letter.is_live(now) is live is is_live(draft=False, publish_at=NINE, now=now)
    assert scheduled_later(NINE, now) is not live
    assert not is_live(draft=True, publish_at=None, now=now)  # a draft never is


def test_the_clock_is_read_in_one_place():
    # Records take the clock and builds take the run's one "now": both start in core/foundation/dates.py
    # (`clock`), so a test or a future `--at` for services has one seam, and no module reads the time its own way.
    import ast
    from pathlib import Path

    import protectpress

    package = Path(protectpress.__file__).parent
    readers = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in {"now", "utcnow", "today", "time_ns"} \
                    and isinstance(node.value, ast.Attribute) and node.value.attr in {"datetime", "date"}:
                readers.append(str(path.relative_to(package)))
    assert readers == ["core/foundation/dates.py"], readers
