"""Counting soft bounces in a row reads each journal's campaign start once a run, however many reports come.

A mailbox after a big send can hold thousands of soft bounces, and the journals folder one journal per
newsletter ever sent: asking every journal for its start at every report made a run grow with their product.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from protectpress.core.newsletter.message import stable_message_id
from protectpress.core.sending.bounces import BounceHandler
from protectpress.core.sending.journal import SendJournal, journal_path
from protectpress.core.sending.mailboxes import MailboxMessage
from protectpress.core.sending.recipients import Recipient
from protectpress.core.sending.suppression import SuppressionList
from support import REPO

SOFT_REPORT = (REPO / "tests" / "fixtures" / "bounces" / "postfix-soft.eml").read_text(encoding="utf-8")
DOMAIN = "protectpress.example.org"
SLUGS = [f"2026-0{number}-issue" for number in range(1, 6)]
PEOPLE = ["full@example.com", "quota@example.org"]


def soft_report(journal_dir: Path, slug: str, address: str) -> bytes:
    with SendJournal(journal_path(journal_dir, slug)) as journal:
        message_id = stable_message_id(slug, address, DOMAIN, salt=journal.message_id_salt())
    text = (SOFT_REPORT.replace("{{message_id}}", message_id).replace("{{recipient}}", address)
            .replace("{{report}}", f"{address.split('@')[0]}-{slug}"))
    return text.replace("\n", "\r\n").encode("utf-8")


def test_each_journal_is_asked_for_its_start_once_a_run(tmp_path, monkeypatch):
    journal_dir = tmp_path / ".sends"
    for number, slug in enumerate(SLUGS, start=1):
        with SendJournal(journal_path(journal_dir, slug)) as journal:
            journal.begin(f"hash-{slug}", slug, "smtp://127.0.0.1:2525")
            journal.plan([Recipient(address=address) for address in PEOPLE])
        with sqlite3.connect(journal_path(journal_dir, slug)) as db:  # sent a month apart, in slug order
            db.execute("UPDATE campaign SET started = ?", (f"2026-0{number}-01T09:00:00+00:00",))
    reports = [soft_report(journal_dir, slug, address) for slug in SLUGS for address in PEOPLE]

    # What a run asks of each journal's file, seen at the database (SQLite's trace of every statement run on the
    # file), not by hooking one of our functions: however the code is arranged, the campaign is read once.
    starts_read: list[str] = []
    real_connect = sqlite3.connect

    def traced(database, *args, **kwargs) -> sqlite3.Connection:
        connection = real_connect(database, *args, **kwargs)
        slug = Path(str(database)).stem
        connection.set_trace_callback(
            lambda statement: starts_read.append(slug) if re.search(r"\bFROM campaign\b", statement) else None)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    suppression = SuppressionList(tmp_path / "suppressed.csv", "suppressed.csv")
    with BounceHandler(journal_dir, suppression, soft_bounce_limit=3) as handler:
        for number, raw in enumerate(reports):
            handler.handle(MailboxMessage(where=f"message {number}", raw=raw))
        assert handler.summary.soft == len(reports)
        suppressed = handler.summary.suppressed
    # Ten soft bounces across five journals: each campaign read once, not once per report (fifty).
    assert sorted(starts_read) == SLUGS
    # The count itself is unchanged: both people are suppressed at their third newsletter in a row.
    assert [address for address, _ in suppressed] == PEOPLE
    assert all(reason.startswith("3 soft bounces in a row") for _, reason in suppressed)
