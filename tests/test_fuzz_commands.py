"""The real commands on fuzzed input: `protectpress check`, `build`, `export` and `send --dry-run` each succeed or
end with our one-run problem list and a non-zero exit, never a Python traceback.

Each example runs real commands (in-process: tests/support.py run_in_process), so the quick profile keeps a
handful; HYPOTHESIS_PROFILE=deep runs more.
"""

from __future__ import annotations

import re
import shutil

from hypothesis import given

from fuzz_strategies import newsletter_body, newsletter_fronts, page_files, real_commands, recipients_csv
from support import run_in_process

# One line of our problem list, as `check`, `build` (indented under its heading), `export` and `send` print it.
PROBLEM_LINE = re.compile(r"^\s*(error|warning): \S.*: expected ", re.MULTILINE)
NEWSLETTER = "2024-01-winter-update"


def assert_plain_outcome(result, *, command: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback (most recent call last)" not in output, f"{command} crashed:\n{output}"
    assert result.returncode in (0, 1), f"{command} exited {result.returncode}:\n{output}"
    if result.returncode == 1:
        assert PROBLEM_LINE.search(output), f"{command} failed without our problem list:\n{output}"


@real_commands
@given(page=page_files)
def test_check_and_build_on_a_fuzzed_page(newsletter_project, page):
    fuzzed = newsletter_project / "docs" / "guidance" / "fuzzed.md"
    fuzzed.write_text(page, encoding="utf-8")
    try:
        assert_plain_outcome(run_in_process("check", cwd=newsletter_project), command="check")
        assert_plain_outcome(run_in_process("build", "--quiet", cwd=newsletter_project), command="build")
    finally:
        fuzzed.unlink()
        shutil.rmtree(newsletter_project / "site", ignore_errors=True)


@real_commands
@given(front=newsletter_fronts, body=newsletter_body)
def test_export_and_build_on_a_fuzzed_newsletter(newsletter_project, front, body):
    letter = newsletter_project / "newsletters" / "fuzzed.md"
    letter.write_text(front + "\n" + body, encoding="utf-8")
    try:
        exported = str(newsletter_project / "exported")
        assert_plain_outcome(run_in_process("export", "fuzzed", "--out", exported, cwd=newsletter_project),
                             command="export")
        assert_plain_outcome(run_in_process("build", "--quiet", cwd=newsletter_project), command="build")
    finally:
        letter.unlink()
        shutil.rmtree(newsletter_project / "site", ignore_errors=True)
        shutil.rmtree(newsletter_project / "exported", ignore_errors=True)


@real_commands
@given(data=recipients_csv())
def test_dry_run_send_on_a_fuzzed_recipients_csv(newsletter_project, data):
    recipients = newsletter_project / "recipients-fuzzed.csv"
    recipients.write_bytes(data)
    try:
        result = run_in_process("send", NEWSLETTER, "--to", recipients.name, "--dry-run", "--yes",
                                cwd=newsletter_project)
        assert_plain_outcome(result, command="send --dry-run")
        assert not (newsletter_project / "outbox").exists(), "a dry run writes nothing"
    finally:
        recipients.unlink()


def test_a_template_that_does_not_exist_is_an_error_not_a_traceback(newsletter_project):
    """Regression: `template: nothere.html` passed the schema and crashed MkDocs with TemplateNotFound."""
    page = newsletter_project / "docs" / "guidance" / "fuzzed.md"
    page.write_text("---\ntitle: Templated\ntype: guidance\nsummary: s\ndate: 2024-01-01\ntemplate: nothere.html\n"
                    "---\n\nBody.\n", encoding="utf-8")
    try:
        result = run_in_process("build", "--quiet", cwd=newsletter_project)
    finally:
        page.unlink()
        shutil.rmtree(newsletter_project / "site", ignore_errors=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("error: docs/guidance/fuzzed.md: template: expected a template of the theme or of overrides/, like "
            "main.html, found 'nothere.html'") in result.stderr
