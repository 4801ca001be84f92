"""`protectpress bounces SOURCE`: read the bounces that came back to `return_path`, and act on them.

Exit 0: the mailbox was read (messages that are not our bounces are listed, not errors); 1: the suppression
list or a journal could not be used; 2: a problem with the command line, mkdocs.yml or the mailbox itself.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .common import add_config_option, fail_config, plainly, say, settings_or_exit, warn

if TYPE_CHECKING:
    from ..core.sending.bounces import BounceSummary
    from ..core.sending.mailboxes import MailboxMessage

SHOWN_PER_LIST = 50  # a mailbox of thousands of foreign messages should not bury the counts


def register(subparsers: argparse._SubParsersAction) -> None:
    from ..core.sending.mailboxes import IMAP_PASSWORD_VARIABLE

    bounces = subparsers.add_parser(
        "bounces", help="read bounced newsletters from a mailbox; suppress addresses that no longer work",
        description="Read delivery reports (bounces) from the mailbox that return_path delivers to, match them to "
        "the newsletters sent, and put addresses that bounce for good (5.x.x), or soft-bounce "
        "(4.x.x) several newsletters in a row, on the suppression list. Reading the same mailbox again is "
        "safe: each report is dealt with once. The mailbox is only read, never changed.",
        epilog=f"For an IMAP folder the password is read from the {IMAP_PASSWORD_VARIABLE} environment variable.",
    )
    add_config_option(bounces)
    bounces.add_argument("source", metavar="SOURCE",
                         help="an mbox file, a Maildir folder, or an IMAP folder imaps://user@host[:port]/folder "
                         f"(password from {IMAP_PASSWORD_VARIABLE})")
    bounces.add_argument("--ca-file", metavar="FILE",
                         help="trust this certificate authority (a PEM file) for the IMAP server")
    bounces.set_defaults(run=run_bounces)


@plainly
def run_bounces(args: argparse.Namespace) -> int:
    from ..core.foundation.problems import Problems
    from ..core.sending.bounces import BounceHandler
    from ..core.sending.mailboxes import MailboxError
    from ..core.sending.privacy import sending_paths, suppression_list
    from ..core.sending.verp import base_address, is_verp

    settings = settings_or_exit(args)
    sending = settings.plugin.sending
    journal_dir, _, _ = sending_paths(settings)
    problems = Problems()
    suppression = suppression_list(settings, problems)
    if problems.errors:
        warn(problems.report(), "Fix the suppression list first; no bounce was read.")
        return 1
    try:
        messages, shown = _messages(args, settings.relative)
        verp_base = base_address(sending.return_path) if is_verp(sending.return_path) else None
        with BounceHandler(journal_dir, suppression, sending.soft_bounce_limit, verp_base) as handler:
            try:
                for message in messages:
                    handler.handle(message)
            except MailboxError as error:
                if handler.summary.read:  # what was done before the connection failed is kept: say what it was
                    say(*report_lines(handler.summary, shown, suppression.shown_as))
                warn(f"protectpress: {error}")
                return 2
            say(*report_lines(handler.summary, shown, suppression.shown_as))
    except MailboxError as error:
        fail_config(error)
    return 0


def _messages(args: argparse.Namespace, relative: Callable[[Path], str]) -> tuple[Iterator[MailboxMessage], str]:
    """The messages of SOURCE (read lazily) and how to name it."""
    from ..core.sending.mailboxes import (
        IMAP_PASSWORD_VARIABLE,
        ImapAddress,
        MailboxError,
        imap_messages,
        is_imap,
        local_messages,
    )

    if is_imap(args.source):
        address = ImapAddress.parse(args.source)
        password = os.environ.get(IMAP_PASSWORD_VARIABLE, "")
        if not password:
            expected = f"expected the password in the {IMAP_PASSWORD_VARIABLE} environment variable"
            raise MailboxError(f"{address.shown}: {expected}, found it unset")
        return imap_messages(address, password, ca_file=args.ca_file), address.shown
    if args.ca_file:
        raise MailboxError("--ca-file: only used with an imaps:// mailbox")
    path = Path(args.source)
    shown = relative(path)
    return local_messages(path, shown), shown


def report_lines(summary: BounceSummary, source: str, suppression_shown: str) -> list[str]:
    from ..core.foundation.headertext import plain_text
    from ..core.sending.report import plural

    lines = [
        f"Read {plural(summary.read, 'message')} from {source}: {plural(summary.hard, 'hard bounce')}, "
        f"{plural(summary.soft, 'soft bounce')}, {plural(summary.delayed, 'delay warning')}, "
        f"{plural(summary.delivered, 'delivery report')}, {summary.already_read:,} already dealt with, "
        f"{len(summary.unmatched):,} not matched to a newsletter, {len(summary.unreadable):,} not readable as bounces.",
        f"Suppressed {len(summary.suppressed):,} address{'' if len(summary.suppressed) == 1 else 'es'}"
        + (f", added to {suppression_shown}:" if summary.suppressed else "."),
    ]
    lines += [f"  {address}: {reason}" for address, reason in summary.suppressed]
    if summary.unmatched:
        lines.append("Not matched to any newsletter sent from here (a test send, a person since erased, or mail "
                     "from elsewhere):")
        lines += _some(f"  {plain_text(where)}" for where in summary.unmatched)
    if summary.unreadable:
        lines.append("Not readable as bounces (out-of-office replies and other mail; look at them in your mail "
                     "program if unsure):")
        lines += _some(f"  {plain_text(where)}: {why}" for where, why in summary.unreadable)
    return lines


def _some(lines: Iterable[str]) -> list[str]:
    shown = list(lines)
    if len(shown) <= SHOWN_PER_LIST:
        return shown
    return [*shown[:SHOWN_PER_LIST], f"  and {len(shown) - SHOWN_PER_LIST:,} more"]
