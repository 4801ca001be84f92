"""Issue 11, item 11: no cell of a CSV file protectpress writes runs as a formula in a spreadsheet.

`=1+2@example.org` is an address we can send to, and the suppression list records it, whether added by
`protectpress suppress` or by a relay's "no such mailbox" during a send. Excel takes a cell starting with
`=`, `+`, `-` or `@` as a formula; what we write must start otherwise, and still suppress that person.
"""

from __future__ import annotations

import csv
import io

from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BY_COMMAND = ["=1+2@example.org", "+44-1@example.org"]
BY_RELAY = "-2+3@example.org"


def test_the_suppression_list_is_spreadsheet_safe_and_still_suppresses(project, relay, run):
    for address in BY_COMMAND:
        code, out, err = run("suppress", address)
        assert code == 0, out + err
    relay.handler.rcpt_replies[BY_RELAY] = "550 5.1.1 =cmd|' /C calc'!A0 no such user"
    write_recipients(project / "recipients.csv", [f"{BY_RELAY},Minus,,", "ok@example.org,OK,,"])
    send = ("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes")
    code, out, err = run(*send)
    assert f"Added to the suppression list (no such mailbox): {BY_RELAY}" in out, out + err

    written = (project / "newsletters" / "suppressed.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(written, newline="")))
    assert rows[0] == ["email", "reason", "added"]
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], written
    assert [row[0] for row in rows[1:]] == [f"'{address}" for address in [*BY_COMMAND, BY_RELAY]]

    # Read back, the apostrophe is ours: the same people are still never mailed.
    write_recipients(project / "recipients.csv", [f"{a},Someone,," for a in [*BY_COMMAND, BY_RELAY]]
                     + ["ok@example.org,OK,,"])
    before = len(relay.handler.received)
    code, out, err = run(*send)
    assert code == 0, out + err
    assert out.startswith("Sent 0 messages; 1 already sent.\n"), out
    assert " = 0 sent + 1 already sent + 3 suppressed + " in out, out
    assert [m.recipients for m in relay.handler.received[before:]] == []  # ok@ already has it
    code, out, err = run("suppress", BY_COMMAND[0])
    assert "Added 0 to newsletters/suppressed.csv (1 already there)" in out, out

    # Taking one off rewrites the file through the same writer: the others stay safe and suppressed.
    code, out, err = run("unsuppress", BY_COMMAND[0])
    assert code == 0, out + err
    rows = list(csv.reader(io.StringIO((project / "newsletters" / "suppressed.csv").read_text(encoding="utf-8"),
                                       newline="")))
    assert [row[0] for row in rows[1:]] == [f"'{BY_COMMAND[1]}", f"'{BY_RELAY}"]
    code, out, err = run("suppress", BY_COMMAND[1])
    assert "(1 already there)" in out, out
