"""`protectpress subscriptions serve` runs the subscriptions service (sign-up, confirmation, preferences and
one-click unsubscribe); `protectpress subscribers pull | show | forget` work with the people it holds.

Exit 0: done; 1: the service could not be reached (pull) or the person is not in the store (show); 2: a
setting, secret or store is missing or wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from protectpress.unsubscribe import DEFAULT_STORE

from .common import Subparsers, add_config_option, fail_config, settings_or_exit
from .service import (
    add_forget_parser,
    add_serve_parser,
    add_store_option,
    export_reader,
    open_store,
    serve_app,
    start_service,
)

STORE_HELP = (f"the store: a SQLite file (default: {DEFAULT_STORE} in the current folder) or a "
              "postgresql://user@host/database address")


def register(subparsers: Subparsers) -> None:
    from protectpress.unsubscribe import EXPORT_TOKEN_VARIABLE

    from ..core.foundation.tokens import SECRET_VARIABLE

    service = subparsers.add_parser("subscriptions", help="run the subscriptions service (sign-up and unsubscribe)",
                                    description="The service behind the Subscribe page's email sign-up, the "
                                    "confirmation and preferences links, and one-click unsubscribe.")
    actions = service.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = add_serve_parser(actions, f"Run the subscriptions service for this project. It reads {SECRET_VARIABLE} "
                             f"and {EXPORT_TOKEN_VARIABLE}, and mkdocs.yml for the organisation, sectors, sender and "
                             "email template.", store_help=STORE_HELP, store_metavar="STORE")
    add_config_option(serve)
    serve.add_argument("--smtp", metavar="URL", help="relay for confirmation emails: smtp://[user@]host:port "
                       "(STARTTLS) or smtps://... (TLS); without it they are written under outbox/confirmations/")
    serve.add_argument("--ca-file", metavar="FILE", help="trust this certificate authority (a PEM file) for the relay")
    serve.add_argument("--signups-per-minute", type=int, default=10, metavar="N",
                       help="sign-ups each client (network address) may make in a minute (default 10)")
    serve.add_argument("--trusted-proxy", metavar="ADDRESS",
                       help="the reverse proxy's address (e.g. 127.0.0.1): its X-Forwarded-For names each client, "
                       "so the sign-up limit counts readers, not the proxy")
    serve.set_defaults(run=run_serve)

    people = subparsers.add_parser("subscribers", help="list, show or forget the people who signed up",
                                   description="Work with the subscribers the subscriptions service holds.")
    people_actions = people.add_subparsers(dest="action", metavar="ACTION", required=True)
    pull = people_actions.add_parser(
        "pull", help="write the confirmed subscribers as a recipients CSV for send --to",
        description=f"Write every confirmed subscriber (with their sectors) to a recipients CSV that send --to "
        f"reads. The export token comes from {EXPORT_TOKEN_VARIABLE}; suppressed addresses are left out.")
    add_config_option(pull)
    pull.add_argument("base", metavar="BASE_URL", help="the service's address (sending.unsubscribe_url)")
    pull.add_argument("--out", required=True, metavar="FILE", help="the CSV to write (personal data: 0600)")
    pull.set_defaults(run=run_pull)
    show = people_actions.add_parser(
        "show", help="print everything the store holds about one person (a subject access request)",
        description="Print everything the service's store holds about ADDRESS: run it where the service runs.")
    add_config_option(show)
    show.add_argument("address", metavar="ADDRESS")
    add_store_option(show, STORE_HELP, "STORE")
    show.set_defaults(run=run_show)
    add_forget_parser(people_actions, "Erase ADDRESS from the service's store: their sign-up, consent record and "
                      "unsubscribe events. The project's suppression list is kept, so they are still never mailed.",
                      store_help=STORE_HELP, store_metavar="STORE")


def run_serve(args: argparse.Namespace) -> int:
    from protectpress.unsubscribe.ratelimit import RateLimit
    from protectpress.unsubscribe.service import create_subscriptions_app

    from ..core.sending.outbox import Outbox
    from ..core.sending.transport import RelayError, Transport
    from .sending import relay_of  # the one reading of --smtp and --ca-file

    settings = settings_or_exit(args)
    transport: Transport
    try:
        relay = relay_of(args, settings)
    except RelayError as error:
        fail_config(error)
    if relay is None:
        outbox = settings.project_path(settings.plugin.sending.outbox_dir) / "confirmations"
        transport = Outbox(outbox, f"{settings.relative(outbox)}")
    else:
        transport = relay
    app = start_service("subscriptions serve", lambda: create_subscriptions_app(
        settings, args.store, transport, os.environ, rate_limit=RateLimit(max(1, args.signups_per_minute), 60.0)))
    emails = f"confirmation emails via {transport.description}"
    try:
        return serve_app(app, args, f"Subscriptions service on http://{args.host}:{args.port}/ (store: "
                         f"{app.subscribers.db.shown}; {emails})", "subscriptions serve")
    finally:
        app.mailer.close()
        app.subscribers.db.close()


def run_pull(args: argparse.Namespace) -> int:
    from ..core.subscriptions.pull import pull_subscribers
    from ..core.subscriptions.sync import SyncError

    reader = export_reader(args, "subscribers pull", "subscriptions", "written")
    if reader is None:
        return 1
    suppression = reader.suppression
    out = Path(args.out)
    try:
        result = pull_subscribers(args.base, reader.token, suppression, out)
    except SyncError as error:
        print(f"protectpress: {error}", "Nothing was written.", sep="\n", file=sys.stderr)
        return 1
    except OSError as error:
        fail_config(f"subscribers pull: {args.out}: {error.strerror or error}. Nothing was written.")
    print(f"Wrote {result.written:,} confirmed subscriber(s) to {args.out} (personal data: readable by you only). "
          f"Send to them with: protectpress send NEWSLETTER --to {args.out}", flush=True)
    if result.suppressed:
        print(f"{result.suppressed:,} confirmed subscriber(s) are on {suppression.shown_as} and were left out.")
    if result.unreadable:
        print(f"{result.unreadable:,} subscriber(s) from the service had no usable address and were left out.",
              file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ..core.foundation.email_addresses import valid_address
    from ..core.subscriptions.consent import WORDINGS, consent_statement

    address = valid_address(args.address)
    if address is None:
        fail_config(f"subscribers show: expected an email address like name@example.org, found {args.address!r}")
    from protectpress.unsubscribe.subscribers import SubscriberStore  # only the commands that open the store need it

    events = open_store(args.store, "subscribers show")
    subscribers = SubscriberStore(events.db)
    organisation = "the organisation"
    if args.config_file or Path("mkdocs.yml").is_file():
        from ..core.newsletter.render import newsletter_organisation

        organisation = newsletter_organisation(settings_or_exit(args))
    person, unsubscribes = subscribers.find(address), events.about(address)
    if person is None and not unsubscribes:
        print(f"The store {subscribers.db.shown} holds nothing about {address}.")
        return 1
    lines = [f"Everything the store {subscribers.db.shown} holds about {address}:"]
    if person is not None:
        lines += [f"  address as given: {person.address}", f"  status: {person.status}",
                  f"  sectors: {', '.join(person.sectors) or 'all (none chosen)'}",
                  f"  signed up: {person.signed_up_at or '-'}", f"  confirmed: {person.confirmed_at or '-'}",
                  f"  unsubscribed: {person.unsubscribed_at or '-'}",
                  f"  a sign-up waiting for confirmation: {'yes' if person.pending else 'no'}",
                  f"  last confirmation email: {person.emailed_at or '-'}",
                  f"  form on the page: {person.source_page or '-'}",
                  f"  consent wording version: {person.consent_version or '-'}"]
        if person.consent_version in WORDINGS:
            lines.append(f"  consent wording: {consent_statement(person.consent_version, organisation)}")
    for event in unsubscribes:
        lines.append(f"  unsubscribed from {event['newsletter']} at {event['at']} ({event['how'] or 'one-click'})")
    lines.append("No IP address or other data is kept about them.")
    print("\n".join(lines))
    return 0
