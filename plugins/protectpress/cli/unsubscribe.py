"""`protectpress unsubscribe serve` runs the one-click unsubscribe service; `suppress --sync` collects from it.

Exit 0: done; 1: the service could not be reached (for --sync); 2: a setting or secret is missing or wrong.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from protectpress.unsubscribe import DEFAULT_STORE

from .common import Subparsers, add_config_option, settings_or_exit
from .service import add_forget_parser, add_serve_parser, export_reader, serve_app, start_service

STORE_HELP = f"the SQLite file of unsubscribes (default: {DEFAULT_STORE} in the current folder)"


def register(subparsers: Subparsers) -> None:
    from protectpress.unsubscribe import EXPORT_TOKEN_VARIABLE

    from ..core.foundation.settings import DEFAULT_LANGUAGE
    from ..core.foundation.tokens import SECRET_VARIABLE

    unsubscribe = subparsers.add_parser("unsubscribe", help="run the one-click unsubscribe service",
                                        description="The service that one-click unsubscribe links point to.")
    actions = unsubscribe.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = add_serve_parser(actions, f"Run the unsubscribe service. It reads {SECRET_VARIABLE} and "
                             f"{EXPORT_TOKEN_VARIABLE}.", store_help=STORE_HELP, store_metavar="PATH")
    serve.add_argument("--organisation", metavar="NAME",
                       help="whose emails these are, named on the service's pages (default: the newsletter's "
                       "organisation in the mkdocs.yml given with -f, else 'our emails')")
    add_config_option(serve)
    serve.add_argument("--language", metavar="TAG",
                       help="the language of the service's pages, like cy or en-GB (default: theme.language of the "
                       f"mkdocs.yml given with -f, else {DEFAULT_LANGUAGE})")
    serve.set_defaults(run=run_serve)
    add_forget_parser(actions, "Erase every unsubscribe event naming ADDRESS from the service's store (and, in the "
                      "subscriptions service's store, their sign-up and consent record). Their suppression entry in "
                      "the project is kept, so they are still never mailed.", store_help=STORE_HELP,
                      store_metavar="PATH")


def run_serve(args: argparse.Namespace) -> int:
    from protectpress.unsubscribe import create_app

    from ..core.foundation.settings import DEFAULT_LANGUAGE

    settings = settings_or_exit(args) if args.config_file else None
    language = args.language or (settings.language if settings else DEFAULT_LANGUAGE)
    app = start_service("unsubscribe serve", lambda: create_app(Path(args.store), organisation=args.organisation,
                                                                language=language, settings=settings))
    return serve_app(app, args, f"Unsubscribe service on http://{args.host}:{args.port}/ (store: {args.store})",
                     "unsubscribe serve")


def run_sync(args: argparse.Namespace) -> int:
    """`suppress --sync BASE_URL`: add every new unsubscribe from the service to the suppression list."""
    from ..core.sending.privacy import sending_paths
    from ..core.subscriptions.sync import SyncError, sync_unsubscribes

    reader = export_reader(args, "suppress --sync", "unsubscribe", "changed")
    if reader is None:
        return 1
    journal_dir, _, _ = sending_paths(reader.settings)
    suppression = reader.suppression
    try:
        result = sync_unsubscribes(args.sync, reader.token, suppression, journal_dir)
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
