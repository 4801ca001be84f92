"""The in-process runner (tests/support.py `run_in_process`) is the real command: the same output and exit status
as a `protectpress` process, and one run cannot reach the next. Most command tests rely on it."""

from __future__ import annotations

import logging
import os
import signal
import sys
import warnings
from pathlib import Path

import pytest

import protectpress.cli.check
import protectpress.mkdocs_plugins.site
from protectpress.core.site.theme_css import lean_material_css
from support import FIXTURES, copy_project, run_in_process, run_protectpress

LOCKDOWN = Path("docs/guidance/lockdown.md")
BROKEN_LINK = "error: docs/guidance/lockdown.md:16: expected a link to a page that exists"


def break_a_link(project: Path) -> None:
    page = project / LOCKDOWN
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("(../action-cards/run-hide-tell.md)", "(../action-cards/run-hide-tel.md)", 1),
                    encoding="utf-8")


def process_state() -> dict[str, object]:
    """What a command could leave behind in this process."""
    loggers = [logging.getLogger(), *(lg for lg in logging.root.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger))]
    return {
        "cwd": os.getcwd(), "env": dict(os.environ), "argv": sys.argv[:], "path": sys.path[:],
        # Loggers as a fresh one is made (the first import of a module in this process makes them) can be left out.
        "loggers": {lg.name: state for lg in loggers
                    if (state := (lg.handlers[:], lg.level, lg.propagate, lg.disabled, lg.filters[:]))
                    != ([], logging.NOTSET, True, False, [])},
        "warnings": warnings.filters[:], "showwarning": warnings.showwarning,
        "signals": {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)},
        "stdio": (sys.stdin, sys.stdout, sys.stderr), "recursion": sys.getrecursionlimit(),
    }


@pytest.mark.parametrize("command", [("check",), ("build", "--quiet"), ("build",)])
def test_the_same_output_and_status_as_the_process(command, tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    break_a_link(project)
    in_process = run_in_process(*command, cwd=project)
    process = run_protectpress(*command, cwd=project)
    assert (in_process.returncode, in_process.stdout, in_process.stderr) == \
        (process.returncode, process.stdout, process.stderr)
    assert in_process.returncode == 1
    assert BROKEN_LINK in in_process.stdout + in_process.stderr


@pytest.mark.parametrize("command", [("check", "--no-such-option"), ("check", "-f", "missing.yml"),
                                     ("build", "--at", "next tuesday")])
def test_a_usage_or_settings_mistake_exits_2_as_the_process_does(command, tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    in_process = run_in_process(*command, cwd=project)
    process = run_protectpress(*command, cwd=project)
    assert (in_process.returncode, in_process.stdout, in_process.stderr) == \
        (process.returncode, process.stdout, process.stderr)
    assert in_process.returncode == 2 and in_process.stderr.splitlines()[-1].startswith("protectpress: ")


def test_a_failing_build_leaves_nothing_for_the_next_run(tmp_path, monkeypatch):
    broken = copy_project(FIXTURES / "newsletter-basic", tmp_path / "broken")
    good = copy_project(FIXTURES / "newsletter-basic", tmp_path / "good")
    break_a_link(broken)
    before = process_state()

    failed = run_in_process("build", cwd=broken, env={"SOURCE_DATE_EPOCH": "1764576000"})
    assert failed.returncode == 1 and BROKEN_LINK in failed.stderr, failed.stderr
    assert process_state() == before  # cwd, environment, loggers' handlers, warnings, signals all as they were

    clean = run_in_process("build", "--quiet", cwd=good)
    assert (clean.returncode, clean.stderr) == (0, ""), clean.stderr  # no problem and no log line of the first run
    assert (good / "site" / "index.html").is_file() and not (broken / "site").exists()

    # What MkDocs logs in a run reaches that run's stderr, not a handler an earlier run set up.
    def logs_a_warning(css: str) -> str:
        logging.getLogger("mkdocs.structure.pages").warning("a warning MkDocs logs in this run")
        return lean_material_css(css)

    monkeypatch.setattr(protectpress.mkdocs_plugins.site, "lean_material_css", logs_a_warning)
    for project in (good, broken):
        logged = run_in_process("build", "--quiet", cwd=project)
        assert logged.stderr.count("WARNING -  a warning MkDocs logs in this run") == 1, logged.stderr
    assert process_state() == before


def test_an_exception_inside_main_fails_loudly_with_what_was_printed(tmp_path, monkeypatch):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    before = process_state()

    def fault(args):
        print("started checking")
        raise RuntimeError("a fault in protectpress")

    monkeypatch.setattr(protectpress.cli.check, "run", fault)
    with pytest.raises(RuntimeError, match="a fault in protectpress") as raised:
        run_in_process("check", cwd=project)
    assert any("started checking" in note for note in raised.value.__notes__)
    assert process_state() == before


def test_an_exception_inside_the_build_fails_loudly_under_protectpress_debug(tmp_path, monkeypatch):
    # Without PROTECTPRESS_DEBUG the build turns a fault into a plain message (tests/test_atomic_build.py proves
    # that on a real process); with it, the fault reaches the test as an exception, not as a passing exit status.
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")

    def fault(*args, **kwargs):
        raise RuntimeError("a fault in the build")

    monkeypatch.setattr("protectpress.core.site.theme_css.lean_material_css", fault)
    monkeypatch.setattr("protectpress.mkdocs_plugins.site.lean_material_css", fault)
    with pytest.raises(RuntimeError, match="a fault in the build"):
        run_in_process("build", cwd=project, env={"PROTECTPRESS_DEBUG": "1"})
    assert "PROTECTPRESS_DEBUG" not in os.environ
    plain = run_in_process("build", cwd=project)
    assert plain.returncode == 1 and "protectpress stopped on an unexpected error: RuntimeError" in plain.stderr


def test_a_build_hands_nothing_of_its_own_to_the_next_one_in_the_process(tmp_path):
    # MkDocs keeps one instance of our plugin for the whole process (plugin_cache, kept for `mkdocs serve`): a
    # build that fed Pagefind once left its page sink on it, so the next build in the process (a `check`, a
    # preview rebuild) fed pages to that finished indexer, reading a staging folder that was gone (found in the
    # clean-clone run: check left Pagefind's threads running, and a build failed writing into another project).
    first = copy_project(FIXTURES / "newsletter-basic", tmp_path / "first")
    second = copy_project(FIXTURES / "site-basic", tmp_path / "second")
    for _ in range(2):  # the second build finds the search index it kept, so it starts Pagefind only on demand
        built = run_in_process("build", "--quiet", cwd=first)
        assert built.returncode == 0, built.stderr
    checked = run_in_process("check", cwd=second)  # fails on leftover threads, as the runner checks
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No problems found" in checked.stdout
    rebuilt = run_in_process("build", "--quiet", cwd=second)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (second / "site" / "action-cards" / "parcels" / "index.html").is_file()
