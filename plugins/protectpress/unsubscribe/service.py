"""The subscriptions service put together from a project's settings: `protectpress subscriptions serve`.

It runs where the project is (it reads mkdocs.yml for the organisation, the sectors, the privacy notice, the
sender and the email template), with the same secrets as the unsubscribe service, and one store.

Elsewhere (gunicorn, mod_wsgi, a container), point the host at `protectpress.unsubscribe.service:application`:
it reads the same secrets, PROTECTPRESS_CONFIG (the project's mkdocs.yml, default `mkdocs.yml` here),
PROTECTPRESS_UNSUBSCRIBE_STORE (a SQLite file or a postgresql:// address) and PROTECTPRESS_SMTP_URL (the relay,
with PROTECTPRESS_SMTP_PASSWORD; without it, confirmation emails are written to the outbox).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from ..core.foundation.config import ConfigError, load_settings
from ..core.foundation.dates import clock
from ..core.foundation.service_address import SIGNUP_PATH
from ..core.foundation.settings import Settings
from ..core.foundation.site_paths import SUBSCRIBE_PAGE
from ..core.sending.outbox import Outbox
from ..core.sending.relay import PASSWORD_VARIABLE, RelayAddress, SmtpRelay
from ..core.sending.transport import Transport
from ..core.subscriptions.form import site_form
from . import CONFIG_VARIABLE, DEFAULT_STORE, STORE_VARIABLE, service_keys
from .database import Database
from .mailer import Mailer, render_confirmation
from .page import colours_of
from .ratelimit import RateLimit
from .store import EventStore
from .subscribers import SubscriberStore
from .subscriptions import SubscriptionsApp
from .wsgi import OnFirstRequest


def create_subscriptions_app(settings: Settings, store: str, transport: Transport, environ: Mapping[str, str], *,
                             rate_limit: RateLimit | None = None) -> SubscriptionsApp:
    """The service, checked before it starts: KeyringError for a missing secret, ConfigError for settings or the
    email template, StoreError for a store that cannot be opened."""
    keyring, export_token = service_keys(environ)
    base = settings.plugin.sending.unsubscribe_url
    if not base:
        raise ConfigError(f"{settings.config_file.name}: plugins.protectpress.sending.unsubscribe_url: expected the "
                          "address where this service runs (the Subscribe page's form posts there, and every "
                          "link in its emails points there), found nothing")
    confirmation = render_confirmation(settings, clock())
    site = site_form(settings, SUBSCRIBE_PAGE)
    assert site is not None  # the address is set
    form = dataclasses.replace(site, action=SIGNUP_PATH)  # the service's own page posts to itself
    db = Database(store)
    return SubscriptionsApp(keyring, export_token, EventStore(db), SubscriberStore(db), form=form, public_base=base,
                            mailer=Mailer(confirmation, transport), rate_limit=rate_limit, site_url=settings.site_url,
                            language=settings.language, colours=colours_of(settings))


SMTP_VARIABLE = "PROTECTPRESS_SMTP_URL"


def from_environment(environ: Mapping[str, str]) -> SubscriptionsApp:
    """The service as a WSGI host runs it, configured from its environment (see the module's note)."""
    settings = load_settings(environ.get(CONFIG_VARIABLE) or None)
    transport: Transport
    if environ.get(SMTP_VARIABLE):
        transport = SmtpRelay(RelayAddress.parse(environ[SMTP_VARIABLE]), environ.get(PASSWORD_VARIABLE) or None,
                              timeout=settings.plugin.sending.smtp_timeout)
    else:
        outbox = settings.project_path(settings.plugin.sending.outbox_dir) / "confirmations"
        transport = Outbox(outbox, settings.relative(outbox))
    return create_subscriptions_app(settings, environ.get(STORE_VARIABLE) or DEFAULT_STORE, transport, environ)


# For WSGI hosts: configured on the first request (so importing needs no secret or project).
application = OnFirstRequest(lambda: from_environment(os.environ))
