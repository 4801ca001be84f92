"""`bounces`: match delivery reports to the newsletters we sent, record them, and suppress addresses that fail.

A report is ours when the message it returns carries one of our Message-IDs: `<slug.digest@domain>`, where
the slug names the newsletter's journal and the digest (from `stable_message_id`, salted with that journal's
secret) one recipient in it; or, with VERP on (verp.py), when it was addressed to `bounces+<tag>@...`, the tag
being the start of that digest. A digest worked out without the secret (from the slug and a known address)
matches nobody, so a forged report cannot suppress a partner. A journal begun before Message-IDs were salted
keeps its unsalted ones (journal.py), and so do the reports about it. A test send
has a random ID and is never matched; neither is a report about a person erased by `forget`.

- A hard bounce (5.x.x) puts the address on the suppression list at once, with the status and the far
  server's words as the reason.
- A soft bounce (4.x.x, given up) is recorded; after `soft_bounce_limit` newsletters in a row soft-bounced for
  the same person (in the order the newsletters were first sent), they are suppressed too. A newsletter that
  brings a report of successful delivery for them ends the run; one that brings no report leaves it as it is,
  because "no bounce yet" cannot be told from "delivered".
- Delay warnings and delivery reports are recorded and change nothing else.

Every report dealt with (matched or not) is remembered by its Message-ID in `bounce-reports.db` beside the
journals, so reading the same mailbox again changes nothing. That file holds no addresses.
"""

from __future__ import annotations

import email.errors
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..foundation.dates import stored_now
from ..foundation.headertext import plain_text
from ..foundation.private_files import private_file, private_folder
from ..newsletter.message import message_digest
from .dsn import Bounce, BounceKind, NotABounce, read_bounce
from .journal import SendJournal, journal_path, recorded_slugs
from .mailboxes import MailboxMessage
from .suppression import SuppressionList
from .verp import tag_in, verp_tag

REGISTER_NAME = "bounce-reports.db"  # not .sqlite: every *.sqlite beside it is a newsletter's journal
_OUR_MESSAGE_ID = re.compile(r"^<?(?P<slug>[a-z0-9][a-z0-9-]{0,150})\.(?P<digest>[0-9a-f]{32})@[^<>\s]+>?$")


@dataclass
class BounceSummary:
    """What one run of `bounces` did, for comms staff."""

    read: int = 0
    already_read: int = 0
    hard: int = 0
    soft: int = 0
    delayed: int = 0
    delivered: int = 0
    suppressed: list[tuple[str, str]] = field(default_factory=list)  # (address, reason)
    unmatched: list[str] = field(default_factory=list)  # where each report is
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (where, why)


class ReportRegister:
    """The Message-IDs of the reports already dealt with, so each changes things once."""

    def __init__(self, path: Path) -> None:
        private_folder(path.parent)
        private_file(path)
        self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("CREATE TABLE IF NOT EXISTS reports (id TEXT PRIMARY KEY, outcome TEXT NOT NULL, "
                         "read TEXT NOT NULL)")

    def seen(self, report_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,)).fetchone() is not None

    def remember(self, report_id: str, outcome: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO reports (id, outcome, read) VALUES (?, ?, ?)",
                         (report_id, outcome, stored_now()))

    def close(self) -> None:
        self._db.close()


class Journals:
    """The send journals in one folder, opened once per run, and who each Message-ID was sent to."""

    def __init__(self, journal_dir: Path) -> None:
        self.journal_dir = journal_dir
        self._open: dict[str, SendJournal | None] = {}
        self._recipients_by_digest: dict[str, dict[str, str]] = {}
        self._recipients_by_verp_tag: dict[str, dict[str, str]] = {}
        self._sent: list[SendJournal] | None = None

    def get(self, slug: str) -> SendJournal | None:
        if slug not in self._open:
            path = journal_path(self.journal_dir, slug)
            self._open[slug] = SendJournal(path) if path.is_file() else None
        return self._open[slug]

    def match(self, message_ids: Iterable[str]) -> tuple[str, str] | None:
        """(newsletter slug, address) of the first of `message_ids` that we sent, or None."""
        for message_id in message_ids:
            ours = _OUR_MESSAGE_ID.match(message_id.strip())
            if ours is None or self.get(ours["slug"]) is None:
                continue
            address = self._recipients(ours["slug"]).get(ours["digest"])
            if address is not None:
                return ours["slug"], address
        return None

    def match_tag(self, tag: str) -> tuple[str, str] | None:
        """(newsletter slug, address) whose VERP tag is `tag`, looking through every journal."""
        for slug in self.all_slugs():
            if self.get(slug) is None:
                continue
            address = self._recipients_by_tag(slug).get(tag)
            if address is not None:
                return slug, address
        return None

    def in_send_order(self) -> list[SendJournal]:
        """The journals of newsletters sent (begun), in the order they were first sent. Read once a run: reading
        reports records bounces, never a campaign, so each journal's start cannot change while they are read."""
        if self._sent is None:
            started = [(record.started, journal) for journal in map(self.get, self.all_slugs())
                       if journal is not None and (record := journal.campaign()) is not None]
            self._sent = [journal for _, journal in sorted(started, key=lambda pair: pair[0])]
        return self._sent

    def all_slugs(self) -> list[str]:
        return recorded_slugs(self.journal_dir)

    def _recipients(self, slug: str) -> dict[str, str]:
        if slug not in self._recipients_by_digest:
            journal = self.get(slug)
            salt = journal.message_id_salt() if journal is not None else ""
            self._recipients_by_digest[slug] = {
                message_digest(slug, delivery.address, salt=salt): delivery.address
                for delivery in (journal.deliveries() if journal is not None else [])
            }
        return self._recipients_by_digest[slug]

    def _recipients_by_tag(self, slug: str) -> dict[str, str]:
        """The same people by VERP tag (the digest cut short): one lookup per journal, not a scan of everyone."""
        if slug not in self._recipients_by_verp_tag:
            by_tag: dict[str, str] = {}
            for digest, address in self._recipients(slug).items():
                by_tag.setdefault(verp_tag(digest), address)  # the first, as the scan it replaces found
            self._recipients_by_verp_tag[slug] = by_tag
        return self._recipients_by_verp_tag[slug]

    def close(self) -> None:
        for journal in self._open.values():
            if journal is not None:
                journal.close()
        self._open.clear()
        self._sent = None


