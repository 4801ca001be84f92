"""What the two services' commands share: one way to start a service (`unsubscribe serve`, `subscriptions
serve`): the options it listens with, the plain line when it cannot start, and running it under waitress; and
one way to open the service's store and erase a person from it (`unsubscribe forget`, `subscribers forget`,
`forget --store`); and what reading the service's export needs (`suppress --sync`, `subscribers pull`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .common import fail_config, settings_or_exit

if TYPE_CHECKING:  # the core and the service are imported when a command runs, not for its --help
    from protectpress.unsubscribe.store import EventStore

    from ..core.foundation.config import Settings
    from ..core.sending.suppression import SuppressionList

MAX_REQUEST_BODY = 64 * 1024  # waitress refuses anything bigger before the application sees it

App = TypeVar("App")


def add_serve_parser(actions: Any, description: str, *, store_help: str, store_metavar: str) -> argparse.ArgumentParser:
    """`serve`, with what every service listens with (`--port`, `--host`) and keeps its records in (`--store`);
    the command adds its own options to what this returns."""
    serve: argparse.ArgumentParser = actions.add_parser(
        "serve", help="run the service (put it behind HTTPS; see the README)", description=description)
    serve.add_argument("--port", type=int, required=True, metavar="N")
    serve.add_argument("--host", default="127.0.0.1", metavar="H",
                       help="address to listen on (default 127.0.0.1: put a reverse proxy with HTTPS in front)")
    add_store_option(serve, store_help, store_metavar)
    serve.add_argument("--threads", type=int, default=4, metavar="N", help=argparse.SUPPRESS)
    # How long a request may take to arrive whole (slowclients.REQUEST_DEADLINE unless given): for a test of the
    # cut, which need not wait the service's own 10 seconds.
    serve.add_argument("--request-deadline", type=float, default=None, metavar="SECONDS", help=argparse.SUPPRESS)
    return serve


def add_store_option(parser: argparse.ArgumentParser, store_help: str, store_metavar: str) -> None:
    from protectpress.unsubscribe import DEFAULT_STORE

    parser.add_argument("--store", default=DEFAULT_STORE, metavar=store_metavar, help=store_help)


def add_forget_parser(actions: Any, description: str, *, store_help: str, store_metavar: str) -> None:
    """`forget ADDRESS`: one person erased from the service's store, by either service's command."""
    forget = actions.add_parser("forget", help="erase a person from the service's store (run it where the service "
                                "runs)", description=description)
    forget.add_argument("address", metavar="ADDRESS")
    add_store_option(forget, store_help, store_metavar)
    forget.set_defaults(run=run_forget, store_metavar=store_metavar)


def run_forget(args: argparse.Namespace) -> int:
    """`unsubscribe forget` and `subscribers forget`: the service's own copy of a person, erased on request."""
    command = f"{args.command} forget"
    address = args.address.strip()
    if "@" not in address:
        fail_config(f"{command}: expected an email address, found {address!r}")
    print(erase_from_store(address, args.store, command, args.store_metavar))
    return 0


def erase_from_store(address: str, store: str, command: str, store_metavar: str = "STORE") -> str:
    """Erase one person from the service's store (`unsubscribe forget`, `subscribers forget`, `forget --store`):
    their unsubscribe events and, in the subscriptions service's store, their sign-up and consent record."""
    from protectpress.unsubscribe.database import store_errors
    from protectpress.unsubscribe.subscribers import SubscriberStore

    events = open_store(store, command, store_metavar)
    try:
        rows = SubscriberStore(events.db).forget(address) if events.db.columns("subscribers") else None
        erased = events.forget(address)
    except store_errors() as error:
        fail_config(f"{command}: the store {events.db.shown} cannot be used ({_reason(error)})")
    signed_up = "" if rows is None else f"{rows:,} subscriber record(s) (sign-up and consent) and "
    return f"Erased {address} from the store {events.db.shown}: {signed_up}{erased:,} unsubscribe event(s)."


