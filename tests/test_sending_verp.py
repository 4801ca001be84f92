"""VERP and the Message-ID name one person's copy of one newsletter by the same digest, worked out once.

A bounce is matched by the digest in the Message-ID it returns, or by the VERP tag in the address it was sent to
when it returns nothing of the message: both must be the same digest, salted with the journal's secret.
"""

from __future__ import annotations

import re

import protectpress.core.newsletter.message
import protectpress.core.sending.compose
import protectpress.core.sending.verp
from protectpress.core.newsletter.message import message_digest
from protectpress.core.sending.journal import SendJournal, journal_path
from protectpress.core.sending.verp import TAG_LENGTH
from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"
PEOPLE = ["sian@example.com", "jo@example.org"]


def test_the_message_id_and_the_verp_tag_carry_one_digest_worked_out_once(project, relay, run, monkeypatch):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      sending:\n", "      sending:\n        return_path: bounces+@protectpress.example.org\n", 1))
    write_recipients(project / "recipients.csv", [f"{address},,," for address in PEOPLE])
    worked_out: list[str] = []

    def counted(slug: str, address: str, *, salt: str = "") -> str:
        worked_out.append(address)
        return message_digest(slug, address, salt=salt)

    # Counted wherever a send could look it up: beside the Message-ID, the VERP address, or the composer.
    for module in (protectpress.core.newsletter.message, protectpress.core.sending.verp,
                   protectpress.core.sending.compose):
        monkeypatch.setattr(module, "message_digest", counted, raising=False)
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes",
                         "--skip-live-check")  # example.org is not served here
    assert code == 0, out + err
    assert sorted(worked_out) == sorted(PEOPLE)  # once per person, for both the Message-ID and the envelope

    with SendJournal(journal_path(project / "newsletters" / ".sends", SLUG)) as journal:
        salt = journal.message_id_salt()
    assert salt  # a new journal salts its digests
    for received in relay.handler.received:
        [address] = received.recipients
        id_digest = re.fullmatch(rf"<{SLUG}\.([0-9a-f]{{32}})@protectpress\.example\.org>",
                                 received.message["Message-ID"]).group(1)
        tag = re.fullmatch(r"bounces\+([0-9a-f]+)@protectpress\.example\.org", received.sender).group(1)
        assert tag == id_digest[:TAG_LENGTH], address
        assert id_digest == message_digest(SLUG, address, salt=salt), address
    assert sorted(r.recipients[0] for r in relay.handler.received) == sorted(PEOPLE)
