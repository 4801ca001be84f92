"""Issue 30, item 3: one "now" per run, passed in as a value. `build --at` hands its moment to the build (and the
plugin) instead of setting SOURCE_DATE_EPOCH in the process's environment, and nothing that reads the time
defaults to the clock: `now` is a required argument of each."""

from __future__ import annotations

import datetime as dt
import inspect
import os

import pytest

from protectpress.cli.build import build_site
from protectpress.core.content.model import (
    ContentSet,
    check_content_set,
    item_from_front_matter,
    load_content,
    read_item,
)
from protectpress.core.newsletter.render import render_letter, render_newsletter
from protectpress.core.project.reading import load_project
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
                                      render_newsletter, render_letter, load_project, SendRun.prepare])
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

