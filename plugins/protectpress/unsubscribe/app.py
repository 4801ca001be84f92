"""The unsubscribe service as a WSGI application (RFC 8058 one-click unsubscribe).

- `GET <base>?t=TOKEN` shows a page with a button; it never unsubscribes anyone, so mail scanners that
  follow links are harmless.
- `POST <base>?t=TOKEN` with the form field `List-Unsubscribe=One-Click` (what mail programs send, and what
  the page's button sends) records the unsubscribe and answers 200. Repeats are recorded once.
- A token that is tampered with, expired or signed with a key we do not hold gets 4xx; nothing is recorded.
- `GET <base>export?since=ID` with `Authorization: Bearer <export token>` lists the events after ID as JSON,
  for `protectpress suppress --sync`.

Each request writes one line to the access log (logger `protectpress.subscriptions.access`): the method, which
of the service's addresses it was (never the query, which carries a reader's token, nor the client's address),
the status, the size and the time taken.

Every answer says `Cache-Control: no-store` (tokens and addresses are personal) and `nosniff`; pages carry a
strict Content-Security-Policy and no referrer, so the token in the address is not sent anywhere else.
"""

from __future__ import annotations

import hmac
import json
import logging
import time
from collections.abc import Callable, Iterable
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from ..core.foundation.service_address import (
    EXPORT_PATH,
    ONE_CLICK_ANSWER,
    ONE_CLICK_FIELD,
    ONE_CLICK_POST,
    TOKEN_PARAMETER,
)
from ..core.foundation.settings import DEFAULT_LANGUAGE, NewsletterSettings
from ..core.foundation.tokens import Keyring, TokenRefused, UnsubscribeRequest
from .page import VIA_FIELD, VIA_PAGE, ServicePages, service_style
from .store import LINK_PAGE, ONE_CLICK, EventStore

MAX_BODY = 4096  # a one-click POST is 26 bytes; a multipart one a few hundred
EXPORT_BATCH = 500

StartResponse = Callable[..., Any]
Answer = tuple[HTTPStatus, list[tuple[str, str]], bytes]
access_log = logging.getLogger("protectpress.subscriptions.access")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
_COMMON_HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                   ("Referrer-Policy", "no-referrer")]


