"""`protectpress send | sends | suppress | unsuppress | forget`: sending a newsletter to partners, safely.

Exit 0: done (for a send: every deliverable recipient has it); 1: problems in the content or the recipients
file, or a send that did not reach everyone; 2: a problem with the command line, mkdocs.yml or the relay.
"""

from __future__ import annotations

import argparse
import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from ..core.foundation.config import ConfigError, Settings, relative_path
from ..core.foundation.dates import build_now
from ..core.foundation.email_addresses import valid_address
from ..core.foundation.problems import Problems
from ..core.foundation.slugs import slugify
from ..core.newsletter.render import render_newsletter
from ..core.project.notice import NOTICE_KIND, read_notice, render_notice_email
from ..core.sending.campaign import SendPolicy
from ..core.sending.compose import ONE_CLICK_OFF, SenderIdentity
from ..core.sending.journal import JournalBusy, SendJournal, SuppressionLog, TestSendLog, journal_path
from ..core.sending.privacy import forget_address, sending_paths, suppression_list
from ..core.sending.recipients import Recipient, RecipientsChanged, read_addresses
from ..core.sending.report import (
    delivery_report_path,
    describe_test_send,
    journal_report,
    outcome_lines,
    plural,
    when,
    write_delivery_report,
)
from ..core.sending.run import BulkSend, NotSending, SendOptions, SendRun
from ..core.sending.transport import PASSWORD_VARIABLE, Outcome, RelayAddress, RelayError, SmtpRelay
from .common import Subparsers, add_config_option, fail_config, quiet_after_closed_pipe, settings_or_exit


def register(subparsers: Subparsers) -> None:
    send = subparsers.add_parser("send", help="test-send a newsletter, or send it to a recipients list",
                                 description="Send a newsletter: --test to yourself first, then --to the list. "
                                 "With no --smtp, messages are written as .eml files under outbox/.")
    add_config_option(send)
    send.add_argument("newsletter", metavar="NEWSLETTER",
                      help="the newsletter's file or slug, or 'notice' for the urgent notice in docs/notice.md")
    send.add_argument("--test", nargs="+", metavar="ADDRESS", help="send a [TEST] copy to these addresses only "
                      "(with --to, its merge fields filled as for the first person in that list)")
    send.add_argument(
        "--to", metavar="RECIPIENTS.csv", help="send to everyone in this CSV (email, name, organisation, sectors)"
    )
    send.add_argument("--as-row", type=int, metavar="N", help="with --test and --to: fill the test copy's merge "
                      "fields ({{ name }}, {{ first_name }}) as for the Nth person in the list (1: the first)")
    send.add_argument("--smtp", metavar="URL", help=f"relay: smtp://[user@]host:port (STARTTLS) or smtps://... (TLS); "
                      f"password from {PASSWORD_VARIABLE}")
    send.add_argument("--ca-file", metavar="FILE", help="trust this certificate authority (a PEM file) for the relay "
                      "and the live link check (a staging site)")
    send.add_argument("--rate", type=float, metavar="N", help="at most N messages a second (default 5; 0: no limit)")
    send.add_argument("--dry-run", action="store_true", help="show who would get it; send and record nothing")
    send.add_argument("--yes", action="store_true", help="send without asking for confirmation")
    send.add_argument("--resend-unknown", action="store_true",
                      help="also resend to people whose message may or may not have arrived (they may get two)")
    send.add_argument("--retry-failed", action="store_true",
                      help="also retry permanent failures (after fixing a relay that refused everything)")
    send.add_argument("--skip-live-check", action="store_true",
                      help="send without first fetching every link and image in the email at site_url "
                      "(recorded in the journal)")
    send.set_defaults(run=run_send)

    sends = subparsers.add_parser("sends", help="report a newsletter's send journal: sent, failed, unknown, remaining")
    add_config_option(sends)
    sends.add_argument("newsletter", metavar="NEWSLETTER",
                       help="the newsletter's file or slug, or 'notice' for the urgent notice")
    sends.add_argument("--csv", nargs="?", const="", metavar="FILE",
                       help="also write every recipient's state and the relay's answer to a CSV file (default: "
                       "beside the journal, as SLUG.report.csv); it holds personal data and is readable by you only")
    sends.set_defaults(run=run_sends)

    suppress = subparsers.add_parser("suppress", help="never mail these people again (unsubscribes)")
    add_config_option(suppress)
    suppress.add_argument("who", metavar="ADDRESS|FILE.csv", nargs="?",
                          help="one address, or a CSV with an email column")
    suppress.add_argument("--sync", metavar="BASE_URL",
                          help="add every new unsubscribe from the unsubscribe service at this address "
                          "(token from PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN)")
    suppress.set_defaults(run=run_suppress)

    unsuppress = subparsers.add_parser("unsuppress", help="take an address off the suppression list (recorded)",
                                       description="Take one address off the suppression list, so it can be "
                                       "mailed again; who did it and when is recorded beside the send journals.")
    add_config_option(unsuppress)
    unsuppress.add_argument("address", metavar="ADDRESS")
    unsuppress.set_defaults(run=run_unsuppress)

    forget = subparsers.add_parser("forget", help="erase a person from send journals and the outbox (suppression kept)")
    add_config_option(forget)
    forget.add_argument("address", metavar="ADDRESS")
    forget.add_argument("--store", metavar="STORE",
                        help="also erase them from the subscriptions service's store (its SQLite file or "
                        "postgresql:// address), where the service keeps their sign-up and unsubscribes")
    forget.set_defaults(run=run_forget)


