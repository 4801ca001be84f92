"""The journal's states and locking, the relay address rules, the SMTP payload, and the progress display."""

from __future__ import annotations

import contextlib
import io
import socket
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from protectpress.core.sending.journal import JournalBusy, SendJournal, State
from protectpress.core.sending.progress import Counts, Progress, time_left
from protectpress.core.sending.recipients import Recipient
from protectpress.core.sending.relay import RelayAddress, SmtpRelay
from protectpress.core.sending.testsends import TestSendLog
from protectpress.core.sending.transport import Outcome, RelayError
from sending_relay import Relay, ScriptedHandler


def people(*addresses: str) -> list[Recipient]:
    return [Recipient(a) for a in addresses]


def test_journal_states_survive_reopening_and_a_crash_leaves_one_unknown(tmp_path):
    path = tmp_path / ".sends" / "issue.sqlite"
    with SendJournal(path) as journal:
        assert journal.begin("hash-1", "Subject", "smtp://relay:587").content_hash == "hash-1"
        assert journal.begin("hash-2", "Other", "smtp://relay:587").content_hash == "hash-1"  # first one wins
        journal.plan(people("a@example.com", "B@example.com", "c@example.com"))
        journal.mark_sending("a@example.com")
        journal.mark("a@example.com", State.SENT, "250 OK")
        journal.mark_sending("b@example.com")  # ... and the process dies here
    with SendJournal(path) as journal:
        assert journal.recover_interrupted() == ["B@example.com"]
        by_address = {d.address: d for d in journal.deliveries()}
        assert by_address["B@example.com"].state is State.UNKNOWN
        assert by_address["a@example.com"].reply == "250 OK"
        assert journal.counts()[State.PENDING] == 1
        journal.plan(people("a@example.com", "b@example.com", "d@example.com"))  # c left the list, d joined
        assert [d.address for d in journal.deliveries()] == ["a@example.com", "B@example.com", "d@example.com"]
    # Write-ahead logging is a property of the file: any program that opens the journal sees it.
    with contextlib.closing(sqlite3.connect(path)) as reader:
        assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("how", ["mark", "record_outcome"])
def test_a_mark_survives_the_process_being_killed_straight_after(tmp_path, how):
    # Each mark is committed before the next message goes: a process killed with no chance to close the
    # journal (os._exit skips every finaliser) still leaves its last mark on disk. The relay's answer too,
    # whose flush to the disk itself waits for the next message's `sending`.
    path = tmp_path / ".sends" / "issue.sqlite"
    script = textwrap.dedent(f"""
        import os
        from protectpress.core.sending.journal import SendJournal, State
        from protectpress.core.sending.recipients import Recipient
        from pathlib import Path
        journal = SendJournal(Path({str(path)!r}))
        journal.begin("hash-1", "Subject", "smtp://relay:587")
        journal.plan([Recipient("a@example.com")])
        journal.mark_sending("a@example.com")
        journal.{how}("a@example.com", State.SENT, "250 OK")
        os._exit(9)
    """)
    died = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert died.returncode == 9, died.stderr
    with SendJournal(path) as journal:
        assert journal.recover_interrupted() == []
        [delivery] = journal.deliveries()
        assert (delivery.address, delivery.state, delivery.reply) == ("a@example.com", State.SENT, "250 OK")


def test_sending_waits_for_the_disk_and_the_relay_s_answer_does_not(tmp_path, monkeypatch):
    # Never twice, even through a power cut: `sending` is committed with synchronous=FULL (on the disk) before
    # the relay is asked; its answer with NORMAL (committed, the flush left to the next `sending`), and nothing
    # else is written for a message. The level each UPDATE ran at is read from the statements themselves.
    written: list[tuple[str, str]] = []  # (the statement's first word, the synchronous level it ran at)
    level: dict[sqlite3.Connection, str] = {}
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)

        def trace(sql: str) -> None:
            if sql.upper().startswith("PRAGMA SYNCHRONOUS="):
                level[connection] = sql.partition("=")[2].strip().upper()
            elif not sql.upper().startswith(("PRAGMA", "SELECT")):
                written.append((sql.split()[0].upper(), level.get(connection, "FULL")))

        connection.set_trace_callback(trace)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    with SendJournal(tmp_path / "issue.sqlite") as journal:
        journal.plan(people("a@example.com", "b@example.com"))
        for address in ("a@example.com", "b@example.com"):
            del written[:]
            journal.mark_sending(address)
            assert written == [("UPDATE", "FULL")]
            del written[:]
            journal.record_outcome(address, State.SENT, "250 OK")
            assert written == [("UPDATE", "NORMAL")]


def test_one_send_per_newsletter_at_a_time(tmp_path):
    first, second = SendJournal(tmp_path / "issue.sqlite"), SendJournal(tmp_path / "issue.sqlite")
    first.lock()
    with pytest.raises(JournalBusy, match="another send"):
        second.lock()
    first.close()
    second.lock()  # released when the holder ends (the OS releases it even after kill -9)
    second.close()


