"""The subscriptions service put together from a project's settings: `protectpress subscriptions serve`.

It runs where the project is (it reads mkdocs.yml for the organisation, the sectors, the privacy notice, the
sender and the email template), with the same secrets as the unsubscribe service, and one store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from ..core.config import ConfigError, Settings
from ..core.feeds.subscribe import SUBSCRIBE_PAGE
from ..core.sending.transport import Transport
from ..core.subscriptions.form import site_form
from ..core.unsubscribe.address import SIGNUP_PATH
from . import service_keys
from .database import Database
from .mailer import Mailer, render_confirmation
from .ratelimit import RateLimit
from .store import EventStore
from .subscribers import SubscriberStore
from .subscriptions import SubscriptionsApp


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
    confirmation = render_confirmation(settings, dt.datetime.now(dt.UTC))
    site = site_form(settings, SUBSCRIBE_PAGE)
    assert site is not None  # the address is set
    form = dataclasses.replace(site, action=SIGNUP_PATH)  # the service's own page posts to itself
    db = Database(store)
    return SubscriptionsApp(keyring, export_token, EventStore(db), SubscriberStore(db), form=form, public_base=base,
                            mailer=Mailer(confirmation, transport), rate_limit=rate_limit, site_url=settings.site_url)
