"""The one way a WSGI host (gunicorn, mod_wsgi, a container) runs a service: `application` objects made here.

The service is put together on the first request, not on import, so importing the module needs no secret or
project; one thread puts it together while any others wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar

from .app import StartResponse


class WsgiApp(Protocol):
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]: ...


App = TypeVar("App", bound=WsgiApp)


class OnFirstRequest(Generic[App]):
    """A WSGI application that is the service `make` returns, made on the first request."""

    def __init__(self, make: Callable[[], App]) -> None:
        self.make = make
        self.app: App | None = None
        self._making = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        with self._making:
            if self.app is None:
                self.app = self.make()
        return self.app(environ, start_response)
