"""Issue 11, item 6: a reply to the final dot that cannot be read means "unknown", and is never sent again.

A real relay on 127.0.0.1 takes each message and then answers the end of DATA with something that is not a
clear 2xx, 4xx or 5xx reply. Two runs of the real `protectpress send` must give each person one copy, and the
journal must call each delivery unknown.
"""

from __future__ import annotations

import sqlite3

import pytest

from sending_relay import Received, Relay, ScriptedHandler, project, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"
PEOPLE = ["ana@example.com", "bo@example.com", "cy@example.com"]


class GarblingHandler(ScriptedHandler):
    """Keeps every message, as a relay that queued it would, then answers the final dot with `after_dot`."""

    def __init__(self, after_dot: str | None) -> None:
        super().__init__()
        self.after_dot = after_dot  # None: hang up without a word

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
        if self.after_dot is None:
            server.transport.close()
            return "250 2.0.0 never heard"
        return self.after_dot


@pytest.mark.parametrize("after_dot", [
    "garbage",                          # smtplib reads code -1, which looked like "try again"
    "2500 OK",                          # smtplib reads 250
    "250-2.0.0 OK\r\n550 5.0.0 no",     # two codes in one reply: smtplib keeps the last
    "354 go ahead",                     # a well-formed line, but no answer to the end of a message
    # These two were already unknown through smtplib's reader; they keep our stricter reader honest.
    "250 " + "x" * 9000,                # longer than any reply line may be
    None,                               # the connection drops after the dot
], ids=["non-numeric", "four-digit-code", "codes-disagree", "3xx", "line-too-long", "hang-up"])
def test_an_unreadable_reply_after_the_dot_is_unknown_and_never_resent(project, run, after_dot):
    handler = GarblingHandler(after_dot)
    relay = Relay(handler)
    try:
        write_recipients(project / "recipients.csv", [f"{address},Partner,Org," for address in PEOPLE])
        command = ("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0",
                   "--yes")
        first = run(*command)
        second = run(*command)
    finally:
        relay.stop()

    assert handler.counts() == {address: 1 for address in PEOPLE}, (first, second)
    with sqlite3.connect(project / "newsletters/.sends" / f"{SLUG}.sqlite") as db:
        rows = db.execute("SELECT address, state, attempts, reply FROM deliveries").fetchall()
    assert {(address, state, attempts) for address, state, attempts, _ in rows} == {
        (address, "unknown", 1) for address in PEOPLE}
    expected = "no answer after the message was sent" if after_dot is None else "cannot be read"
    assert all(expected in reply for *_, reply in rows), rows
    code, out, _ = first
    assert code == 1 and "+ 3 unknown" in out and "--resend-unknown" in out
    code, out, _ = second
    assert code == 1 and "Nobody is left to send to" in out
