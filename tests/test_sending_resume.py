"""Never twice, never lost: a real `protectpress send` process killed with SIGKILL part-way, then resumed."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import time

from protectpress.cli import main
from sending_relay import Relay, ScriptedHandler, project, sending_template, write_recipients  # noqa: F401
from support import PROTECTPRESS, wait_until

SLUG = "2023-03-security-and-policing"


def start_send(project, relay: Relay) -> subprocess.Popen:
    return subprocess.Popen([*PROTECTPRESS, "send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp",
                            relay.url(),
                             "--rate", "0", "--yes"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def kill_9(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def wait_for(condition, process: subprocess.Popen, timeout: float = 60) -> None:
    wait_until(condition, seconds=timeout, step=0.005, process=process, what="the send getting far enough",
               output=lambda: process.communicate() if process.poll() is not None else "(still running)")


def journal_states(project) -> dict[str, str]:
    with sqlite3.connect(project / "newsletters/.sends" / f"{SLUG}.sqlite") as db:
        return dict(db.execute("SELECT address, state FROM deliveries").fetchall())


def resume(capsys, relay: Relay, *extra: str) -> tuple[int, str]:
    """The same command again, as comms staff would rerun it (in this process, so it is quick)."""
    code = main(["send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0",
                "--yes", *extra])
    out, err = capsys.readouterr()
    return code, out + err


ADDRESSES = [f"partner{i:03d}@example.com" for i in range(120)]


def test_killed_while_waiting_for_the_relay_the_message_in_flight_is_the_one_unknown(project, capsys):
    """The worst moment: the relay has the whole message, the sender dies before hearing "250"."""
    in_flight = ADDRESSES[40]
    handler = ScriptedHandler(hold_data={in_flight})
    relay = Relay(handler)
    try:
        write_recipients(project / "recipients.csv", [f"{a},,," for a in ADDRESSES])
        process = start_send(project, relay)
        wait_for(handler.holding.is_set, process)
        assert journal_states(project)[in_flight] == "sending"  # committed before the SMTP transaction
        kill_9(process)
        handler.release.set()
        assert handler.count(in_flight) == 1  # the relay has it, but the sender never heard so
        code, output = resume(capsys, relay)
        assert code == 1  # one recipient's fate is unknown, so not "everyone has it"
        assert f"The last run stopped while sending to {in_flight}" in output
        assert "+ 1 unknown" in output
        counts = handler.counts()
        assert all(counts[a] == 1 for a in ADDRESSES), {a: counts[a] for a in ADDRESSES if counts[a] != 1}
        states = journal_states(project)
        assert states[in_flight] == "unknown" and sum(s == "sent" for s in states.values()) == len(ADDRESSES) - 1
        code, output = resume(capsys, relay, "--resend-unknown")
        assert code == 0 and handler.count(in_flight) == 2  # the known risk that --resend-unknown accepts
    finally:
        relay.stop()


def test_killed_at_an_arbitrary_moment_every_remaining_recipient_gets_it_exactly_once(project, capsys):
    handler = ScriptedHandler(data_delay=0.003)
    relay = Relay(handler)
    try:
        write_recipients(project / "recipients.csv", [f"{a},,," for a in ADDRESSES])
        process = start_send(project, relay)
        wait_for(lambda: sum(handler.counts().values()) >= 25, process)
        kill_9(process)
        before = handler.counts()
        assert 25 <= sum(before.values()) < len(ADDRESSES)
        code, output = resume(capsys, relay)
        unknown = [a for a, s in journal_states(project).items() if s == "unknown"]
        assert len(unknown) <= 1
        counts = handler.counts()
        for address in ADDRESSES:
            expected = {0, 1} if address in unknown else {1}
            assert counts[address] in expected, (address, counts[address], unknown)
        assert code == (1 if unknown else 0), output
        assert sum(counts.values()) >= len(ADDRESSES) - len(unknown)
    finally:
        relay.stop()


def test_at_a_terminal_the_send_asks_first_and_shows_a_live_bar(project):
    """A real pseudo-terminal: the question, the answer typed, the bar redrawn in place."""

    relay = Relay(ScriptedHandler())
    write_recipients(project / "recipients.csv", [f"{a},,," for a in ADDRESSES[:5]])
    main_end, terminal = pty.openpty()
    process = subprocess.Popen([*PROTECTPRESS, "send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp",
                               relay.url(),
                                "--rate", "0"], cwd=project, stdin=terminal, stdout=terminal, stderr=terminal,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    os.close(terminal)
    seen = b""
    # A send that stops talking must fail this test, not hang it: every read waits at most until the deadline.
    deadline = time.monotonic() + 120

    def read_more() -> bytes:
        ready, _, _ = select.select([main_end], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no output from the send for too long; so far: {seen.decode(errors='replace')!r}"
        try:
            return os.read(main_end, 4096)
        except OSError:  # EIO: the process has ended and closed the terminal
            return b""

    try:
        while b"Type yes to send" not in seen:
            chunk = read_more()
            assert chunk, f"the send ended without asking; it printed: {seen.decode(errors='replace')!r}"
            seen += chunk
        assert sum(relay.handler.counts().values()) == 0  # nothing goes before the answer
        os.write(main_end, b"yes\n")
        while chunk := read_more():
            seen += chunk
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main_end)
        relay.stop()
    text = seen.decode()
    assert "Send to 5 people now?" in text and "Recipients:  5 to send now" in text
    assert "\rSending [" in text and "5/5 (sent 5)" in text
    assert process.returncode == 0 and sum(relay.handler.counts().values()) == 5

