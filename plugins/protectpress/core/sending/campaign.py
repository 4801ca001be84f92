"""The send loop: each deliverable recipient once, through a transport, recorded in the journal.

Order of events per recipient, which is what makes a crash at any moment safe:
1. the journal says `sending` (committed to disk, with the outcome of the message before);
2. the SMTP transaction runs;
3. the journal records the outcome (committed; flushed to disk with the next step 1).
A 4xx answer is retried here a bounded number of times with a doubling pause; what still fails stays
`failed-temporary` for the next run. A run of failures in a row stops the send cleanly: the relay or the
message is at fault, not the recipients, and the journal resumes where it stopped.

A "no such mailbox" (5.1.x) answer puts the address on the suppression list for good, so it is believed only
once the relay has shown it works: it is held until a later message goes (or the run ends without stopping),
and dropped if the run of failures it belongs to stops the send. A misconfigured relay answering 5.1.1 to
everyone then suppresses nobody.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from .journal import SendJournal, State
from .progress import SENDING, Counts, Progress, ProgressWords
from .recipients import Recipient
from .suppression import SuppressionList
from .transport import DeliveryResult, Outcome, RelayError, Transport

MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class Outgoing:
    """One person's message and the envelope sender (SMTP MAIL FROM) it goes out with: their own under VERP."""

    data: bytes
    sender: str


@dataclass(frozen=True)
class SendPolicy:
    rate: float  # messages a second; 0 = no limit
    retry_attempts: int = 3
    retry_backoff: float = 2.0
    max_consecutive_failures: int = 10
    resend_unknown: bool = False
    retry_failed: bool = False


@dataclass
class SendSummary:
    """What the run did, for the end-of-run summary and the exit status."""

    deliverable: int = 0
    rows: int = 0  # every row of the recipients file that is not blank
    source: str = ""  # the recipients file, as shown
    duplicates: int = 0
    sent: int = 0
    already_sent: int = 0
    suppressed: int = 0
    invalid: int = 0
    other_sectors: int = 0
    failed: int = 0
    failed_temporary: int = 0  # of `failed`: worth retrying later
    unknown: int = 0
    not_attempted: int = 0  # left for the next run because the send stopped early
    erased: int = 0  # erased on request (`forget`) after this send began: never mailed by it again
    newly_suppressed: list[str] = field(default_factory=list)
    not_suppressed: list[str] = field(default_factory=list)  # "no such mailbox" answers in a failure storm
    stopped: str = ""
    outbox: bool = False  # written to the outbox, not sent: the counts must not say "sent"

    @property
    def complete(self) -> bool:
        """Exit status 0 only when every deliverable recipient has the newsletter."""
        return not self.stopped and self.sent + self.already_sent == self.deliverable

    def lines(self) -> list[str]:
        """The headline, then the line that places every row of the file."""
        return [self.headline(), *([self.accounting()] if self.source else [])]

    def headline(self) -> str:
        """`Sent 4 messages; 3 already sent, 1 unknown.`: what this run did, and of the people it goes to, who had
        it already and who is still to deal with, in the words of the accounting line below it (which also
        places the rows left out: suppressed, other sectors, invalid, duplicate, erased). A headline that listed
        some of those and not others read as a sum that did not add up (first-time comms officer's trial)."""
        messages = f"{self.sent:,} message{'' if self.sent == 1 else 's'}"
        done = f"Wrote {messages} to the outbox" if self.outbox else f"Sent {messages}"
        still = [f"{count:,} {label}" for count, label in ((self.already_sent, "already sent"), (self.failed, "failed"),
                                                           (self.unknown, "unknown"),
                                                           (self.not_attempted, "not yet tried")) if count]
        return f"{done}; {', '.join(still)}." if still else f"{done}."

    def _terms(self, planned: int | None = None) -> list[tuple[int, str, bool]]:
        """(count, label, shown even at 0) for each place a row of the file can go: the one list that both the
        total and the line below read, so a new count cannot be added to one and missed by the other. A plan
        (`planned`: the rows this run would try) counts those where a finished run counts what it sent."""
        done = (planned, "to send") if planned is not None else (
            self.sent, "written to the outbox" if self.outbox else "sent")
        return [(*done, True),
                (self.already_sent, "already sent", True),
                (self.suppressed, "suppressed", True), (self.other_sectors, "other sectors", True),
                (self.invalid, "invalid", True), (self.duplicates, "duplicate", True),
                (self.failed, "failed", False), (self.unknown, "unknown", False),
                (self.not_attempted, "not yet tried", False), (self.erased, "erased on request", False)]

    def accounted(self, planned: int | None = None) -> int:
        """The rows this summary accounts for: every row of the file lands in exactly one count."""
        return sum(count for count, _, _ in self._terms(planned))

    def accounting(self, planned: int | None = None) -> str:
        """`8 rows in list.csv = 3 sent + 1 already sent + ...`: where each row of the file went (or, for a plan
        of `planned` rows to try, where each would go: the dry run and the confirmation say it the same way)."""
        terms = self._terms(planned)
        shown = " + ".join(f"{count:,} {label}" for count, label, always in terms if always or count)
        line = f"{self.rows:,} rows in {self.source} = {shown}"
        missing = self.rows - self.accounted(planned)
        return line + (f" ({missing:,} not accounted for: please report this)." if missing else ".")


