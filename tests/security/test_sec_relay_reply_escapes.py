"""A relay's words never drive a comms officer's terminal.

A relay is a far server: its refusal text is kept in the journal, printed in the send summary and in `sends`,
and written into the suppression list and the `sends --csv` report. A reply carrying terminal escape sequences
(colour, a window-title change ending in BEL, a cursor move that overwrites an earlier line) must reach none
of them as control characters; the words around them stay readable.
"""

from __future__ import annotations

import sqlite3

from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"
VICTIM = "gone@example.com"
HOSTILE_REPLY = "550 5.1.1 \x1b[2J\x1b[1;1HAll 2 sent\x1b]0;pwned\x07 no such \x1b[31mmailbox\x1b[0m"
CONTROL = [chr(code) for code in (*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f)]  # all but the line feed


def _has_control(text: str) -> bool:
    return any(character in text for character in CONTROL)


def test_an_escape_laden_refusal_is_kept_and_shown_as_plain_text(project, relay, run):
    write_recipients(project / "recipients.csv", [f"{VICTIM},,,", "fine@example.com,,,"])
    relay.handler.rcpt_replies[VICTIM] = HOSTILE_REPLY

    code, out, err = run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(),
                         "--rate", "0", "--yes")
    assert code == 1  # one person was refused
    assert not _has_control(out + err), repr(out + err)
    assert "no such mailbox" in " ".join(out.split())  # the words are still there to read

    with sqlite3.connect(project / "newsletters/.sends" / f"{SLUG}.sqlite") as db:
        reply = db.execute("SELECT reply FROM deliveries WHERE address = ?", (VICTIM,)).fetchone()[0]
    assert not _has_control(reply) and "mailbox" in reply

    code, out, err = run("sends", SLUG, "--csv")
    assert code == 0 and not _has_control(out + err), repr(out + err)
    report = (project / "newsletters/.sends" / f"{SLUG}.report.csv").read_text(encoding="utf-8")
    suppressed = (project / "newsletters/suppressed.csv").read_text(encoding="utf-8")
    assert not _has_control(report.replace("\r\n", "\n")) and not _has_control(suppressed.replace("\r\n", "\n"))
    assert VICTIM in suppressed
