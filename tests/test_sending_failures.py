"""What a send does when something outside it fails: Ctrl-C in the middle of the SMTP transaction, another
send holding the journal's lock, a disk that will not take the outbox or the journal, a relay refusing at
sign-in, at MAIL or at DATA, and a reconnect that fails mid-run. Each runs through the real `protectpress`
command against a real aiosmtpd relay, and must lose nothing, send nobody twice and say what happened plainly."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest

from sending_relay import Relay, ScriptedHandler, project, run, sending_template, write_recipients  # noqa: F401
from support import PROTECTPRESS

SLUG = "2023-03-security-and-policing"
ADDRESSES = [f"partner{i:03d}@example.com" for i in range(8)]
NOTHING_LOST = "Nothing is lost: fix the cause and run the same command again to continue where it stopped"


def states(project) -> dict[str, str]:
    with sqlite3.connect(project / "newsletters/.sends" / f"{SLUG}.sqlite") as db:
        return dict(db.execute("SELECT address, state FROM deliveries").fetchall())


def send_command(relay: Relay, *extra: str) -> list[str]:
    return ["send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes",
            *extra]


def start_send(project, relay: Relay) -> subprocess.Popen:
    """A real `protectpress send` process, as comms staff start it in a terminal."""
    return subprocess.Popen([*PROTECTPRESS, *send_command(relay)], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture
def recipients(project):
    write_recipients(project / "recipients.csv", [f"{a},,," for a in ADDRESSES])
    return ADDRESSES


def test_ctrl_c_while_the_relay_holds_the_message_marks_it_unknown_and_stops_plainly(project, recipients, run):
    in_flight = ADDRESSES[3]
    handler = ScriptedHandler(hold_data={in_flight})  # the relay has the message; its "250" has not come
    relay = Relay(handler)
    config = project / "mkdocs.yml"  # a relay time-out far longer than a stop takes, even on a busy machine
    config.write_text(config.read_text(encoding="utf-8").replace("smtp_timeout: 10", "smtp_timeout: 45", 1))
    try:
        process = start_send(project, relay)
        assert handler.holding.wait(60), process.communicate()
        process.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        out, err = process.communicate(timeout=120)
        stopping = time.monotonic() - interrupted
        handler.release.set()
        assert process.returncode == 1
        # It stops at once: not after waiting out the relay's time-out for the held answer, neither in a polite
        # QUIT nor because the signal went to a thread other than the one waiting for the relay.
        assert stopping < 30, stopping
        # Every row is accounted for: the one in flight is unknown, the rest not yet tried.
        assert out.splitlines() == [
            "Stopped (Ctrl-C).",
            "Sent 3 messages; 1 unknown, 4 not yet tried.",
            "8 rows in recipients.csv = 3 sent + 0 already sent + 0 suppressed + 0 other sectors + 0 invalid + "
            "0 duplicate + 1 unknown + 4 not yet tried.",
            NOTHING_LOST + "."]
        assert "Traceback" not in err and "KeyboardInterrupt" not in err
        assert states(project) == {**{a: "sent" for a in ADDRESSES[:3]}, in_flight: "unknown",
                                   **{a: "pending" for a in ADDRESSES[4:]}}
        code, out, err = run(*send_command(relay))  # the same command again
        assert code == 1  # one recipient's fate is unknown, so not "everyone has it"
        assert out.splitlines()[:2] == [
            "Sent 4 messages; 3 already sent, 1 unknown.",
            "8 rows in recipients.csv = 4 sent + 3 already sent + 0 suppressed + 0 other sectors + 0 invalid + "
            "0 duplicate + 1 unknown."]
        assert handler.counts() == {a: 1 for a in ADDRESSES}  # the one in flight is not sent again unasked
    finally:
        relay.stop()


def test_a_second_send_of_the_same_newsletter_is_refused_while_the_first_runs(project, recipients, run):
    handler = ScriptedHandler(hold_data={ADDRESSES[2]})
    relay = Relay(handler)
    try:
        first = start_send(project, relay)
        assert handler.holding.wait(60), first.communicate()
        code, out, err = run(*send_command(relay))
        assert (code, out) == (1, "")
        assert err == ("Not sending: another send of this newsletter is running (lock: "
                       f"{SLUG}.lock). Wait for it to finish (or check nobody else is sending this newsletter).\n")
        handler.release.set()
        out, _ = first.communicate(timeout=60)
        assert first.returncode == 0, out
    finally:
        relay.stop()
    assert handler.counts() == {a: 1 for a in ADDRESSES}  # the refused run sent nobody anything


@pytest.mark.parametrize("refusal, answer", [
    ({"every_mail": "550 5.7.1 Sender not allowed"}, "550 5.7.1 Sender not allowed"),
    ({"every_data": "554 5.6.0 Message refused as spam"}, "554 5.6.0 Message refused as spam"),
], ids=["at-mail", "at-data"])
def test_a_relay_refusing_at_mail_or_data_stops_after_a_run_of_failures(project, recipients, run, refusal, answer):
    relay = Relay(ScriptedHandler(**refusal))
    try:
        code, out, _ = run(*send_command(relay))
        test_code, test_out, _ = run("send", SLUG, "--test", "editor@example.org", "--smtp", relay.url())
    finally:
        relay.stop()
    assert code == 1
    assert out.splitlines()[:4] == [
        f"Stopped after 4 failures in a row; the last answer was: {answer}",
        "Sent 0 messages; 4 failed, 4 not yet tried.",
        "8 rows in recipients.csv = 0 sent + 0 already sent + 0 suppressed + 0 other sectors + 0 invalid + "
        "0 duplicate + 4 failed + 4 not yet tried.",
        NOTHING_LOST + " (add --retry-failed to retry those the relay refused)."]
    assert states(project) == {**{a: "failed-permanent" for a in ADDRESSES[:4]},
                               **{a: "pending" for a in ADDRESSES[4:]}}
    assert (test_code, test_out) == (1, f"Test to editor@example.org: {answer}\n")
    assert relay.handler.received == []


def test_a_relay_refusing_the_sign_in_stops_before_anyone_is_tried(project, recipients, run, monkeypatch):
    relay = Relay(ScriptedHandler(), username="comms", password="the-right-one")
    monkeypatch.setenv("PROTECTPRESS_SMTP_PASSWORD", "a-wrong-one")
    try:
        code, out, err = run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url("comms"),
                             "--rate", "0", "--yes")
    finally:
        relay.stop()
    assert code == 1
    assert out.splitlines() == [  # why it stopped first, then the counts (first-time comms officer's trial)
        f"Stopped: {relay.url('comms')}: the relay refused the user name or password (535 5.7.8 Authentication "
        "credentials invalid)",
        "Sent 0 messages; 8 not yet tried.",
        "8 rows in recipients.csv = 0 sent + 0 already sent + 0 suppressed + 0 other sectors + 0 invalid + "
        "0 duplicate + 8 not yet tried.",
        NOTHING_LOST + "."]
    assert set(states(project).values()) == {"pending"}
    assert "a-wrong-one" not in out + err


def test_a_reconnect_that_fails_mid_run_stops_and_the_rerun_delivers_the_rest_once(project, recipients, run):
    handler = ScriptedHandler(drop_at_rcpt_once={ADDRESSES[3]}, refuse_after_drop=True)
    relay = Relay(handler)
    try:
        code, out, err = run(*send_command(relay))
    finally:
        relay.stop()
    assert code == 1
    assert out.splitlines()[:3] == [
        "Stopped after 4 failures in a row; the last answer was: connection problem: could not reconnect: the relay "
        "closed the connection",
        "Sent 3 messages; 4 failed, 1 not yet tried.",
        "8 rows in recipients.csv = 3 sent + 0 already sent + 0 suppressed + 0 other sectors + 0 invalid + "
        "0 duplicate + 4 failed + 1 not yet tried."]
    assert states(project) == {**{a: "sent" for a in ADDRESSES[:3]},
                               **{a: "failed-temporary" for a in ADDRESSES[3:7]}, ADDRESSES[7]: "pending"}
    back = Relay(ScriptedHandler())  # the relay is back: the same command again
    try:
        code, out, err = run(*send_command(back))
    finally:
        back.stop()
    assert code == 0, out + err
    assert back.handler.counts() == {a: 1 for a in ADDRESSES[3:]}
    assert set(states(project).values()) == {"sent"}


def test_an_outbox_the_disk_will_not_take_is_one_plain_line(project, recipients, run):
    (project / "outbox").write_text("a file where the outbox folder should be", encoding="utf-8")
    code, out, err = run("send", SLUG, "--to", "recipients.csv")
    assert (code, out) == (1, "")
    assert err == (f"protectpress: outbox/{SLUG}: Not a directory. Nothing more was sent or written; what was "
                   "done before this is kept.\n")


def test_a_journal_folder_the_disk_will_not_take_is_one_plain_line_and_sends_nothing(project, recipients, run):
    (project / "newsletters" / ".sends").write_text("a file where the journal folder should be", encoding="utf-8")
    relay = Relay(ScriptedHandler())
    try:
        code, out, err = run(*send_command(relay))
    finally:
        relay.stop()
    assert (code, out) == (1, "")
    assert err == (f"protectpress: newsletters/.sends/{SLUG}.sqlite: Not a directory. Nothing more was sent or "
                   "written; what was done before this is kept.\n")
    assert relay.handler.received == []
