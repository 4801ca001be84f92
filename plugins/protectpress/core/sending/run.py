"""One `protectpress send`: what a send needs, gathered once, and the steps it goes through.

The command line parses its arguments into a `SendRun`, then prints what the run's steps return and asks for
confirmation; every decision (whether the newsletter may go to the list yet, who is still to send, whether it
changed since the send began, what the journal records) is taken here, so the CLI holds no send logic and no
helper needs a dozen arguments.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..foundation.dates import human, human_moment, read_stored_moment, scheduled_later
from ..foundation.problems import Problems
from ..foundation.settings import Settings
from ..newsletter.rendered import RenderedNewsletter
from .audience import Audience, audience_of
from .campaign import Campaign, SendPolicy, SendSummary
from .compose import Composer, SenderIdentity
from .journal import SendJournal, State, journal_path
from .livecheck import LinkAnswer, check_live
from .outbox import Outbox
from .privacy import sending_paths, suppression_list
from .progress import SENDING, writing_to
from .recipients import Recipient, RecipientList, RecipientsChanged, read_recipients
from .relay import SmtpRelay
from .report import confirmation, describe_test_send, skipped_rows
from .suppression import SuppressionList
from .testsends import TestSendLog
from .transport import DeliveryResult, Outcome, RelayError, Transport


class NotSending(Exception):
    """A reason this send must not go ahead, worded for comms staff (exit status 1)."""


SKIPPED_LIVE_CHECK = "skipped (--skip-live-check)"


@dataclass(frozen=True)
class SendOptions:
    """What the person sending chose on the command line (besides the relay and the list)."""

    dry_run: bool = False
    skip_live_check: bool = False
    ca_file: str | None = None  # --ca-file: trusted by the live check as well as the relay


@dataclass(frozen=True)
class TestDelivery:
    """One address of a test send and what the relay (or the outbox) said."""

    __test__ = False  # a domain name, not a pytest class

    address: str
    result: DeliveryResult


@dataclass
class BulkPlan:
    """A bulk send worked out and not yet started: whom it will mail, and what to show before it does."""

    to_send: int  # how many this run will try (the people themselves are read again as they are sent to)
    summary: SendSummary
    listed: str  # how the list breaks down, for the confirmation and a dry run
    details: str  # the confirmation shown before a live send ("" for the outbox)
    interrupted: list[str] = field(default_factory=list)  # addresses a crashed run left `sending`, now `unknown`


@dataclass
class SendRun:
    """One send of one rendered newsletter: to testers (`test_send`) or to a recipients list (`bulk`)."""

    settings: Settings
    newsletter: RenderedNewsletter
    composer: Composer
    transport: Transport
    suppression: SuppressionList
    policy: SendPolicy
    journal_dir: Path
    now: dt.datetime  # the run's one "now": whether a scheduled letter may go to the list yet
    options: SendOptions = field(default_factory=SendOptions)
    suppression_problems: Problems = field(default_factory=Problems)

    @classmethod
    def prepare(cls, settings: Settings, newsletter: RenderedNewsletter, sender: SenderIdentity,
                relay: SmtpRelay | None, policy: SendPolicy, options: SendOptions, *, test: bool,
                now: dt.datetime) -> SendRun:
        """The run's parts from the settings: the relay if given, else the outbox (a `tests/` folder for tests)."""
        journal_dir, outbox_dir, _ = sending_paths(settings)
        problems = Problems()
        suppression = suppression_list(settings, problems)
        folder = outbox_dir / newsletter.slug / ("tests" if test else "")
        transport: Transport = relay or Outbox(folder, settings.relative(folder))
        return cls(settings=settings, newsletter=newsletter, composer=Composer(newsletter, sender),
                   transport=transport, suppression=suppression, policy=policy, journal_dir=journal_dir,
                   now=now, options=options, suppression_problems=problems)

    @property
    def live(self) -> bool:
        """Through a relay (with a journal), rather than into the outbox."""
        return isinstance(self.transport, SmtpRelay)

    def try_relay(self) -> str | None:
        """A dry run's visit to the relay: connect and sign in as the send will, then hang up having sent nothing.
        What the relay agreed to (`over STARTTLS, signed in as news`), None for the outbox; `RelayError` if the
        relay could not be reached or refused the sign-in."""
        return self.transport.try_sign_in() if isinstance(self.transport, SmtpRelay) else None

    @property
    def test_log(self) -> TestSendLog:
        return TestSendLog(self.journal_dir, self.newsletter.slug)

    # -- test sends -------------------------------------------------------------------------------------

    def test_send(self, addresses: list[str], like: Recipient | None = None) -> Iterator[TestDelivery]:
        """A [TEST] copy to each address in turn (each once), then the test recorded for the live send to show.
        `like`: the person on the list whose merge fields ({{ name }}, {{ first_name }}) fill the copies.

        A `RelayError` ends it; what was delivered before is still recorded.
        """
        campaign = Campaign(compose=lambda r: self.composer.for_test(r.address, like), transport=self.transport,
                            journal=None, suppression=self.suppression, policy=self.policy, show_progress=False)
        delivered: list[str] = []
        try:
            for address in dict.fromkeys(addresses):
                result = campaign.deliver_with_retries(Recipient(address=address))
                if result.outcome is Outcome.SENT:
                    delivered.append(address)
                yield TestDelivery(address, result)
        finally:
            self.transport.close()
            if delivered:
                self.test_log.record(self.newsletter.content_hash, delivered, self.transport.description)

    # -- bulk sends -------------------------------------------------------------------------------------

    def not_ready(self) -> str | None:
        """Why this newsletter cannot go to the list yet (a draft, or scheduled for later); None when it can."""
        newsletter = self.newsletter
        if newsletter.draft:
            return (f"{newsletter.source_path} is a draft (draft: true): test-send it with --test; remove draft: true "
                    "when it is ready to go to the list.")
        if scheduled_later(newsletter.publish_at, self.now):
            return (f"{newsletter.source_path} is scheduled (publish_at): it can go to the list from "
                    f"{human_moment(newsletter.publish_at)}, not before. Test-send it with --test until then.")
        return None

    def person_in_list(self, path: Path, row: int, problems: Problems) -> Recipient | None:
        """The `row`th person of a recipients list (1: the first), whose merge fields fill a test copy; None,
        with the problem named, when the list has problems or fewer people."""
        listing = self.read_list(path, problems)
        if problems.errors:
            return None
        person = next((r for number, r in enumerate(listing.each(), start=1) if number == row), None)
        if person is None:
            problems.error(listing.source, f"expected at least {row} {'person' if row == 1 else 'people'} in the "
                           "list, to fill the test copy's merge fields from (--as-row)",
                           f"{listing.people:,}")
        return person

    def read_list(self, path: Path, problems: Problems) -> RecipientList:
        # Counts only: the send reads the people again as it goes, so memory does not grow with the list.
        return read_recipients(path, self.settings.relative(path), problems,
                               sectors=self.settings.vocabulary.sectors, keep=False)

    @contextlib.contextmanager
    def bulk(self, listing: RecipientList) -> Iterator[BulkSend]:
        """The bulk send to `listing`, with its journal open and locked for as long as the block runs.

        Raises `JournalBusy` if another send of this newsletter holds the lock, `NotSending` if the newsletter
        changed since its send began.
        """
        if not self.live:
            yield BulkSend(self, listing, None)
            return
        path = journal_path(self.journal_dir, self.newsletter.slug)
        # A dry run of a send never started leaves no journal behind.
        with SendJournal(None if self.options.dry_run and not path.exists() else path) as journal:
            journal.lock()
            yield BulkSend(self, listing, journal)


