"""VERP and the Message-ID name one person's copy of one newsletter by the same digest.

A bounce is matched by the digest in the Message-ID it returns, or by the VERP tag in the address it was sent to
when it returns nothing of the message: both must be the same digest, salted with the journal's secret, and
each must lead the bounce reader back to the person it was sent to.
"""

from __future__ import annotations

import re

from protectpress.core.newsletter.message import message_digest
from protectpress.core.sending.bounces import Journals
from protectpress.core.sending.journal import SendJournal, journal_path
from protectpress.core.sending.verp import TAG_LENGTH
from sending_relay import project, relay, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"
PEOPLE = ["sian@example.com", "jo@example.org"]


def test_the_message_id_and_the_verp_tag_carry_one_digest_that_finds_the_person(project, relay, run):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      sending:\n", "      sending:\n        return_path: bounces+@protectpress.example.org\n", 1))
    write_recipients(project / "recipients.csv", [f"{address},,," for address in PEOPLE])
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes",
                         "--skip-live-check")  # example.org is not served here
    assert code == 0, out + err

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
        assert id_digest != message_digest(SLUG, address), address  # the journal's secret is in it
        # What a bounce returns finds who it was sent to: the Message-ID alone, or the VERP address alone.
        journals = Journals(project / "newsletters" / ".sends")
        try:
            assert journals.match([received.message["Message-ID"]]) == (SLUG, address)
            assert journals.match_tag(tag) == (SLUG, address)
        finally:
            journals.close()
    assert sorted(r.recipients[0] for r in relay.handler.received) == sorted(PEOPLE)
