"""`protectpress send`: sending a newsletter to partners, safely (a test copy first, then the list).

Exit 0: done (every deliverable recipient has it); 1: problems in the content or the recipients file, or a
send that did not reach everyone; 2: a problem with the command line (a newsletter that does not exist, say),
mkdocs.yml or the relay.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .common import (
    Subparsers,
    add_config_option,
    fail_config,
    newsletter_file_or_exit,
    plainly,
    say,
    settings_or_exit,
    warn,
)

if TYPE_CHECKING:
    from ..core.foundation.settings import Settings
    from ..core.sending.campaign import SendPolicy
    from ..core.sending.recipients import Recipient
    from ..core.sending.relay import SmtpRelay
    from ..core.sending.run import BulkSend, SendRun


def register(subparsers: Subparsers) -> None:
    from ..core.sending.relay import PASSWORD_VARIABLE

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
                      "(noted in the send record)")
    send.set_defaults(run=run_send)



@plainly
def run_send(args: argparse.Namespace) -> int:
    from ..core.foundation.config import ConfigError
    from ..core.foundation.dates import build_now
    from ..core.foundation.problems import Problems
    from ..core.newsletter.render import render_newsletter_file
    from ..core.project.notice import NOTICE_KIND, render_notice_email
    from ..core.sending.compose import SenderIdentity
    from ..core.sending.journal_records import JournalBusy
    from ..core.sending.recipients import RecipientsChanged
    from ..core.sending.run import NotSending, SendOptions, SendRun
    from ..core.sending.transport import RelayError

    if not args.test and not args.to:
        fail_config("send: expected --test ADDRESS (a test copy) or --to RECIPIENTS.csv (the list)")
    if args.as_row is not None and not (args.test and args.to and args.as_row >= 1):
        fail_config("--as-row: expected a person's number in the list (1: the first), with --test and --to")
    settings = settings_or_exit(args)
    try:
        sender = SenderIdentity.from_settings(settings)
        relay = relay_of(args, settings)
    except (ConfigError, RelayError) as error:
        fail_config(error)
    problems = Problems()
    now = build_now()  # the send's one "now": what is live, and whether the letter's publish_at has come
    if args.newsletter == NOTICE_KIND:
        newsletter = render_notice_email(settings, problems, now)
    else:
        file = newsletter_file_or_exit(settings, args.newsletter)
        newsletter = render_newsletter_file(settings, str(file), problems, now=now)
    if problems:
        warn(problems.report())
    if newsletter is None:
        warn(
            f"The {'notice' if args.newsletter == NOTICE_KIND else 'newsletter'} has problems to fix; nothing was sent."
        )
        return 1
    options = SendOptions(dry_run=args.dry_run, skip_live_check=args.skip_live_check, ca_file=args.ca_file)
    run = SendRun.prepare(settings, newsletter, sender, relay, _policy(args, settings), options, test=bool(args.test),
                          now=now)
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


def relay_of(args: argparse.Namespace, settings: Settings) -> SmtpRelay | None:
    """The relay `--smtp` and `--ca-file` name (None: the outbox): `send` and `subscriptions serve` read them alike."""
    from ..core.sending.relay import PASSWORD_VARIABLE, RelayAddress, SmtpRelay
    from ..core.sending.transport import RelayError

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
    from ..core.sending.campaign import SendPolicy

    sending = settings.plugin.sending
    rate = sending.rate if args.rate is None else args.rate
    if rate < 0:
        fail_config("--rate: expected 0 (no limit) or more messages a second")
    return SendPolicy(rate=rate, retry_attempts=sending.retry_attempts, retry_backoff=sending.retry_backoff,
                      max_consecutive_failures=max(1, sending.max_consecutive_failures),
                      resend_unknown=args.resend_unknown, retry_failed=args.retry_failed)


def _test_send(run: SendRun, addresses: list[str], like: Recipient | None = None) -> int:
    from ..core.foundation.email_addresses import valid_address
    from ..core.sending.transport import Outcome, RelayError

    bad = [a for a in addresses if not valid_address(a)]
    if bad:
        fail_config(f"--test: expected email addresses like name@example.org, found {', '.join(map(repr, bad))}")
    valid = [valid_address(a) or a for a in addresses]
    if run.options.dry_run:
        say(f"Dry run: would send a [TEST] copy to {', '.join(dict.fromkeys(valid))} via {run.transport.description}.")
        return 0 if _relay_answers(run) else 2
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
    from ..core.sending.compose import ONE_CLICK_OFF
    from ..core.sending.report import outcome_lines, plural

    plan = bulk.plan()
    if not run.live:
        if run.options.dry_run:
            say(f"Dry run: would write {plural(plan.to_send, 'message')} to {run.transport.description}/ "
                f"({plan.listed}). Nothing was written.")
            return 0
        summary = bulk.send(plan)
        say(*summary.lines(), f"They are in {run.transport.description}/: nothing was sent. Add --smtp to send "
            "through a relay.")
        return 0 if summary.complete else 1
    for address in plan.interrupted:
        warn(f"The last run stopped while sending to {address}: it may or may not have arrived, so it is "
             "marked unknown and left alone (add --resend-unknown to send it again).")
    if not run.composer.sender.unsubscribe_url:  # before the question, in the dry run too
        warn(f"warning: {ONE_CLICK_OFF}")
    if run.options.dry_run:  # every check the real send makes before its first message, each reported
        say(plan.details)
        relay_answered = _relay_answers(run)
        links_live = _links_live(bulk, dry_run=True)
        say("Dry run: nothing was sent or recorded.")
        return 2 if not relay_answered else 0 if links_live else 1
    if not plan.to_send:
        say(*plan.summary.lines(), "Nobody is left to send to.")
        return 0 if plan.summary.complete else 1
    # Before the question: a wrong host or password is named while nothing has been promised. With --yes nobody
    # is asked, and the send's own first connection names it the same way, recorded in the send record.
    if not yes and not _relay_answers(run, dry_run=False):
        return 2
    if not _links_live(bulk, dry_run=False):
        return 1
    if not yes and not _confirmed(plan.details, plan.to_send):
        return 2
    summary = bulk.send(plan)
    say(*outcome_lines(summary, run.newsletter.slug))
    return 0 if summary.complete else 1


def _relay_answers(run: SendRun, *, dry_run: bool = True) -> bool:
    """Connect and sign in to the relay as the send will, then hang up having sent nothing: a wrong host, port,
    user name or password shows in the dry run, and before a real send asks to go ahead, not once the newsletter
    is going out. True when it answered (or there is no relay)."""
    from ..core.sending.relay import PASSWORD_VARIABLE
    from ..core.sending.transport import RelayError

    try:
        agreed = run.try_relay()
    except RelayError as error:
        warn(f"Dry run: the real send would stop here: {error}." if dry_run else f"Not sending: {error}.",
             "Check the relay's host name and port in --smtp (smtp:// for STARTTLS, usually port 587; smtps:// for "
             f"TLS, usually port 465), the user name before the @, and the password in {PASSWORD_VARIABLE}; then "
             "run the same command again.")
        return False
    if agreed is not None:
        say(f"Relay {run.transport.description} answered: connected {agreed}"
            + (", then hung up without sending." if dry_run else "."))
    return True


def _links_live(bulk: BulkSend, *, dry_run: bool) -> bool:
    """The live check (see livecheck.py), when the send needs it: False, with every dead address, if any failed."""
    from ..core.sending.report import plural

    if not bulk.needs_live_check:
        return True
    say("Checking that every link and image in the email is live...")
    dead = bulk.check_links()
    if dead:
        warn(f"{'Dry run: the real send would stop here' if dry_run else 'Not sending'}: "
             f"{plural(len(dead), 'link or image', 'links or images')} in the email did not answer 200 OK:",
             *(f"  {answer.url} ({answer.kind}): {answer.found}" for answer in dead),
             "Deploy the site (or fix the links) and run the same command again. To send anyway, add "
             "--skip-live-check (it is noted in the send record).")
        return False
    return True


def _confirmed(details: str, count: int) -> bool:
    from ..core.sending.report import plural

    if sys.stdin is None or not sys.stdin.isatty():
        warn(details, f"Not sending: this would mail {plural(count, 'person', 'people')} and there is no terminal to "
             "confirm on. Add --yes to send without being asked.")
        return False
    say(details)
    answer = input(f"Send to {plural(count, 'person', 'people')} now? Type yes to send: ").strip().lower()
    if answer in ("y", "yes"):
        return True
    say("Nothing was sent.")
    return False
