"""`protectpress.unsubscribe`: the one-click unsubscribe service, a WSGI application any WSGI host can run.

`protectpress unsubscribe serve` runs it under waitress. Elsewhere (gunicorn, mod_wsgi, a container), point
the host at `protectpress.unsubscribe:application`: it reads PROTECTPRESS_UNSUBSCRIBE_SECRET (and, when
rotating, PROTECTPRESS_UNSUBSCRIBE_OLD_SECRETS), PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN, and keeps its events
in PROTECTPRESS_UNSUBSCRIBE_STORE (default `unsubscribes.sqlite` in the current folder). Its pages are in the
language of the project's mkdocs.yml (theme.language) when PROTECTPRESS_CONFIG names it, else British English.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..core.foundation.config import load_settings
from ..core.foundation.settings import DEFAULT_LANGUAGE, Settings
from ..core.foundation.tokens import Keyring, KeyringError
from ..core.newsletter.render import newsletter_organisation
from .app import UnsubscribeApp
from .page import colours_of
from .store import EventStore
from .wsgi import OnFirstRequest

EXPORT_TOKEN_VARIABLE = "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN"
STORE_VARIABLE = "PROTECTPRESS_UNSUBSCRIBE_STORE"
CONFIG_VARIABLE = "PROTECTPRESS_CONFIG"  # the project's mkdocs.yml, for the services' language and more
DEFAULT_STORE = "unsubscribes.sqlite"
MIN_EXPORT_TOKEN_LENGTH = 32

__all__ = ["CONFIG_VARIABLE", "DEFAULT_STORE", "EXPORT_TOKEN_VARIABLE", "UnsubscribeApp", "application", "create_app",
           "service_keys"]


def create_app(store: Path | None = None, environ: Mapping[str, str] | None = None,
               organisation: str | None = None, language: str | None = None,
               settings: Settings | None = None) -> UnsubscribeApp:
    """The service configured from the environment; KeyringError (expected, found) when it cannot start, and
    ConfigError when PROTECTPRESS_CONFIG names a mkdocs.yml that cannot be read. `language`: the pages'
    (default: the theme.language of `settings`, or of PROTECTPRESS_CONFIG's mkdocs.yml, else British English);
    the pages take that project's newsletter colours and, unless `organisation` is given, its organisation."""
    env = os.environ if environ is None else environ
    keyring, export_token = service_keys(env)
    path = store or Path(env.get(STORE_VARIABLE) or DEFAULT_STORE)
    if settings is None and env.get(CONFIG_VARIABLE):
        settings = load_settings(env[CONFIG_VARIABLE])
    if language is None:
        language = settings.language if settings else DEFAULT_LANGUAGE
    if organisation is None:
        organisation = newsletter_organisation(settings) if settings else ""
    colours = colours_of(settings) if settings else None
    return UnsubscribeApp(keyring, export_token, EventStore(path), organisation, language, colours)


def service_keys(env: Mapping[str, str]) -> tuple[Keyring, str]:
    """The signing keys and the export token from the environment; KeyringError when either is missing."""
    keyring = Keyring.from_environment(env)
    export_token = env.get(EXPORT_TOKEN_VARIABLE, "").strip()
    if len(export_token) < MIN_EXPORT_TOKEN_LENGTH:
        raise KeyringError(f"expected the export token in {EXPORT_TOKEN_VARIABLE} (at least "
                           f"{MIN_EXPORT_TOKEN_LENGTH} characters, the same one suppress --sync uses)",
                           f"{len(export_token)} characters" if export_token else "it not set")
    return keyring, export_token


# For WSGI hosts: configured from the environment on the first request (so importing needs no secret).
application = OnFirstRequest(create_app)
