"""`protectpress unsubscribe serve` runs the one-click unsubscribe service; `suppress --sync` collects from it.

Exit 0: done; 1: the service could not be reached (for --sync); 2: a setting or secret is missing or wrong.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from protectpress.unsubscribe import DEFAULT_STORE, EXPORT_TOKEN_VARIABLE, create_app
from protectpress.unsubscribe.database import store_errors
from protectpress.unsubscribe.store import EventStore

from ..core.foundation.problems import Problems
from ..core.foundation.tokens import SECRET_VARIABLE, KeyringError
from ..core.sending.privacy import sending_paths, suppression_list
from ..core.subscriptions.sync import SyncError, sync_unsubscribes
from .common import Subparsers, fail_config, settings_or_exit

MAX_REQUEST_BODY = 64 * 1024  # waitress refuses anything bigger before the application sees it


def register(subparsers: Subparsers) -> None:
    unsubscribe = subparsers.add_parser("unsubscribe", help="run the one-click unsubscribe service",
                                        description="The service that one-click unsubscribe links point to.")
    actions = unsubscribe.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve", help="run the service (put it behind HTTPS; see the README)",
        description=f"Run the unsubscribe service. It reads {SECRET_VARIABLE} and {EXPORT_TOKEN_VARIABLE}.")
    serve.add_argument("--port", type=int, required=True, metavar="N")
    serve.add_argument("--host", default="127.0.0.1", metavar="H",
                       help="address to listen on (default 127.0.0.1: put a reverse proxy with HTTPS in front)")
    serve.add_argument("--store", default=DEFAULT_STORE, metavar="PATH",
                       help=f"the SQLite file of unsubscribes (default: {DEFAULT_STORE} in the current folder)")
    serve.add_argument("--organisation", metavar="NAME",
                       help="whose emails these are, named on the service's pages (default: 'our emails')")
    serve.add_argument("--threads", type=int, default=4, metavar="N", help=argparse.SUPPRESS)
    serve.set_defaults(run=run_serve)
    forget = actions.add_parser(
        "forget", help="erase a person from the service's store (run it where the service runs)",
        description="Erase every unsubscribe event naming ADDRESS from the service's store. Their suppression "
        "entry in the project is kept, so they are still never mailed.")
    forget.add_argument("address", metavar="ADDRESS")
    forget.add_argument("--store", default=DEFAULT_STORE, metavar="PATH",
                        help=f"the SQLite file of unsubscribes (default: {DEFAULT_STORE} in the current folder)")
    forget.set_defaults(run=run_forget_in_store)


def run_serve(args: argparse.Namespace) -> int:
    try:
        app = create_app(Path(args.store), organisation=args.organisation or "")
    except KeyringError as error:
        fail_config(f"unsubscribe serve: {error}. Nothing was started. Generate a secret or token with: "
                    "python -c \"import secrets; print(secrets.token_urlsafe(32))\"")
    except store_errors() as error:
        fail_config(f"unsubscribe serve: the store {args.store} cannot be used ({_reason(error)})")
    return serve_app(app, args, f"Unsubscribe service on http://{args.host}:{args.port}/ (store: {args.store})",
                     "unsubscribe serve")


def serve_app(app: Any, args: argparse.Namespace, started: str, command: str) -> int:
    """Run a WSGI application under waitress until Ctrl-C: the one runner of both services. Each request's line
    of the access log (no personal data) goes to standard output."""
    from waitress.server import create_server  # only the services need the server

    from protectpress.unsubscribe.slowclients import ADJUSTMENTS, guard

    proxy = getattr(args, "trusted_proxy", None)
    # Behind a reverse proxy every request comes from the proxy: trust its X-Forwarded-For (and only its), so the
    # per-client sign-up limit counts each reader, not the proxy.
    behind = {"trusted_proxy": proxy, "trusted_proxy_headers": {"x-forwarded-for"},
              "clear_untrusted_proxy_headers": True} if proxy else {}
    try:
        server = create_server(app, host=args.host, port=args.port, threads=max(1, args.threads),
                               max_request_body_size=MAX_REQUEST_BODY, ident="protectpress", **behind,
                               **ADJUSTMENTS)
        guard(server)
    except OSError as error:
        fail_config(f"{command}: cannot listen on {args.host}:{args.port} ({error.strerror or error}). "
                    "Is another program using that port?")
    access = logging.getLogger("protectpress.subscriptions")
    if not access.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
    print(f"{started}. Press Ctrl-C to stop.", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        server.close()
    return 0


def _reason(error: BaseException) -> str:
    return str(getattr(error, "strerror", None) or error)


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