def plainly(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A disk or journal problem ends as one line for comms staff, not a traceback."""
    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except OSError as error:
            # Commands run in the project folder: the file is named as comms staff see it there.
            where = f"{relative_path(error.filename, Path.cwd())}: " if getattr(error, "filename", None) else ""
            warn(f"protectpress: {where}{error.strerror or error}. Nothing more was sent; the journal keeps what was.")
        except sqlite3.Error as error:
            warn(f"protectpress: the send journal could not be used ({error}). Is another program holding it?")
        return 1
    return wrapper


def say(*lines: str) -> None:
    print("\n".join(lines), flush=True)


def warn(*lines: str) -> None:
    print("\n".join(lines), file=sys.stderr, flush=True)


# -- send -------------------------------------------------------------------------------------------------


@plainly
def run_send(args: argparse.Namespace) -> int:
    if not args.test and not args.to:
        fail_config("send: expected --test ADDRESS (a test copy) or --to RECIPIENTS.csv (the list)")
    if args.as_row is not None and not (args.test and args.to and args.as_row >= 1):
        fail_config("--as-row: expected a person's number in the list (1: the first), with --test and --to")
    settings = settings_or_exit(args)
    try:
        sender = SenderIdentity.from_settings(settings)
        relay = _relay(args, settings)
    except (ConfigError, RelayError) as error:
        fail_config(error)
    problems = Problems()
    if args.newsletter == NOTICE_KIND:
        newsletter = render_notice_email(settings, problems, build_now())
    else:
        newsletter = render_newsletter(settings, args.newsletter, problems)
    if problems:
        warn(problems.report())
    if newsletter is None:
        warn(
            f"The {'notice' if args.newsletter == NOTICE_KIND else 'newsletter'} has problems to fix; nothing was sent."
        )
        return 1
    options = SendOptions(dry_run=args.dry_run, skip_live_check=args.skip_live_check, ca_file=args.ca_file)
    run = SendRun.prepare(settings, newsletter, sender, relay, _policy(args, settings), options, test=bool(args.test))
    if args.test:
        like = None
        if args.to:  # a test copy as a person on the list will get it, merge fields filled
            list_problems = Problems()
            like = run.person_in_list(Path(args.to), args.as_row or 1, list_problems)
            if like is None or list_problems.errors:
                warn(list_problems.report(list_problems.errors), "Nothing was sent.")
                return 1
            say(f"Merge fields filled as for {like.name or 'a reader with no name'} ({like.address}), person "
                f"{args.as_row or 1} in {args.to}.")
        return _test_send(run, args.test, like)
    reason = run.not_ready()
    if reason is not None:
        warn(reason)
        return 1
    listing_problems = run.suppression_problems
    listing = run.read_list(Path(args.to), listing_problems)
    if listing_problems:
        warn(listing_problems.report())
    if listing_problems.errors:
        warn("The recipients file has problems to fix; nothing was sent.")
        return 1
    try:
        with run.bulk(listing) as bulk:
            return _bulk_send(run, bulk, yes=args.yes)
    except JournalBusy as error:
        warn(f"Not sending: {error}. Wait for it to finish (or check nobody else is sending this newsletter).")
        return 1
    except (NotSending, RecipientsChanged) as error:
        warn(str(error))
        return 1


def _relay(args: argparse.Namespace, settings: Settings) -> SmtpRelay | None:
    if not args.smtp:
        if args.ca_file:
            raise RelayError("--ca-file: only used with --smtp")
        return None
    address = RelayAddress.parse(args.smtp)
    password = os.environ.get(PASSWORD_VARIABLE) or None
    if password and not address.username:
        warn(f"{PASSWORD_VARIABLE} is set but --smtp has no user name (smtp://user@host): not logging in.")
    return SmtpRelay(address, password, ca_file=args.ca_file, timeout=settings.plugin.sending.smtp_timeout,
                     notify=warn)


def _policy(args: argparse.Namespace, settings: Settings) -> SendPolicy:
    sending = settings.plugin.sending
    rate = sending.rate if args.rate is None else args.rate
    if rate < 0:
        fail_config("--rate: expected 0 (no limit) or more messages a second")
    return SendPolicy(rate=rate, retry_attempts=sending.retry_attempts, retry_backoff=sending.retry_backoff,
                      max_consecutive_failures=max(1, sending.max_consecutive_failures),
                      resend_unknown=args.resend_unknown, retry_failed=args.retry_failed)


def _test_send(run: SendRun, addresses: list[str], like: Recipient | None = None) -> int:
    bad = [a for a in addresses if not valid_address(a)]
    if bad:
        fail_config(f"--test: expected email addresses like name@example.org, found {', '.join(map(repr, bad))}")
    valid = [valid_address(a) or a for a in addresses]
    if run.options.dry_run:
        say(f"Dry run: would send a [TEST] copy to {', '.join(dict.fromkeys(valid))} via {run.transport.description}.")
        return 0
    failed = 0
    try:
        for delivery in run.test_send(valid, like):
            failed += delivery.result.outcome is not Outcome.SENT
            say(f"Test to {delivery.address}: {delivery.result.reply}")
    except RelayError as error:
        warn(f"protectpress: {error}")
        return 2
    return 0 if not failed else 1


def _bulk_send(run: SendRun, bulk: BulkSend, *, yes: bool) -> int:
    plan = bulk.plan()
    if not run.live:
        if run.options.dry_run:
            say(f"Dry run: would write {plural(plan.to_send, 'message')} to {run.transport.description}/ "
                f"({plan.listed}). Nothing was written.")
            return 0
        summary = bulk.send(plan)
        say(*summary.lines(), f"Wrote {plural(summary.sent, 'message')} to {run.transport.description}/: nothing was "
            "sent. Add --smtp to send through a relay.")
        return 0 if summary.complete else 1
    for address in plan.interrupted:
        warn(f"The last run stopped while sending to {address}: it may or may not have arrived, so it is "
             "marked unknown and left alone (add --resend-unknown to send it again).")
    if not run.composer.sender.unsubscribe_url:  # before the question, in the dry run too
        warn(f"warning: {ONE_CLICK_OFF}")
    if run.options.dry_run:
        say(plan.details)
        if not _links_live(bulk, dry_run=True):
            return 1
        say("Dry run: nothing was sent or recorded.")
        return 0
    if not plan.to_send:
        say(*plan.summary.lines(), "Nobody is left to send to.")
        return 0 if plan.summary.complete else 1
    if not _links_live(bulk, dry_run=False):
        return 1
    if not yes and not _confirmed(plan.details, plan.to_send):
        return 2
    summary = bulk.send(plan)
    say(*outcome_lines(summary, run.newsletter.slug))
    return 0 if summary.complete else 1


def _links_live(bulk: BulkSend, *, dry_run: bool) -> bool:
    """The live check (see livecheck.py), when the send needs it: False, with every dead address, if any failed."""
    if not bulk.needs_live_check:
        return True
    say("Checking that every link and image in the email is live...")
    dead = bulk.check_links()
    if dead:
        warn(f"{'Dry run: the real send would stop here' if dry_run else 'Not sending'}: "
             f"{plural(len(dead), 'link or image', 'links or images')} in the email did not answer 200 OK:",
             *(f"  {answer.url} ({answer.kind}): {answer.found}" for answer in dead),
             "Deploy the site (or fix the links) and run the same command again. To send anyway, add "
             "--skip-live-check (it is recorded in the journal).")
        return False
    return True


def _confirmed(details: str, count: int) -> bool:
    if sys.stdin is None or not sys.stdin.isatty():
        warn(details, f"Not sending: this would mail {count:,} people and there is no terminal to confirm on. "
             "Add --yes to send without being asked.")
        return False
    say(details)
    answer = input(f"Send to {count:,} people now? Type yes to send: ").strip().lower()
    if answer in ("y", "yes"):
        return True
    say("Nothing was sent.")
    return False


# -- sends, suppress, forget ------------------------------------------------------------------------------


@plainly
def run_sends(args: argparse.Namespace) -> int:
    try:
        return _report_sends(args)
    except BrokenPipeError:  # `sends SLUG | head`: the reader has read what it wanted; nothing is wrong
        return quiet_after_closed_pipe()


def _report_sends(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    journal_dir, _, _ = sending_paths(settings)
    slug = slugify(Path(args.newsletter).stem)
    if args.newsletter == NOTICE_KIND:
        # The notice's journal is named for its wording (Notice.slug): report the notice there now.
        problems = Problems()
        notice = read_notice(settings, problems)
        if notice is None:
            warn(problems.report() if problems else "There is no urgent notice (docs/notice.md) to report on.")
            return 1
        slug = notice.slug
    path = journal_path(journal_dir, slug)
    test_log = TestSendLog(journal_dir, slug)
    last_test = describe_test_send(test_log.last(), None)
    if not path.exists():
        say(f"No live send of {slug} is recorded in {settings.relative(journal_dir)}/.",
            f"Last test send of this newsletter: {last_test}")
        return 0
    with SendJournal(path) as journal:
        say(*journal_report(journal, settings.relative(path), last_test))
        if args.csv is not None:
            report = Path(args.csv) if args.csv else delivery_report_path(journal_dir, slug)
            rows = write_delivery_report(journal, report)
            say(f"Wrote {plural(rows, 'recipient')} to {settings.relative(report.resolve())} (personal data: "
                "readable by you only; delete it when done).")
    return 0


@plainly
def run_suppress(args: argparse.Namespace) -> int:
    if args.sync or not args.who:
        if args.who or not args.sync:
            fail_config("suppress: expected one address, a CSV file, or --sync BASE_URL (not both)")
        from .unsubscribe import run_sync  # only --sync needs the unsubscribe service's code

        return run_sync(args)
    settings = settings_or_exit(args)
    problems = Problems()
    suppression = suppression_list(settings, problems)
    if args.who.lower().endswith(".csv") or Path(args.who).is_file():
        addresses = read_addresses(Path(args.who), settings.relative(Path(args.who)), problems)
    elif address := valid_address(args.who):
        addresses = [address]
    else:
        fail_config(f"suppress: expected an email address like name@example.org or a CSV file, found {args.who!r}")
    if problems:
        warn(problems.report())
    if problems.errors:
        return 1
    added = sum(suppression.add(address, "unsubscribed") for address in addresses)
    say(f"Added {added:,} to {suppression.shown_as} ({len(addresses) - added:,} already there). "
        "They will not be mailed again.")
    return 0


@plainly
def run_unsuppress(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    journal_dir, _, _ = sending_paths(settings)
    address = valid_address(args.address)
    if address is None:
        fail_config(f"unsuppress: expected an email address like name@example.org, found {args.address!r}")
    problems = Problems()
    suppression = suppression_list(settings, problems)
    if problems.errors:
        warn(problems.report(), "Nothing was changed.")
        return 1
    reason = suppression.remove(address)
    if reason is None:
        warn(f"{address} is not in {suppression.shown_as}: nothing was changed.")
        return 1
    log = SuppressionLog(journal_dir)
    change = log.record("unsuppressed", address, reason)
    say(f"Took {address} off {suppression.shown_as} (it was there for: {reason}). They can be mailed again.",
        f"Recorded in {settings.relative(log.path)} ({change.by}, {when(change.at)}).")
    if "unsubscribe" in reason.lower():
        warn("They had unsubscribed: mail them again only if they have asked to be added back.")
    return 0


@plainly
def run_forget(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    address = args.address.strip()
    if "@" not in address:
        fail_config(f"forget: expected an email address, found {address!r}")
    try:
        report = forget_address(settings, address)
    except JournalBusy as error:
        warn(f"Not finished: {error}. Run the same forget again once that send is over.")
        return 1
    say(f"Erased {address} from {report.journal_rows:,} send journal(s), {report.test_sends:,} test-send record(s), "
        f"{report.suppression_changes:,} suppression change(s), {report.report_rows:,} row(s) of delivery reports "
        f"and {report.outbox_files:,} outbox file(s).")
    if report.journal_rows:
        say("Resuming those sends will not mail them again.")
    if report.suppressed:
        say("Their entry in the suppression list is kept, so they will not be mailed again.")
    else:
        say("They are not in the suppression list: if they should not be mailed again, run "
            f"`protectpress suppress {address}`.")
    if args.store:
        from .subscriptions import erase_from_store  # only --store needs the service's code

        say(erase_from_store(address, args.store, "forget"))
    elif settings.plugin.sending.unsubscribe_url:
        say("The subscriptions service keeps its own record of who signed up and unsubscribed: add --store STORE "
            f"here, or where it runs, run `protectpress subscribers forget {address} --store STORE`.")
    say("Remove them from your recipients files too: protectpress does not change those.")
    return 0
