"""The real commands on fuzzed input: `protectpress check`, `build`, `export` and `send --dry-run` each succeed or
end with our one-run problem list and a non-zero exit, never a Python traceback.

Each example runs real subprocesses, so the quick profile keeps a handful; HYPOTHESIS_PROFILE=deep runs more.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given

from fuzz_strategies import newsletter_body, newsletter_fronts, page_files, real_commands, recipients_csv
from support import FIXTURES, copy_project, run_protectpress

# One line of our problem list, as `check`, `build` (indented under its heading), `export` and `send` print it.
PROBLEM_LINE = re.compile(r"^\s*(error|warning): \S.*: expected ", re.MULTILINE)
NEWSLETTER = "2024-01-winter-update"


def assert_plain_outcome(result, *, command: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback (most recent call last)" not in output, f"{command} crashed:\n{output}"
    assert result.returncode in (0, 1), f"{command} exited {result.returncode}:\n{output}"
    if result.returncode == 1:
        assert PROBLEM_LINE.search(output), f"{command} failed without our problem list:\n{output}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("fuzz-commands") / "project")


@real_commands
@given(page=page_files)
def test_check_and_build_on_a_fuzzed_page(project, page):
    fuzzed = project / "docs" / "guidance" / "fuzzed.md"
    fuzzed.write_text(page, encoding="utf-8")
    try:
        assert_plain_outcome(run_protectpress("check", cwd=project), command="check")
        assert_plain_outcome(run_protectpress("build", "--quiet", cwd=project), command="build")
    finally:
        fuzzed.unlink()
        shutil.rmtree(project / "site", ignore_errors=True)


@real_commands
@given(front=newsletter_fronts, body=newsletter_body)
def test_export_and_build_on_a_fuzzed_newsletter(project, front, body):
    letter = project / "newsletters" / "fuzzed.md"
    letter.write_text(front + "\n" + body, encoding="utf-8")
    try:
        assert_plain_outcome(run_protectpress("export", "fuzzed", "--out", str(project / "exported"), cwd=project),
                             command="export")
        assert_plain_outcome(run_protectpress("build", "--quiet", cwd=project), command="build")
    finally:
        letter.unlink()
        shutil.rmtree(project / "site", ignore_errors=True)
        shutil.rmtree(project / "exported", ignore_errors=True)


@real_commands
@given(data=recipients_csv())
def test_dry_run_send_on_a_fuzzed_recipients_csv(project, data):
    recipients = project / "recipients-fuzzed.csv"
    recipients.write_bytes(data)
    try:
        result = run_protectpress("send", NEWSLETTER, "--to", recipients.name, "--dry-run", "--yes", cwd=project)
        assert_plain_outcome(result, command="send --dry-run")
        assert not (project / "outbox").exists(), "a dry run writes nothing"
    finally:
        recipients.unlink()


def test_a_template_that_does_not_exist_is_an_error_not_a_traceback(project):
    """Regression: `template: nothere.html` passed the schema and crashed MkDocs with TemplateNotFound."""
    page = project / "docs" / "guidance" / "fuzzed.md"
    page.write_text("---\ntitle: Templated\ntype: guidance\nsummary: s\ndate: 2024-01-01\ntemplate: nothere.html\n"
                    "---\n\nBody.\n", encoding="utf-8")
    try:
        result = run_protectpress("build", "--quiet", cwd=project)
    finally:
        page.unlink()
        shutil.rmtree(project / "site", ignore_errors=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("error: docs/guidance/fuzzed.md: template: expected a template of the theme or of overrides/, like "
            "main.html, found 'nothere.html'") in result.stderr
