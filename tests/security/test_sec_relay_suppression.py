"""Issue 11, item 8: a misconfigured relay cannot suppress people for good; `unsuppress` exists and is
recorded; `forget` followed by a resumed send does not mail that person again.

Every test drives the real commands against a real relay on 127.0.0.1. The project's test settings stop a
send after 4 failures in a row.
"""

from __future__ import annotations

import getpass
import json
import sqlite3

from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox"


def addresses(*names: str) -> list[str]:
    return [f"{name}@example.com" for name in names]


def live(run, relay, *extra: str):
    return run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0",
               "--yes", *extra)


def suppressed(project) -> str:
    path = project / "newsletters/suppressed.csv"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_a_storm_of_no_such_mailbox_answers_suppresses_nobody(project, relay, run):
    people = addresses("ana", "bo", "cy", "dee", "ed", "fay", "gus", "hal")
    write_recipients(project / "recipients.csv", [f"{a},Partner,Org," for a in people])
    # bo's mailbox really is gone (the relay goes on delivering after it); from dee on, the relay is broken.
    for address in ["bo@example.com", *people[3:]]:
        relay.handler.rcpt_replies[address] = NO_SUCH_MAILBOX
    code, out, _ = live(run, relay)
    assert code == 1 and "Stopped after 4 failures in a row" in out
    assert "bo@example.com" in suppressed(project)
    assert not any(address in suppressed(project) for address in people[3:]), suppressed(project)
    assert "Not added to the suppression list" in out and "dee@example.com, ed@example.com" in out

    # The relay is mended: retrying the refused ones reaches everyone the storm refused, once each.
    relay.handler.rcpt_replies = {"bo@example.com": NO_SUCH_MAILBOX}
    code, out, _ = live(run, relay, "--retry-failed")
    assert relay.handler.counts() == {address: 1 for address in people if address != "bo@example.com"}
    assert "+ 1 suppressed +" in out


def test_unsuppress_takes_one_address_off_and_records_who_and_when(project, relay, run):
    (project / "newsletters/suppressed.csv").write_text(
        "email,reason,added\nkeep@example.com,unsubscribed,2026-01-01\n"
        "Back@Example.com,\"no such mailbox: 550 5.1.1 gone, then back\",2026-02-02\n", encoding="utf-8")
    write_recipients(project / "recipients.csv", ["back@example.com,Back,Org,", "keep@example.com,Keep,Org,"])

    code, out, err = run("unsuppress", "back@example.com")
    assert code == 0, out + err
    assert "Took back@example.com off newsletters/suppressed.csv" in out and "550 5.1.1 gone, then back" in out
    assert suppressed(project).splitlines() == ["email,reason,added", "keep@example.com,unsubscribed,2026-01-01"]
    log = project / "newsletters/.sends/suppression-changes.jsonl"
    (change,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert change["action"] == "unsuppressed" and change["address"] == "back@example.com"
    assert change["by"] == getpass.getuser() and change["at"].startswith("20") and "5.1.1" in change["reason_was"]

    assert run("unsuppress", "back@example.com")[0] == 1  # not there any more: nothing to do
    live(run, relay)
    assert relay.handler.counts() == {"back@example.com": 1}  # mailed again; keep@ still suppressed

    code, out, _ = run("forget", "back@example.com")
    assert code == 0 and "1 suppression change(s)" in out
    assert "back@example.com" not in log.read_text(encoding="utf-8")


def test_forget_then_a_resumed_send_does_not_mail_that_person_again(project, relay, run):
    people = addresses("ana", "bo", "cy", "dee")
    write_recipients(project / "recipients.csv", [f"{a},Partner,Org," for a in people])
    relay.handler.rcpt_replies["dee@example.com"] = "451 4.3.0 Try again later"
    assert live(run, relay)[0] == 1  # dee is left to retry: the send is not finished

    for erased in ("ana@example.com", "dee@example.com"):  # one already sent, one still to send
        assert run("forget", erased)[0] == 0
    relay.handler.rcpt_replies.clear()
    code, out, err = live(run, relay)  # resumed, with both still on the recipients file

    assert relay.handler.counts() == {"ana@example.com": 1, "bo@example.com": 1, "cy@example.com": 1}
    assert code == 0 and "+ 2 erased on request" in out, out + err
    journal = project / "newsletters/.sends" / f"{SLUG}.sqlite"
    with sqlite3.connect(journal) as db:
        assert {a for (a,) in db.execute("SELECT address FROM deliveries")} == {"bo@example.com", "cy@example.com"}
    for erased in (b"ana@example.com", b"dee@example.com"):
        assert erased not in journal.read_bytes()