class BulkSend:
    """A send to a whole list, through a relay with its journal, or into the outbox with none."""

    def __init__(self, run: SendRun, listing: RecipientList, journal: SendJournal | None) -> None:
        self.run = run
        self.listing = listing
        self.journal = journal
        # A live send gives each message its own VERP envelope sender (when configured), so bounces can be matched.
        # Its Message-IDs and VERP tags carry the journal's secret, the same on every resume (see journal.py).
        composer = run.composer.for_journal(journal.message_id_salt()) if journal is not None else run.composer
        self.campaign = Campaign(compose=composer.for_recipient, transport=run.transport, journal=journal,
                                 suppression=run.suppression,
                                 policy=run.policy if journal is not None else SendPolicy(rate=0),
                                 progress_words=SENDING if run.live else writing_to(run.transport.description))
        # What the journal records about the live check for this run; None until it has passed.
        self.live_check: str | None = SKIPPED_LIVE_CHECK if run.options.skip_live_check else None

    @property
    def needs_live_check(self) -> bool:
        """A send through a relay checks the email's links first (its dry run too, so a dead link shows before
        the real send), unless told to skip it."""
        return self.journal is not None and self.live_check is None

    def check_links(self) -> list[LinkAnswer]:
        """The pre-send live check (see livecheck.py): the links and images that did not answer 200."""
        answers = check_live(self.run.newsletter.html, ca_file=self.run.options.ca_file)
        dead = [answer for answer in answers if not answer.live]
        if not dead:
            self.live_check = f"passed: {len(answers):,} links and images answered 200"
        return dead

    def _audience(self, left_out: Audience) -> Iterator[Recipient]:
        """The people this newsletter goes to, read from the list one at a time."""
        return audience_of(self.listing.each(), self.run.suppression, self.run.newsletter.sectors, left_out)

    def _todo(self) -> Iterator[Recipient]:
        """The people this run tries, chosen again as `plan` chose them (the journal is locked meanwhile)."""
        return (recipient for recipient in self._audience(Audience())
                if self.campaign.to_send(recipient, SendSummary()))

    def plan(self) -> BulkPlan:
        """Who is still to send, what the list holds, and (live) the confirmation; a crashed run's rows recovered."""
        run, journal, newsletter = self.run, self.journal, self.run.newsletter
        summary = SendSummary(invalid=self.listing.invalid, duplicates=self.listing.duplicates,
                              rows=self.listing.rows, source=self.listing.source)
        if journal is None:
            summary.outbox = True
            return self._count(summary, "")
        record = journal.campaign()
        if record is not None and record.content_hash != newsletter.content_hash:
            raise NotSending(
                f"Not sending: {newsletter.source_path} has changed since this newsletter was first sent on "
                f"{human(read_stored_moment(record.started))} (to {journal.counts()[State.SENT]:,} people so far).\n"
                "Sending the rest now would give part of the list a different newsletter. Undo the change to finish "
                "the send, or save the changed version as a new newsletter file and send that.")
        interrupted = [] if run.options.dry_run else journal.recover_interrupted()
        plan = self._count(summary, run.transport.description)
        plan.interrupted = interrupted
        return plan

    def _count(self, summary: SendSummary, relay: str) -> BulkPlan:
        """One reading of the list: who is left out and why, and how many this run will try."""
        left_out = Audience()
        to_send = sum(self.campaign.to_send(recipient, summary) for recipient in self._audience(left_out))
        summary.suppressed, summary.other_sectors = left_out.suppressed, left_out.other_sectors
        # The line a finished send ends with, with "to send" for "sent": every row of the file, counted once.
        listed = summary.accounting(planned=to_send).removesuffix(".") + skipped_rows(self.listing.skipped_lines)
        if self.journal is None:
            return BulkPlan(to_send, summary, listed, "")
        run, newsletter = self.run, self.run.newsletter
        test_log = run.test_log
        last_test = describe_test_send(test_log.last(newsletter.content_hash), test_log.last())
        details = confirmation(source=newsletter.source_path, subject=newsletter.subject,
                               sender=run.composer.sender.shown, relay=relay, to_send=to_send, listed=listed,
                               last_test=last_test)
        return BulkPlan(to_send, summary, listed, details)

    def send(self, plan: BulkPlan) -> SendSummary:
        """Send to everyone in `plan`, recording each in the journal; a relay failure or Ctrl-C stops it cleanly."""
        summary = plan.summary
        if self.journal is None:
            return self.campaign.run(self._todo(), plan.to_send, summary)
        if self.live_check is None:
            raise NotSending("Not sending: the links and images in the email have not all been checked as live "
                             "(run without --dry-run, or add --skip-live-check).")
        newsletter = self.run.newsletter
        self.journal.begin(newsletter.content_hash, newsletter.subject, self.run.transport.description)
        self.journal.record_run(self.run.transport.description, self.live_check)
        self.journal.plan(self._audience(Audience()))
        try:
            self.campaign.run(self._todo(), plan.to_send, summary)
        except RelayError as error:
            summary.stopped = f"Stopped: {error}"
        except RecipientsChanged as error:
            summary.stopped = f"Stopped: {error}"
        except KeyboardInterrupt:
            summary.stopped = "Stopped (Ctrl-C)."
        finally:
            self.run.transport.close()
        self.journal.end_run(summary.sent, summary.stopped or "")
        return summary
