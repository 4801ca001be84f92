"""What comms staff read about a send: the confirmation before it, and the journal's report after it."""

from __future__ import annotations

from pathlib import Path

from ..foundation.dates import DateError, human, parse_date
from ..foundation.email_addresses import address_key
from ..foundation.private_files import open_private
from ..foundation.spreadsheet import spreadsheet_writer
from .campaign import SendSummary
from .journal import SendJournal
from .journal_records import BounceRecord, State
from .testsends import TestSend

REMAINING = (State.PENDING, State.FAILED_TEMPORARY)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else nouns or noun + 's'}"


def when(iso: str) -> str:
    """`29 November 2026 at 11:40 UTC` from a journal timestamp."""
    try:
        moment = parse_date(iso)
    except DateError:
        return iso
    return f"{human(moment)} at {moment:%H:%M} UTC"


SKIPPED_LINES_SHOWN = 20


def skipped_rows(lines: list[int]) -> str:
    """`; invalid rows skipped: lines 4, 9, 12, named in the warnings above` after a plan's count line, or nothing."""
    if not lines:
        return ""
    shown = ", ".join(str(line) for line in lines[:SKIPPED_LINES_SHOWN])
    more = f" and {len(lines) - SKIPPED_LINES_SHOWN:,} more" if len(lines) > SKIPPED_LINES_SHOWN else ""
    return f"; invalid rows skipped: line{'' if len(lines) == 1 else 's'} {shown}{more}, named in the warnings above"


def describe_test_send(last: TestSend | None, latest_any: TestSend | None) -> str:
    if last is not None:
        return f"{when(last.at)} to {', '.join(last.addresses)} via {last.via}"
    if latest_any is not None:
        return f"none of this content (the last test, {when(latest_any.at)}, was of an earlier version)"
    return "none yet: send one first with --test YOUR-ADDRESS"


def confirmation(*, source: str, subject: str, sender: str, relay: str, to_send: int, listed: str,
                 last_test: str) -> str:
    return "\n".join([
        "About to send a newsletter:",
        f"  Newsletter:  {source}",
        f"  Subject:     {subject}",
        f"  From:        {sender}",
        f"  Relay:       {relay}",
        f"  Recipients:  {to_send:,} to send now ({listed})",
        f"  Last test:   {last_test}",
    ])


def not_sent_yet(counts: dict[State, int]) -> bool:
    """No message of this send has gone out or been tried: everyone recorded, if anyone, is still to send. A send
    refused before its first message (no one to confirm it, the relay unreachable) leaves such a record."""
    return all(count == 0 for state, count in counts.items() if state is not State.PENDING)


def journal_report(journal: SendJournal, shown_as: str, last_test: str) -> list[str]:
    record = journal.campaign()
    counts = journal.counts()
    lines = [f"Send record: {shown_as}"]
    if record is not None:
        lines += [f"Started: {when(record.started)} via {record.relay}", f"Subject: {record.subject}"]
    failed = counts[State.FAILED_PERMANENT] + counts[State.FAILED_TEMPORARY]
    remaining = sum(counts[s] for s in REMAINING)
    if not_sent_yet(counts):
        # "Sent 0 ... remaining 0" read as a send that had finished (a trial, after a refused send).
        lines.append(f"Not sent yet: {plural(remaining, 'person', 'people')} to send." if remaining
                     else "Not sent yet: no real send of this newsletter has begun.")
    else:
        lines.append(f"Sent {counts[State.SENT]:,}, failed {failed:,} ({counts[State.FAILED_PERMANENT]:,} permanent, "
                     f"{counts[State.FAILED_TEMPORARY]:,} temporary), unknown {counts[State.UNKNOWN]:,}, "
                     f"remaining {remaining:,}.")
    for number, run in enumerate(journal.runs(), start=1):
        ended = ""
        if run.sent == 0 and run.stopped:  # a run that sent nothing must not read as though something went out
            ended = f"; stopped before any message was sent: {run.stopped.removeprefix('Stopped').lstrip(': ')}"
        lines.append(f"Run {number}: {when(run.started)} via {run.relay}; live check {run.live_check}{ended}"
                     + ("" if ended.endswith(".") else "."))
    if journal.erased_count():
        lines.append(f"Erased on request (never mailed again by this send): {journal.erased_count():,}.")
    if counts[State.SENDING]:
        lines.append(f"Sending now (or interrupted): {counts[State.SENDING]:,}.")
    unknown = journal.deliveries(State.UNKNOWN)
    if unknown:
        lines.append(
            "Unknown (may or may not have arrived; resend with --resend-unknown only if a second copy is acceptable):"
        )
        lines += [f"  {d.address}: {d.reply}" for d in unknown]
    failures = journal.deliveries(State.FAILED_PERMANENT, State.FAILED_TEMPORARY)
    if failures:
        lines.append("Failed:")
        lines += [
            f"  {d.address} ({d.state}, {d.attempts} {'try' if d.attempts == 1 else 'tries'}): {d.reply}"
            for d in failures
        ]
    lines += bounce_lines(journal)
    lines.append(f"Last test send of this newsletter: {last_test}")
    return lines


