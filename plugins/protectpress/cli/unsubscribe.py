"""`protectpress unsubscribe serve` runs the one-click unsubscribe service; `suppress --sync` collects from it.

Exit 0: done; 1: the service could not be reached (for --sync); 2: a setting or secret is missing or wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from protectpress.unsubscribe import DEFAULT_STORE, EXPORT_TOKEN_VARIABLE, create_app
from protectpress.unsubscribe.database import store_errors
from protectpress.unsubscribe.store import EventStore

from ..core.foundation.problems import Problems
from ..core.foundation.tokens import SECRET_VARIABLE
from ..core.sending.privacy import sending_paths, suppression_list
from ..core.subscriptions.sync import SyncError, sync_unsubscribes
from .common import Subparsers, fail_config, settings_or_exit
from .service import add_serve_parser, add_store_option, serve_app, start_service

STORE_HELP = f"the SQLite file of unsubscribes (default: {DEFAULT_STORE} in the current folder)"


def register(subparsers: Subparsers) -> None:
    unsubscribe = subparsers.add_parser("unsubscribe", help="run the one-click unsubscribe service",
                                        description="The service that one-click unsubscribe links point to.")
    actions = unsubscribe.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = add_serve_parser(actions, f"Run the unsubscribe service. It reads {SECRET_VARIABLE} and "
                             f"{EXPORT_TOKEN_VARIABLE}.", store_help=STORE_HELP, store_metavar="PATH")
    serve.add_argument("--organisation", metavar="NAME",
                       help="whose emails these are, named on the service's pages (default: 'our emails')")
    serve.set_defaults(run=run_serve)
    forget = actions.add_parser(
        "forget", help="erase a person from the service's store (run it where the service runs)",
        description="Erase every unsubscribe event naming ADDRESS from the service's store. Their suppression "
        "entry in the project is kept, so they are still never mailed.")
    forget.add_argument("address", metavar="ADDRESS")
    add_store_option(forget, STORE_HELP, "PATH")
    forget.set_defaults(run=run_forget_in_store)


def run_serve(args: argparse.Namespace) -> int:
    app = start_service("unsubscribe serve", lambda: create_app(Path(args.store), organisation=args.organisation or ""))
    return serve_app(app, args, f"Unsubscribe service on http://{args.host}:{args.port}/ (store: {args.store})",
                     "unsubscribe serve")


def run_forget_in_store(args: argparse.Namespace) -> int:
    """`unsubscribe forget ADDRESS`: the service's own copy of a person, erased on request."""
    address = args.address.strip()
    if "@" not in address:
        fail_config(f"unsubscribe forget: expected an email address, found {address!r}")
    store_path = Path(args.store)
    if not store_path.is_file():
        fail_config(f"unsubscribe forget: expected the service's store at {args.store}, found no such file "
                    "(give its place with --store PATH)")
    try:
        events = EventStore(store_path)
        erased = events.forget(address)
        signed_up = 0
        if events.db.columns("subscribers"):  # the subscriptions service's store: their sign-up goes too
            from protectpress.unsubscribe.subscribers import SubscriberStore

            signed_up = SubscriberStore(events.db).forget(address)
    except store_errors() as error:
        fail_config(f"unsubscribe forget: the store {args.store} cannot be used ({error})")
    print(f"Erased {address} from {erased:,} unsubscribe event(s) in {args.store}."
          + (" Their sign-up and consent record went too." if signed_up else ""))
    return 0


def run_sync(args: argparse.Namespace) -> int:
    """`suppress --sync BASE_URL`: add every new unsubscribe from the service to the suppression list."""
    settings = settings_or_exit(args)
    token = os.environ.get(EXPORT_TOKEN_VARIABLE, "").strip()
    if not token:
        fail_config(f"suppress --sync: set {EXPORT_TOKEN_VARIABLE} to the export token the unsubscribe service "
                    "was started with; nothing was changed.")
    journal_dir, _, _ = sending_paths(settings)
    problems = Problems()
    suppression = suppression_list(settings, problems)
    if problems.errors:
        print(problems.report(), "Nothing was changed.", sep="\n", file=sys.stderr)
        return 1
    try:
        result = sync_unsubscribes(args.sync, token, suppression, journal_dir)
    except SyncError as error:
        print(f"protectpress: {error}", "Nothing more was changed; run the same command again later.",
              sep="\n", file=sys.stderr)
        return 1
    print(f"Added {result.new:,} new unsubscribe(s) to {suppression.shown_as} ({result.already:,} already there). "
          "They will not be mailed again.", flush=True)
    if result.unreadable:
        print(f"{result.unreadable:,} event(s) from the service had no usable address and were left out.",
              file=sys.stderr)
    return 0