class RateLimiter:
    """At most `rate` message starts a second, retries included."""

    def __init__(self, rate: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = time.monotonic()
        self._sleep = sleep

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if now < self._next:
            self._sleep(self._next - now)
        self._next = max(now, self._next) + self.interval


class Campaign:
    """One run of a bulk send (live, with a journal; or to the outbox, with none)."""

    def __init__(self, *, compose: Callable[[Recipient], Outgoing], transport: Transport, journal: SendJournal | None,
                 suppression: SuppressionList, policy: SendPolicy, progress_stream: TextIO | None = None,
                 show_progress: bool = True, progress_words: ProgressWords = SENDING) -> None:
        self.compose = compose
        self.transport = transport
        self.journal = journal
        self.suppression = suppression
        self.policy = policy
        self.progress_stream = progress_stream
        self.show_progress = show_progress
        self.progress_words = progress_words
        self.rate = RateLimiter(policy.rate)

    def to_send(self, recipient: Recipient, summary: SendSummary) -> bool:
        """Whether this run tries `recipient` (one of the audience); the others are counted into `summary`
        as the journal has them (already sent, unknown, failed, erased). Asked one person at a time, of the
        journal's own index, so that nothing is held per person."""
        summary.deliverable += 1
        if self.journal is None:
            return True
        if self.journal.is_erased(recipient.key):
            summary.erased += 1
            summary.deliverable -= 1
            return False
        state = self.journal.state_of(recipient.address)
        if state is State.SENT:
            summary.already_sent += 1
        elif state is State.UNKNOWN and not self.policy.resend_unknown:
            summary.unknown += 1
        elif state is State.FAILED_PERMANENT and not self.policy.retry_failed:
            summary.failed += 1
        else:
            return True
        return False

    def run(self, todo: Iterable[Recipient], total: int, summary: SendSummary) -> SendSummary:
        """Send to each of `todo` (`total` of them, chosen by `to_send`), adding the results to `summary`."""
        progress, counts = (Progress(total if self.show_progress else 0, stream=self.progress_stream,
                                     words=self.progress_words), Counts())
        failures_in_a_row = 0
        held: list[tuple[str, str]] = []  # (address, reason): "no such mailbox" answers in this run of failures
        for position, recipient in enumerate(todo):
            try:
                result = self.deliver_with_retries(recipient)
            except (KeyboardInterrupt, RelayError):
                self._count_interrupted(recipient, summary)
                summary.not_attempted += total - position - 1
                raise
            counts.done += 1
            if result.outcome is Outcome.SENT:
                summary.sent += 1
                counts.sent += 1
                failures_in_a_row = 0
                self._suppress(held, summary)
            else:
                # Refused before the relay saw it (an address it cannot take): no sign the relay is failing.
                failures_in_a_row += not result.refused_here
                if result.outcome is Outcome.UNKNOWN:
                    summary.unknown += 1
                    counts.unknown += 1
                else:
                    summary.failed += 1
                    summary.failed_temporary += result.outcome is Outcome.TEMPORARY
                    counts.failed += 1
                if result.no_such_mailbox:
                    held.append((recipient.address, f"no such mailbox: {result.reply}"))
            stopping = failures_in_a_row >= self.policy.max_consecutive_failures
            progress.update(counts, final=stopping or position == total - 1)
            if stopping:
                summary.not_attempted = total - position - 1
                summary.stopped = (f"Stopped after {failures_in_a_row} failures in a row; the last answer was: "
                                   f"{result.reply}")
                summary.not_suppressed += [address for address, _ in held]
                break
        else:
            self._suppress(held, summary)
        return summary

    def _count_interrupted(self, recipient: Recipient, summary: SendSummary) -> None:
        """The recipient a Ctrl-C or relay failure stopped at, counted as the journal now has them."""
        state = self.journal.delivery(recipient.address) if self.journal is not None else None
        if state is not None and state.state is State.UNKNOWN:
            summary.unknown += 1
        elif state is not None and state.state in (State.FAILED_TEMPORARY, State.FAILED_PERMANENT):
            summary.failed += 1
        elif state is not None and state.state is State.SENT:
            summary.sent += 1
        else:
            summary.not_attempted += 1

    def _suppress(self, held: list[tuple[str, str]], summary: SendSummary) -> None:
        """Put the held "no such mailbox" addresses on the suppression list, now the relay has been believed."""
        for address, reason in held:
            if self.suppression.add(address, reason):
                summary.newly_suppressed.append(address)
        held.clear()

    def deliver_with_retries(self, recipient: Recipient) -> DeliveryResult:
        """One recipient, retried after 4xx answers with a doubling pause; the last result counts."""
        outgoing = self.compose(recipient)
        attempts = max(1, self.policy.retry_attempts)
        for attempt in range(attempts):
            self.rate.wait()
            result = self._deliver_once(recipient, outgoing)
            if result.outcome is not Outcome.TEMPORARY or attempt == attempts - 1:
                return result
            time.sleep(min(MAX_BACKOFF_SECONDS, self.policy.retry_backoff * 2 ** attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _deliver_once(self, recipient: Recipient, outgoing: Outgoing) -> DeliveryResult:
        if self.journal is not None:
            self.journal.mark_sending(recipient.address)
        try:
            result = self.transport.deliver(outgoing.sender, recipient.address, outgoing.data)
        except KeyboardInterrupt:
            # Ctrl-C mid-transaction: we cannot know whether the relay took it.
            if self.journal is not None:
                self.journal.mark(recipient.address, State.UNKNOWN, "interrupted (Ctrl-C) during sending")
            raise
        except RelayError:
            # Login or certificate problems happen before any message data: nothing was sent.
            if self.journal is not None:
                self.journal.mark(recipient.address, State.PENDING)
            raise
        if self.journal is not None:
            self.journal.record_outcome(recipient.address, _JOURNAL_STATE[result.outcome], result.reply)
        return result


_JOURNAL_STATE = {
    Outcome.SENT: State.SENT,
    Outcome.TEMPORARY: State.FAILED_TEMPORARY,
    Outcome.PERMANENT: State.FAILED_PERMANENT,
    Outcome.UNKNOWN: State.UNKNOWN,
}