def open_store(address: str, command: str, store_metavar: str = "STORE") -> EventStore:
    """The service's store at `address` (a SQLite file that exists, or a postgresql:// address), as its
    unsubscribe events (`.db` reaches its other tables); one plain line and exit status 2 when it cannot be
    opened."""
    from protectpress.unsubscribe.database import Database, store_errors
    from protectpress.unsubscribe.store import EventStore

    if "://" not in address and not Path(address).is_file():
        fail_config(f"{command}: expected the service's store at {address}, found no such file "
                    f"(give its place with --store {store_metavar})")
    try:
        return EventStore(Database(address))
    except store_errors() as error:
        fail_config(f"{command}: {error}")


@dataclass(frozen=True)
class ExportReader:
    """What reading from a service's export needs (`suppress --sync`, `subscribers pull`)."""

    settings: Settings
    token: str
    suppression: SuppressionList


def export_reader(args: argparse.Namespace, command: str, service: str, untouched: str) -> ExportReader | None:
    """The project's settings, the export token from the environment (none: one plain line and exit status 2)
    and the suppression list (unreadable: its problems printed, and None). `untouched` ends each message: what
    was not changed ("written", "changed")."""
    from protectpress.unsubscribe import EXPORT_TOKEN_VARIABLE

    from ..core.foundation.problems import Problems
    from ..core.sending.privacy import suppression_list

    settings = settings_or_exit(args)
    token = os.environ.get(EXPORT_TOKEN_VARIABLE, "").strip()
    if not token:
        fail_config(f"{command}: set {EXPORT_TOKEN_VARIABLE} to the export token the {service} service was started "
                    f"with; nothing was {untouched}.")
    problems = Problems()
    suppression = suppression_list(settings, problems)
    if problems.errors:
        print(problems.report(), f"Nothing was {untouched}.", sep="\n", file=sys.stderr)
        return None
    return ExportReader(settings, token, suppression)


def start_service(command: str, make: Callable[[], App]) -> App:
    """The service `make` puts together; a secret, setting or store that is missing or wrong is one plain line
    and exit status 2, and nothing is started."""
    from protectpress.unsubscribe.database import StoreError, store_errors

    from ..core.foundation.config import ConfigError
    from ..core.foundation.tokens import KeyringError

    try:
        return make()
    except KeyringError as error:
        fail_config(f"{command}: {error}. Nothing was started. Generate a secret or token with: "
                    "python -c \"import secrets; print(secrets.token_urlsafe(32))\"")
    except ConfigError as error:
        fail_config(f"{command}: {error}\nNothing was started.")
    except store_errors() as error:
        # A StoreError names the store (never its password); the database's own errors are worded by it.
        found = error if isinstance(error, StoreError) else f"the store cannot be used ({_reason(error)})"
        fail_config(f"{command}: {found}. Nothing was started.")


def serve_app(app: Any, args: argparse.Namespace, started: str, command: str) -> int:
    """Run a WSGI application under waitress until Ctrl-C: the one runner of both services. Each request's line
    of the access log (no personal data) goes to standard output."""
    from waitress.server import create_server  # only the services need the server

    from protectpress.unsubscribe.slowclients import ADJUSTMENTS, REQUEST_DEADLINE, guard

    proxy = getattr(args, "trusted_proxy", None)
    # Behind a reverse proxy every request comes from the proxy: trust its X-Forwarded-For (and only its), so the
    # per-client sign-up limit counts each reader, not the proxy.
    behind = {"trusted_proxy": proxy, "trusted_proxy_headers": {"x-forwarded-for"},
              "clear_untrusted_proxy_headers": True} if proxy else {}
    try:
        server = create_server(app, host=args.host, port=args.port, threads=max(1, args.threads),
                               max_request_body_size=MAX_REQUEST_BODY, ident="protectpress", **behind,
                               **ADJUSTMENTS)
        guard(server, args.request_deadline or REQUEST_DEADLINE)
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
