"""`protectpress sends | suppress | unsuppress | forget`: what is kept about the people newsletters go to.

`sends` reports a newsletter's send journal; `suppress` and `unsuppress` change the suppression list (each
removal recorded); `forget` erases a person from the journals, the test-send log and the outbox.

Exit 0: done; 1: problems in a file, or the person is not there; 2: a problem with the command line (such as
no such newsletter) or mkdocs.yml.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import (
    Subparsers,
    add_config_option,
    fail_config,
    newsletter_file_or_exit,
    plainly,
    quiet_after_closed_pipe,
    say,
    settings_or_exit,
    warn,
)


def register(subparsers: Subparsers) -> None:
    sends = subparsers.add_parser("sends", help="report a newsletter's send record: sent, failed, unknown, remaining",
                                  description="Report a newsletter's send record; with no newsletter, list the "
                                  "newsletters that have one.")
    add_config_option(sends)
    sends.add_argument("newsletter", metavar="NEWSLETTER", nargs="?",
                       help="the newsletter's file or slug, or 'notice' for the urgent notice (none: list them)")
    sends.add_argument("--csv", nargs="?", const="", metavar="FILE",
                       help="also write every recipient's state and the relay's answer to a CSV file (default: "
                       "beside the send record, as SLUG.report.csv); it holds personal data and is readable by you "
                       "only")
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
                                       "mailed again; who did it and when is recorded beside the send records.")
    add_config_option(unsuppress)
    unsuppress.add_argument("address", metavar="ADDRESS")
    unsuppress.set_defaults(run=run_unsuppress)

    forget = subparsers.add_parser("forget", help="erase a person from send records and the outbox (suppression kept)")
    add_config_option(forget)
    forget.add_argument("address", metavar="ADDRESS")
    forget.add_argument("--store", metavar="STORE",
                        help="also erase them from the subscriptions service's store (its SQLite file or "
                        "postgresql:// address), where the service keeps their sign-up and unsubscribes")
    forget.set_defaults(run=run_forget)


@plainly
def run_sends(args: argparse.Namespace) -> int:
    try:
        return _report_sends(args)
    except BrokenPipeError:  # `sends SLUG | head`: the reader has read what it wanted; nothing is wrong
        return quiet_after_closed_pipe()


def _report_sends(args: argparse.Namespace) -> int:
    from ..core.foundation.problems import Problems
    from ..core.newsletter.model import newsletter_slug
    from ..core.project.notice import NOTICE_KIND, read_notice
    from ..core.sending.journal import SendJournal, journal_path
    from ..core.sending.privacy import sending_paths
    from ..core.sending.report import (
        delivery_report_path,
        describe_test_send,
        journal_report,
        plural,
        write_delivery_report,
    )
    from ..core.sending.testsends import TestSendLog

    settings = settings_or_exit(args)
    journal_dir, _, _ = sending_paths(settings)
    if args.newsletter is None:
        if args.csv is not None:
            fail_config("sends --csv: expected a newsletter to write the report of, like sends NEWSLETTER --csv")
        return _list_sends(settings.relative(journal_dir), journal_dir)
    slug = newsletter_slug(args.newsletter)
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
    last = test_log.last()
    last_test = describe_test_send(last, None)
    if not path.exists() and args.newsletter != NOTICE_KIND and last is None:
        # No record at all: a typo is told as `send` tells it (newsletter_file_or_exit), not as "never sent".
        newsletter_file_or_exit(settings, args.newsletter)
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


def _list_sends(shown: str, journal_dir: Path) -> int:
    """`sends` alone: the newsletters with a send record, as `git branch` lists branches, and how to see one."""
    from ..core.sending.journal import SendJournal, journal_path, recorded_slugs
    from ..core.sending.report import not_sent_yet
    from ..core.sending.testsends import tested_slugs

    def begun(slug: str) -> str:
        with SendJournal(journal_path(journal_dir, slug)) as journal:
            return " (not sent yet)" if not_sent_yet(journal.counts()) else ""

    live = recorded_slugs(journal_dir)
    tested = [slug for slug in tested_slugs(journal_dir) if slug not in live]
    if not live and not tested:
        say(f"No newsletter has a send record in {shown}/ yet: one begins with the first send, test or live.")
        return 0
    say(f"Newsletters with a send record in {shown}/:",
        *(f"  {slug}{begun(slug)}" for slug in live), *(f"  {slug} (test sends only)" for slug in tested),
        f"See one with: protectpress sends NEWSLETTER (for example protectpress sends {(live or tested)[0]}).")
    return 0


@plainly
def run_suppress(args: argparse.Namespace) -> int:
    from ..core.foundation.email_addresses import valid_address
    from ..core.foundation.problems import Problems
    from ..core.sending.privacy import suppression_list
    from ..core.sending.suppression import read_addresses

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
    from ..core.foundation.email_addresses import valid_address
    from ..core.foundation.problems import Problems
    from ..core.sending.privacy import sending_paths, suppression_list
    from ..core.sending.report import when
    from ..core.sending.suppression import SuppressionLog

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
    from ..core.sending.journal_records import JournalBusy
    from ..core.sending.privacy import forget_address

    settings = settings_or_exit(args)
    address = args.address.strip()
    if "@" not in address:
        fail_config(f"forget: expected an email address, found {address!r}")
    try:
        report = forget_address(settings, address)
    except JournalBusy as error:
        warn(f"Not finished: {error}. Run the same forget again once that send is over.")
        return 1
    say(f"Erased {address} from {report.journal_rows:,} send record(s), {report.test_sends:,} test-send record(s), "
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
        from .service import erase_from_store  # only --store needs the service's code

        say(erase_from_store(address, args.store, "forget"))
    elif settings.plugin.sending.unsubscribe_url:
        say("The subscriptions service keeps its own record of who signed up and unsubscribed: add --store STORE "
            f"here, or where it runs, run `protectpress subscribers forget {address} --store STORE`.")
    say("Remove them from your recipients files too: protectpress does not change those.")
    return 0