class UnsubscribeApp:
    """A WSGI callable. `export_token` is what `suppress --sync` must present to read the events."""

    routes: frozenset[str] = frozenset({EXPORT_PATH})  # the addresses beside the unsubscribe page, by last part

    def __init__(self, keyring: Keyring, export_token: str, store: EventStore, organisation: str = "",
                 language: str = DEFAULT_LANGUAGE, colours: NewsletterSettings | None = None) -> None:
        self.keyring = keyring
        self.export_token = export_token.encode("utf-8")
        self.store = store
        self.organisation = organisation  # named on every page; "" says "our emails"
        # In the site's language (mkdocs.yml's theme.language) and the newsletter's colours.
        self.pages = ServicePages(organisation, language, service_style(colours or NewsletterSettings()))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD", "GET").upper()
        status, headers, body = self._answer(method, environ)
        headers = [*headers, *_COMMON_HEADERS, ("Content-Length", str(len(body)))]
        start_response(f"{status.value} {status.phrase}", headers)
        access_log.info("%s %s %d %d %.0fms", method if method in _METHODS else "OTHER",
                        self.route(environ), status.value, len(body), (time.perf_counter() - started) * 1000)
        return [b"" if method == "HEAD" else body]

    def route(self, environ: dict[str, Any]) -> str:
        """Which of the service's addresses a request named, as the access log shows it (no personal data)."""
        last = (environ.get("PATH_INFO", "") or "/").rstrip("/").rpartition("/")[2]
        return last if last in self.routes else "unsubscribe"

    def html(self, status: HTTPStatus, body: bytes) -> Answer:
        """A page of the service's, with the headers that let nothing but its own stylesheet run or load."""
        return status, [("Content-Type", "text/html; charset=utf-8"),
                        ("Content-Security-Policy", self.pages.content_security_policy),
                        ("X-Frame-Options", "DENY")], body

    def _answer(self, method: str, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path.rstrip("/").rpartition("/")[2] == EXPORT_PATH:
            if method not in ("GET", "HEAD"):
                return self.not_allowed("GET, HEAD")
            return self._export(environ)
        if method in ("GET", "HEAD"):
            return self._question(environ)
        if method == "POST":
            return self._unsubscribe(environ)
        return self.not_allowed("GET, HEAD, POST")

    # -- the page and the one-click POST ------------------------------------------------------------------

    def _question(self, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        token = _token(environ)
        try:
            request = self.keyring.verify(token)
        except TokenRefused as refused:
            return self.refused(refused)
        return self.html(HTTPStatus.OK, self.pages.question(request.address, token))

    def _unsubscribe(self, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        body = _read_body(environ)
        if isinstance(body, HTTPStatus):
            return self.html(body, self.pages.problem(body.phrase, "This request could not be read."))
        if not _asks_one_click(environ.get("CONTENT_TYPE", ""), body):
            return self.html(HTTPStatus.BAD_REQUEST, self.pages.problem(
                "Nothing was changed", f"An unsubscribe request must send {ONE_CLICK_POST}."))
        try:
            request = self.keyring.verify(_token(environ))
        except TokenRefused as refused:
            return self.refused(refused)
        # Our page's button says so; a mail program's one-click POST sends RFC 8058's field alone.
        how = LINK_PAGE if _field(environ.get("CONTENT_TYPE", ""), body, VIA_FIELD) == VIA_PAGE else ONE_CLICK
        self.unsubscribed(request, how)  # a repeat changes nothing and is answered the same way
        return self.html(HTTPStatus.OK, self.pages.done(request.address))

    def unsubscribed(self, request: UnsubscribeRequest, how: str) -> None:
        """Record an unsubscribe (the subscriptions service also takes them off its list)."""
        self.store.record(request, how=how)

    def unauthorised(self, environ: dict[str, Any]) -> Answer | None:
        """401 unless the request carries the export token (the exports hold addresses); None when it does."""
        given = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, credential = given.partition(" ")
        # compare_digest on bytes: the time it takes says nothing about how much of the token was right.
        if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode("utf-8"), self.export_token):
            return (HTTPStatus.UNAUTHORIZED, [("WWW-Authenticate", 'Bearer realm="unsubscribe export"'),
                                              *_json_headers()], _json({"error": "a valid bearer token is needed"}))
        return None

    def refused(self, refused: TokenRefused, kind: str = "unsubscribe") -> Answer:
        """A link that cannot be used: 410 when it has expired, else 400."""
        return self.html(HTTPStatus.GONE if refused.expired else HTTPStatus.BAD_REQUEST,
                     self.pages.refused(refused.expired, kind))

    def not_allowed(self, allow: str) -> Answer:
        status, headers, body = self.html(HTTPStatus.METHOD_NOT_ALLOWED, self.pages.problem(
            "Not allowed", "Open the link from the email, or press the button on its page."))
        return status, [("Allow", allow), *headers], body

    # -- the export -----------------------------------------------------------------------------------------

    def _export(self, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        refusal = self.unauthorised(environ)
        if refusal is not None:
            return refusal
        since = parse_qs(environ.get("QUERY_STRING", "")).get("since", ["0"])
        if len(since) != 1 or not _is_whole_number(since[0]) or len(since[0]) > 18:
            return HTTPStatus.BAD_REQUEST, _json_headers(), _json({"error": "since must be a whole number"})
        events = self.store.since(int(since[0]), EXPORT_BATCH + 1)
        more = len(events) > EXPORT_BATCH
        events = events[:EXPORT_BATCH]
        last_id = events[-1]["id"] if events else int(since[0])
        return HTTPStatus.OK, _json_headers(), _json({"events": events, "last_id": last_id, "more": more})


def _token(environ: dict[str, Any]) -> str:
    values = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get(TOKEN_PARAMETER, [])
    return values[0] if len(values) == 1 else ""


def _is_whole_number(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '²' and other digits int() refuses (a 500 before)."""
    return text.isascii() and text.isdigit()


def _read_body(environ: dict[str, Any]) -> bytes | HTTPStatus:
    length = environ.get("CONTENT_LENGTH", "")
    if not _is_whole_number(length):
        return HTTPStatus.LENGTH_REQUIRED
    if int(length) > MAX_BODY:
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    return environ["wsgi.input"].read(int(length))


def _asks_one_click(content_type: str, body: bytes) -> bool:
    """RFC 8058: the body is `List-Unsubscribe=One-Click`, form-encoded or as multipart/form-data."""
    return _field(content_type, body, ONE_CLICK_FIELD) == ONE_CLICK_ANSWER


def _field(content_type: str, body: bytes, name: str) -> str | None:
    """One field of a posted form (form-encoded or multipart/form-data); None when absent, repeated or unreadable."""
    fields = form_fields(content_type, body)
    values = fields.get(name, []) if fields is not None else []
    return values[0].strip() if len(values) == 1 else None


def form_fields(content_type: str, body: bytes) -> dict[str, list[str]] | None:
    """A posted form's fields, each with its values; None when the body is not a form we can read."""
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        try:
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body)
            fields: dict[str, list[str]] = {}
            for part in message.iter_parts() if message.is_multipart() else ():
                name = part.get_param("name", header="content-disposition")
                fields.setdefault(str(name), []).append(str(part.get_content()))
        except (LookupError, ValueError, TypeError, UnicodeError, AttributeError):  # hostile: a refusal, not a 500
            return None
        return fields
    if kind not in ("", "application/x-www-form-urlencoded"):
        return None
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=100, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        return None


def token_of(environ: dict[str, Any]) -> str:
    """The reader's token from the address (`?t=`), or "" when there is not exactly one."""
    return _token(environ)


def read_body(environ: dict[str, Any]) -> bytes | HTTPStatus:
    return _read_body(environ)


def json_answer(status: HTTPStatus, data: dict[str, Any]) -> Answer:
    return status, _json_headers(), _json(data)


def _json_headers() -> list[tuple[str, str]]:
    return [("Content-Type", "application/json"),
            ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")]


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
