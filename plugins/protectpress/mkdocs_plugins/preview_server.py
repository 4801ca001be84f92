"""MkDocs' live-reload server as the preview uses it, under `protectpress serve` and a plain `mkdocs serve`
alike: while the content has problems every page is the problems page (core/site/preview_page.py), answered at once
and carrying the live-reload script, so the fixed page replaces it by itself; never a browser left waiting.

MkDocs' own server, when a rebuild fails, keeps the browser waiting ("The server will appear stuck until build
errors are resolved"). `protectpress serve` builds with its own builder, which never raises; under a plain
`mkdocs serve` the plugin's `on_serve` wraps MkDocs' builder (`keep_answering`) to the same effect.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from mkdocs.livereload import LiveReloadServer

from ..core.foundation.problems import Problem
from ..core.site.preview_page import STATUS, problems_page

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger("mkdocs.plugins.protectpress.preview")

Answer = Callable[["WSGIEnvironment", "StartResponse"], "Iterable[bytes] | None"]


def answer(server: LiveReloadServer, page: bytes | None, environ: WSGIEnvironment,
           start_response: StartResponse, otherwise: Answer) -> Iterable[bytes] | None:
    """The problems page for a page request while there are problems; a browser's own request for
    /favicon.ico (outside the site's folder, or before any page named its icon) answered with no content
    instead of a 404 line in the terminal on every page load; everything else as MkDocs answers it."""
    path = environ["PATH_INFO"]
    if path == "/favicon.ico" and not os.path.isfile(os.path.join(server.root, "favicon.ico")):
        start_response("204 No Content", [("Cache-Control", "max-age=3600")])
        return []
    if page is not None and not path.startswith("/livereload/") and _is_page(path):
        # MkDocs' private `_epoch_cond`, `_visible_epoch` and `_inject_js_into_html` put the live-reload script in
        # as MkDocs does for its own pages (tests/test_mkdocs_contract.py fails, naming them, if they change).
        with server._epoch_cond:
            epoch = server._visible_epoch
        content = server._inject_js_into_html(page, epoch)
        start_response(STATUS, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(content))),
                                ("Cache-Control", "no-store"), ("Retry-After", "2")])
        return [content]
    return otherwise(environ, start_response)


class _QuietRequests(logging.Filter):
    """MkDocs logs every answer but 200 as a warning: the problems page (its list is printed once, after the
    build) and the favicon's "no content" would fill the terminal with a line per page load."""

    def filter(self, record: logging.LogRecord) -> bool:
        # MkDocs' wording of a request line, `[12:00:00] "GET /x/ HTTP/1.1" code 503`, matched as a string
        # (tests/test_mkdocs_contract.py fails if it changes).
        message = record.getMessage()
        return not (message.endswith((f"code {STATUS.split()[0]}", "code 204")) and '] "GET /' in message)


_QUIET = _QuietRequests()


def quiet_request_log() -> None:
    logging.getLogger("mkdocs.livereload").addFilter(_QUIET)  # the same filter is added once, however often


def _is_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    return path.endswith("/") or last.endswith(".html") or "." not in last


class PreviewServer(LiveReloadServer):
    """`protectpress serve`'s server: `problems_page` is set by its builder after each build."""

    problems_page: bytes | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quiet_request_log()
        self.error_handler = self._not_found_page

    def _not_found_page(self, code: int) -> bytes | None:
        """A page that is not there answers with the site's own "Page not found" page (still a 404), as the
        published site and `mkdocs serve` do, not a bare "404 Not Found" line: an author following a link they
        mistyped sees what a reader would."""
        if code != 404:
            return None  # MkDocs' own answer
        try:
            with open(os.path.join(self.root, "404.html"), "rb") as page:
                return page.read()
        except OSError:
            return None

    # MkDocs' private `_serve_request`, which its `serve_request` calls for every request: overriding it keeps
    # MkDocs' error handling around ours (tests/test_mkdocs_contract.py fails, naming it, if it changes).
    def _serve_request(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes] | None:
        return answer(self, self.problems_page, environ, start_response, super()._serve_request)


def keep_answering(server: LiveReloadServer, problems: Callable[[], list[Problem]], language: str) -> None:
    """Under a plain `mkdocs serve`: a failed rebuild shows the problems page (the latest build's `problems`)
    and reloads the browser, where MkDocs would leave it waiting; a good one shows the site again."""
    state: dict[str, bytes | None] = {"page": None}
    build = server.builder
    serve_request = server._serve_request

    def builder() -> None:
        try:
            build()
        except Exception as error:  # any failure: the page says why, as MkDocs' terminal does
            found = problems()
            state["page"] = problems_page(found, str(error) or type(error).__name__, language)
            if not found:
                print(error, file=sys.stderr)
            log.warning("The preview shows the problems to fix.")
        else:
            state["page"] = None

    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes] | None:
        return answer(server, state["page"], environ, start_response, serve_request)

    quiet_request_log()
    server.builder = builder
    # An instance attribute: MkDocs' serve_request calls self._serve_request, a private method
    # (tests/test_mkdocs_contract.py fails, naming it, if MkDocs changes that).
    server._serve_request = serve  # type: ignore[method-assign]


