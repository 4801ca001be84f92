"""A dry run and the confirmation count the recipients file the way a finished send does: every row once.

The fresh-eyes trial found the dry run saying "2 in partners.csv" for a four-row file, because it counted
people, not rows, and said nothing of the duplicate."""

from __future__ import annotations

from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"
ROWS = ["a@example.com,A,,", "b@example.com,B,,", "A@example.com,A again,,", "gone@example.com,,,",
        "not-an-address,,,"]
PLAN = ("5 rows in recipients.csv = 2 to send + 0 already sent + 1 suppressed + 0 other sectors + 1 invalid "
        "+ 1 duplicate; invalid rows skipped: line 6, named in the warnings above")


def suppress_gone(project) -> None:
    (project / "newsletters" / "suppressed.csv").write_text(
        "email,reason,added\ngone@example.com,unsubscribed,2023-04-01\n")


def test_the_outbox_dry_run_counts_every_row_of_the_file_once(project, run):
    suppress_gone(project)
    write_recipients(project / "recipients.csv", ROWS)
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--dry-run")
    assert code == 0, out + err
    assert f"would write 2 messages to outbox/{SLUG}/ ({PLAN}). Nothing was written." in out


def test_the_confirmation_counts_rows_as_the_end_of_the_send_does(project, relay, run):
    suppress_gone(project)
    write_recipients(project / "recipients.csv", ROWS)
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--dry-run",
                         "--skip-live-check")
    assert code == 0, out + err
    assert f"Recipients:  2 to send now ({PLAN})" in out
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--yes", "--rate", "0",
                         "--skip-live-check")
    assert code == 0, out + err
    assert ("5 rows in recipients.csv = 2 sent + 0 already sent + 1 suppressed + 0 other sectors + 1 invalid "
            "+ 1 duplicate." in out)
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--dry-run",
                         "--skip-live-check")
    assert code == 0, out + err
    assert "0 to send now (5 rows in recipients.csv = 0 to send + 2 already sent + 1 suppressed" in out
