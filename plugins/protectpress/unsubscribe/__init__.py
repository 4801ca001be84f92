"""`protectpress.unsubscribe`: the one-click unsubscribe service, a WSGI application any WSGI host can run.

`protectpress unsubscribe serve` runs it under waitress. Elsewhere (gunicorn, mod_wsgi, a container), point
the host at `protectpress.unsubscribe:application`: it reads PROTECTPRESS_UNSUBSCRIBE_SECRET (and, when
rotating, PROTECTPRESS_UNSUBSCRIBE_OLD_SECRETS), PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN, and keeps its events
in PROTECTPRESS_UNSUBSCRIBE_STORE (default `unsubscribes.sqlite` in the current folder).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..core.foundation.tokens import Keyring, KeyringError
from .app import StartResponse, UnsubscribeApp
from .store import EventStore

EXPORT_TOKEN_VARIABLE = "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN"
STORE_VARIABLE = "PROTECTPRESS_UNSUBSCRIBE_STORE"
DEFAULT_STORE = "unsubscribes.sqlite"
MIN_EXPORT_TOKEN_LENGTH = 32

__all__ = ["DEFAULT_STORE", "EXPORT_TOKEN_VARIABLE", "UnsubscribeApp", "application", "create_app", "service_keys"]


def create_app(store: Path | None = None, environ: Mapping[str, str] | None = None,
               organisation: str = "") -> UnsubscribeApp:
    """The service configured from the environment; KeyringError (expected, found) when it cannot start."""
    env = os.environ if environ is None else environ
    keyring, export_token = service_keys(env)
    path = store or Path(env.get(STORE_VARIABLE) or DEFAULT_STORE)
    return UnsubscribeApp(keyring, export_token, EventStore(path), organisation)


def service_keys(env: Mapping[str, str]) -> tuple[Keyring, str]:
    """The signing keys and the export token from the environment; KeyringError when either is missing."""
    keyring = Keyring.from_environment(env)
    export_token = env.get(EXPORT_TOKEN_VARIABLE, "").strip()
    if len(export_token) < MIN_EXPORT_TOKEN_LENGTH:
        raise KeyringError(f"expected the export token in {EXPORT_TOKEN_VARIABLE} (at least "
                           f"{MIN_EXPORT_TOKEN_LENGTH} characters, the same one suppress --sync uses)",
                           f"{len(export_token)} characters" if export_token else "it not set")
    return keyring, export_token


_configured: UnsubscribeApp | None = None
_configuring = threading.Lock()


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """For WSGI hosts: configured from the environment on the first request (so importing needs no secret)."""
    global _configured
    with _configuring:
        if _configured is None:
            _configured = create_app()
    return _configured(environ, start_response)