class BounceHandler:
    """Deals with one report at a time; `summary` says what was done."""

    def __init__(self, journal_dir: Path, suppression: SuppressionList, soft_bounce_limit: int,
                 verp_base: str | None = None) -> None:
        """`verp_base`: the return path's mailbox (`bounces@...`) when VERP is on, so tagged addresses match."""
        self.journals = Journals(journal_dir)
        self.verp_base = verp_base
        self.register = ReportRegister(journal_dir / REGISTER_NAME)
        self.suppression = suppression
        self.soft_bounce_limit = max(1, soft_bounce_limit)
        self.summary = BounceSummary()

    def __enter__(self) -> BounceHandler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.journals.close()
        self.register.close()

    def handle(self, message: MailboxMessage) -> None:
        self.summary.read += 1
        if not message.raw:
            self.summary.unreadable.append((message.where, "the mail server would not give this message"))
            return
        try:
            bounce = read_bounce(message.raw)
        except NotABounce as reason:
            self.summary.unreadable.append((message.where, f"not a delivery report we can read: {reason}"))
            return
        except (ValueError, LookupError, TypeError, AttributeError, IndexError, email.errors.MessageError) as error:
            # A message broken past what the email package tolerates: listed for a person, never a traceback.
            self.summary.unreadable.append((message.where, f"not a message we can read ({plain_text(str(error), 80)})"))
            return
        if self.register.seen(bounce.report_id):
            self.summary.already_read += 1
            return
        matched = self.journals.match(bounce.message_ids) or self._match_verp(bounce)
        if matched is None:
            self.summary.unmatched.append(message.where)
            self.register.remember(bounce.report_id, "unmatched")
            return
        slug, address = matched
        self._apply(slug, address, bounce)
        self.register.remember(bounce.report_id, str(bounce.kind))

    def _match_verp(self, bounce: Bounce) -> tuple[str, str] | None:
        if self.verp_base is None:
            return None
        for address in bounce.delivered_to:
            tag = tag_in(address, self.verp_base)
            if tag is not None:
                return self.journals.match_tag(tag)
        return None

    def _apply(self, slug: str, address: str, bounce: Bounce) -> None:
        journal = self.journals.get(slug)
        assert journal is not None  # matched through it
        journal.record_bounce(bounce.report_id, address, str(bounce.kind), bounce.status, bounce.diagnostic)
        if bounce.kind is BounceKind.HARD:
            self.summary.hard += 1
            self._suppress(address, f"bounced: {bounce.status} {bounce.diagnostic}".strip())
        elif bounce.kind is BounceKind.SOFT:
            self.summary.soft += 1
            in_a_row = self.soft_bounces_in_a_row(address)
            if in_a_row >= self.soft_bounce_limit:
                self._suppress(address, f"{in_a_row} soft bounces in a row, the last: {bounce.status} "
                                        f"{bounce.diagnostic}".strip())
        elif bounce.kind is BounceKind.DELAYED:
            self.summary.delayed += 1
        else:
            self.summary.delivered += 1

    def _suppress(self, address: str, reason: str) -> None:
        reason = plain_text(reason)  # the one place a bounce's words become a reason on the list
        if self.suppression.add(address, reason):
            self.summary.suppressed.append((address, reason))

    def soft_bounces_in_a_row(self, address: str) -> int:
        """Newsletters soft-bounced for `address` since the last one reported delivered, in send order."""
        in_a_row = 0
        for journal in self.journals.in_send_order():
            kinds = {b.kind for b in journal.bounces(address)}
            if str(BounceKind.SOFT) in kinds:
                in_a_row += 1
            elif str(BounceKind.DELIVERED) in kinds:
                in_a_row = 0
        return in_a_row
