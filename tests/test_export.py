"""`protectpress export` as comms staff run it, with message.eml read back by Python's `email` package."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from support import run_in_process as protectpress
from support import run_protectpress


def read_message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_export_by_path_writes_three_files_and_an_unsent_draft(newsletter_project, tmp_path):
    out = tmp_path / "out"
    result = protectpress("export", "newsletters/2024-01-winter-update.md", "--out", str(out), cwd=newsletter_project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["email.html", "email.txt", "message.eml"]
    message = read_message(out / "message.eml")
    assert message["X-Unsent"] == "1"
    assert message["To"] is None
    assert message["Subject"] == "Winter update: lockdown plans and the retail expo"
    assert message["From"] == "Fixture Protect Team <news@news.example.org>"
    assert message["List-Unsubscribe"] == "<mailto:unsubscribe@news.example.org?subject=unsubscribe>"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    # The MIME parts are the files, apart from the line ending each part gets.
    assert text.replace("\r\n", "\n").rstrip("\n") == (out / "email.txt").read_text().rstrip("\n")
    assert html.replace("\r\n", "\n").rstrip("\n") == (out / "email.html").read_text().rstrip("\n")
    assert "Dear Partner," in text and "Dear Partner," in html
    assert 'href="mailto:unsubscribe@news.example.org?subject=unsubscribe"' in html
    assert "[[pp:" not in text + html


def test_export_by_slug_with_an_email_service_merge_tag(newsletter_project, tmp_path):
    out = tmp_path / "out"
    result = protectpress("export", "2024-01-winter-update", "--out", str(out), "--unsubscribe-placeholder",
                          "{{unsubscribe_url}}", "--name-placeholder", "*|FNAME|*", cwd=newsletter_project)
    assert result.returncode == 0, result.stderr
    html = (out / "email.html").read_text()
    text = (out / "email.txt").read_text()
    assert 'href="{{unsubscribe_url}}"' in html and text.rstrip().endswith("{{unsubscribe_url}}")
    assert "Dear *|FNAME|*," in html and "Dear *|FNAME|*," in text
    message = read_message(out / "message.eml")
    assert message["List-Unsubscribe"] is None  # the email service adds its own


def test_export_gives_the_first_name_its_own_merge_tag(newsletter_project, tmp_path):
    letter = newsletter_project / "newsletters" / "2024-01-winter-update.md"
    original = letter.read_text(encoding="utf-8")  # the project is shared by this module's tests: put it back
    letter.write_text(original.replace("Dear {{ name }},", "Dear {{ first_name }},\n\nThis issue is for {{ name }}."),
                      encoding="utf-8")
    try:
        out = tmp_path / "out"
        result = protectpress("export", "2024-01-winter-update", "--out", str(out), "--name-placeholder",
                              "*|FNAME|* *|LNAME|*", "--first-name-placeholder", "*|FNAME|*", cwd=newsletter_project)
        assert result.returncode == 0, result.stderr
        for part in ((out / "email.html").read_text(), (out / "email.txt").read_text()):
            assert "Dear *|FNAME|*," in part and "This issue is for *|FNAME|* *|LNAME|*." in part
        plain = protectpress("export", "2024-01-winter-update", "--out", str(tmp_path / "plain"),
                             cwd=newsletter_project)
        assert plain.returncode == 0 and "Dear Partner," in (tmp_path / "plain" / "email.txt").read_text()
    finally:
        letter.write_text(original, encoding="utf-8")


def test_export_a_draft_for_preview(newsletter_project, tmp_path):
    result = protectpress("export", "2024-02-spring-draft", "--out", str(tmp_path / "draft"), cwd=newsletter_project)
    assert result.returncode == 0
    assert "a draft: preview only" in result.stdout
    assert "Spring preview" in (tmp_path / "draft" / "email.html").read_text()


def test_export_unknown_newsletter_lists_the_problem_and_exits_2(newsletter_project, tmp_path):
    # A real process: the export test that no traceback reaches comms staff where they would read it. A name that
    # is no newsletter is a mistake on the command line: 2, as `send` and `sends` answer it.
    result = run_protectpress("export", "no-such-issue", "--out", str(tmp_path / "x"), cwd=newsletter_project)
    assert result.returncode == 2
    assert "error: no-such-issue: expected a newsletter file or slug from newsletters/" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()