def bounce_lines(journal: SendJournal) -> list[str]:
    """What `protectpress bounces` recorded about this newsletter: the counts, then each hard and soft bounce."""
    bounces = journal.bounces()
    if not bounces:
        return []
    count = {kind: sum(b.kind == kind for b in bounces) for kind in ("hard", "soft", "delayed", "delivered")}
    lines = [f"Bounces: {count['hard']:,} hard, {count['soft']:,} soft, {count['delayed']:,} delay warnings, "
             f"{count['delivered']:,} delivery reports (read by `protectpress bounces`):"]
    lines += [f"  {b.address} ({b.kind}, {when(b.received)}): {b.status} {b.diagnostic}".rstrip()
              for b in bounces if b.kind in ("hard", "soft")]
    return lines


REPORT_COLUMNS = ("email", "name", "state", "attempts", "reply", "updated", "bounce", "bounce_report", "bounced")
# A relay's "250 queued" is not delivery: the bounce columns say what `protectpress bounces` read since, the most
# serious report first (a hard bounce outranks a later delay warning).
_BOUNCE_RANK = {"hard": 3, "soft": 2, "delayed": 1, "delivered": 0}


DELIVERY_REPORT_SUFFIX = ".report.csv"


def delivery_report_path(journal_dir: Path, slug: str) -> Path:
    """Where `sends --csv` writes by default: beside the journal, in the private, git-ignored folder."""
    return journal_dir / f"{slug}{DELIVERY_REPORT_SUFFIX}"


def write_delivery_report(journal: SendJournal, path: Path) -> int:
    """Every recipient of the journal, one row each, as a private CSV Excel opens safely; returns the rows.

    The replies come from relays and the names from a recipients file: no cell may run as a formula.
    """
    rows = 0
    with open_private(path, "w", encoding="utf-8", newline="") as handle:
        writer = spreadsheet_writer(handle)
        writer.writerow(REPORT_COLUMNS)
        worst: dict[str, BounceRecord] = {}
        for bounce in journal.bounces():  # oldest first: a later report of the same rank replaces an earlier one
            key = address_key(bounce.address)
            held = worst.get(key)
            if held is None or _BOUNCE_RANK.get(bounce.kind, 0) >= _BOUNCE_RANK.get(held.kind, 0):
                worst[key] = bounce
        for delivery in journal.deliveries():
            read = worst.get(address_key(delivery.address))
            found = ((read.kind, f"{read.status} {read.diagnostic}".strip(), read.received) if read
                     else ("", "", ""))
            writer.writerow((delivery.address, delivery.name, delivery.state.value, delivery.attempts, delivery.reply,
                             delivery.updated, *found))
            rows += 1
    return rows


def outcome_lines(summary: SendSummary, slug: str) -> list[str]:
    """The end of a live send: the counts, then what (if anything) to do next. A stopped send leads with why it
    stopped (and what to check), before the counts, which read as an outcome when they came first."""
    lines = [summary.stopped] if summary.stopped else []
    lines += summary.lines()
    for address in summary.newly_suppressed:
        lines.append(f"Added to the suppression list (no such mailbox): {address}")
    if summary.not_suppressed:
        lines.append(f"Not added to the suppression list, because the send stopped on a run of failures and the relay "
                     f"may be at fault: {', '.join(summary.not_suppressed)}. If their mailboxes really do not exist, "
                     "run `protectpress suppress ADDRESS`.")
    if summary.stopped:
        lines.append("Nothing is lost: fix the cause and run the same command again to continue where it stopped"
                     + (" (add --retry-failed to retry those the relay refused)." if summary.failed else "."))
    elif summary.unknown:
        lines.append(f"{plural(summary.unknown, 'message')} may or may not have arrived (unknown): see `protectpress "
                     f"sends {slug}`; --resend-unknown sends them again, at the risk of a second copy.")
    if not summary.stopped and summary.failed_temporary:
        lines.append(
            f"Run the same command again later to retry {plural(summary.failed_temporary, 'temporary failure')}."
        )
    if summary.failed:
        lines.append(f"See `protectpress sends {slug}` for the relay's answer to each failure.")
    return lines