def test_test_send_log_finds_the_last_test_of_this_content_and_survives_a_torn_line(tmp_path):
    log = TestSendLog(tmp_path, "issue")
    log.record("old", ["a@example.com"], "outbox")
    log.record("new", ["a@example.com", "b@example.com"], "smtp://relay:587")
    with log.path.open("a") as handle:
        handle.write('{"at": "2026-')  # a crash mid-write
    assert log.last("new").addresses == ("a@example.com", "b@example.com")
    assert log.last("missing") is None
    assert log.forget("A@example.com") == 2
    assert [e.addresses for e in log.entries()] == [("b@example.com",)]


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://relay.example.org", ("smtp", "relay.example.org", 587, "")),
    ("smtps://news%40example.org@relay.example.org", ("smtps", "relay.example.org", 465, "news@example.org")),
    ("smtp://comms@127.0.0.1:2525", ("smtp", "127.0.0.1", 2525, "comms")),
])
def test_relay_addresses(url, expected):
    address = RelayAddress.parse(url)
    assert (address.scheme, address.host, address.port, address.username) == expected


@pytest.mark.parametrize(("url", "words"), [
    ("http://relay.example.org", "expected an address like smtp://"),
    ("smtp://user:hunter2@relay.example.org", "PROTECTPRESS_SMTP_PASSWORD"),
    ("smtp://relay.example.org:port", "port number"),
])
def test_bad_relay_addresses_are_explained(url, words):
    with pytest.raises(RelayError, match=words) as raised:
        RelayAddress.parse(url)
    assert "hunter2" not in str(raised.value)


def test_loopback_is_recognised():
    assert RelayAddress.parse("smtp://localhost:25").is_loopback
    assert RelayAddress.parse("smtp://127.0.0.1:25").is_loopback and RelayAddress.parse("smtp://[::1]:25").is_loopback
    assert not RelayAddress.parse("smtp://relay.example.org").is_loopback
    assert not RelayAddress.parse("smtp://10.0.0.5").is_loopback


def test_a_line_that_starts_with_a_dot_arrives_whole_whatever_the_line_ends():
    # A line of one dot ends DATA unless it is stuffed; a bare LF or CR is not a line end to SMTP.
    server = Relay(ScriptedHandler())
    try:
        relay = SmtpRelay(RelayAddress.parse(server.url()))
        result = relay.deliver("news@example.org", "a@example.com", b"Subject: x\n\n.hidden\r\nplain\r.\nlast\n")
        relay.close()
    finally:
        server.stop()
    assert result.outcome is Outcome.SENT
    [received] = server.handler.received
    assert received.data == b"Subject: x\r\n\r\n.hidden\r\nplain\r\n.\r\nlast\r\n"


def _this_hosts_network_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_a_relay_off_this_machine_without_starttls_is_refused():
    host = _this_hosts_network_address()
    if host is None:
        pytest.skip("this machine has no network address other than loopback")
    server = Relay(ScriptedHandler(), hostname="0.0.0.0")
    try:
        relay = SmtpRelay(RelayAddress.parse(f"smtp://{host}:{server.port}"))
        with pytest.raises(RelayError, match="does not offer STARTTLS"):
            relay.deliver("news@example.org", "a@example.com", b"Subject: x\r\n\r\nhello\r\n")
        assert server.handler.received == []
        loopback = SmtpRelay(RelayAddress.parse(f"smtp://127.0.0.1:{server.port}"))
        assert (
            loopback.deliver("news@example.org", "a@example.com", b"Subject: x\r\n\r\nhi\r\n").outcome is Outcome.SENT
        )
        loopback.close()
    finally:
        server.stop()


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_and_plain_lines_elsewhere():
    terminal = FakeTerminal()
    bar = Progress(4, stream=terminal)
    bar.update(Counts(done=1, sent=1))
    bar.update(Counts(done=4, sent=3, failed=1), final=True)
    assert terminal.getvalue().startswith("\rSending [######------------------] 1/4 (sent 1)")
    assert terminal.getvalue().endswith("4/4 (sent 3, failed 1)\x1b[K\n")
    log = io.StringIO()
    plain = Progress(100, stream=log)
    for done in range(1, 101):
        plain.update(Counts(done=done, sent=done), final=done == 100)
    lines = log.getvalue().splitlines()
    assert 10 <= len(lines) <= 12 and "\r" not in log.getvalue() and lines[-1].endswith("100/100 (sent 100)")


def test_time_left_reads_naturally():
    assert time_left(10, 10, 20) == "about 10 s left"
    assert time_left(60, 10, 40) == "about 3 min left"
    assert time_left(3600, 1, 3) == "about 2.0 h left"
    assert time_left(5, 0, 10) == "" and time_left(5, 10, 10) == ""


def test_a_record_with_no_real_send_says_who_is_still_to_send(tmp_path):
    # "Sent 0, failed 0 ..., remaining 0" read as a finished send to a trial's comms officer.
    from protectpress.core.sending.report import journal_report

    with SendJournal(tmp_path / "issue.sqlite") as journal:
        assert "Not sent yet: no real send of this newsletter has begun." in journal_report(journal, "x", "none")
        journal.begin("hash-1", "Subject", "smtp://relay:587")
        journal.plan(people("a@example.com"))
        report = journal_report(journal, "x", "none")
        assert "Not sent yet: 1 person to send." in report and not any(line.startswith("Sent") for line in report)
        journal.mark_sending("a@example.com")
        journal.mark("a@example.com", State.SENT, "250 OK")
        assert ("Sent 1, failed 0 (0 permanent, 0 temporary), unknown 0, remaining 0."
                in journal_report(journal, "x", "none"))
