"""The unsubscribe service as a WSGI application (RFC 8058 one-click unsubscribe).

- `GET <base>?t=TOKEN` shows a page with a button; it never unsubscribes anyone, so mail scanners that
  follow links are harmless.
- `POST <base>?t=TOKEN` with the form field `List-Unsubscribe=One-Click` (what mail programs send, and what
  the page's button sends) records the unsubscribe and answers 200. Repeats are recorded once.
- A token that is tampered with, expired or signed with a key we do not hold gets 4xx; nothing is recorded.
- `GET <base>export?since=ID` with `Authorization: Bearer <export token>` lists the events after ID as JSON,
  for `protectpress suppress --sync`.

Every answer says `Cache-Control: no-store` (tokens and addresses are personal) and `nosniff`; pages carry a
strict Content-Security-Policy and no referrer, so the token in the address is not sent anywhere else.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterable
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from ..core.unsubscribe.address import EXPORT_PATH, TOKEN_PARAMETER
from ..core.unsubscribe.tokens import Keyring, TokenRefused
from .page import (
    CONTENT_SECURITY_POLICY,
    ONE_CLICK_FIELD,
    ONE_CLICK_VALUE,
    done_page,
    problem_page,
    question_page,
    refused_page,
)
from .store import EventStore

MAX_BODY = 4096  # a one-click POST is 26 bytes; a multipart one a few hundred
EXPORT_BATCH = 500

StartResponse = Callable[..., Any]
_COMMON_HEADERS = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff"),
                   ("Referrer-Policy", "no-referrer")]


class UnsubscribeApp:
    """A WSGI callable. `export_token` is what `suppress --sync` must present to read the events."""

    def __init__(self, keyring: Keyring, export_token: str, store: EventStore) -> None:
        self.keyring = keyring
        self.export_token = export_token.encode("utf-8")
        self.store = store

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        status, headers, body = self._answer(method, environ)
        headers = [*headers, *_COMMON_HEADERS, ("Content-Length", str(len(body)))]
        start_response(f"{status.value} {status.phrase}", headers)
        return [b"" if method == "HEAD" else body]

    def _answer(self, method: str, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path.rstrip("/").rpartition("/")[2] == EXPORT_PATH:
            if method not in ("GET", "HEAD"):
                return _not_allowed("GET, HEAD")
            return self._export(environ)
        if method in ("GET", "HEAD"):
            return self._question(environ)
        if method == "POST":
            return self._unsubscribe(environ)
        return _not_allowed("GET, HEAD, POST")

    # -- the page and the one-click POST ------------------------------------------------------------------

    def _question(self, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        token = _token(environ)
        try:
            request = self.keyring.verify(token)
        except TokenRefused as refused:
            return _refused(refused)
        return _html(HTTPStatus.OK, question_page(request.address, token))

    def _unsubscribe(self, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        body = _read_body(environ)
        if isinstance(body, HTTPStatus):
            return _html(body, problem_page(body.phrase, "This request could not be read."))
        if not _asks_one_click(environ.get("CONTENT_TYPE", ""), body):
            return _html(HTTPStatus.BAD_REQUEST, problem_page(
                "Nothing was changed", f"An unsubscribe request must send {ONE_CLICK_FIELD}={ONE_CLICK_VALUE}."))
        try:
            request = self.keyring.verify(_token(environ))
        except TokenRefused as refused:
            return _refused(refused)
        self.store.record(request)  # a repeat changes nothing and is answered the same way
        return _html(HTTPStatus.OK, done_page(request.address))

    # -- the export -----------------------------------------------------------------------------------------

    def _export(self, environ: dict[str, Any]) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
        given = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, credential = given.partition(" ")
        # compare_digest on bytes: the time it takes says nothing about how much of the token was right.
        if scheme.lower() != "bearer" or not hmac.compare_digest(credential.strip().encode("utf-8"), self.export_token):
            return (HTTPStatus.UNAUTHORIZED, [("WWW-Authenticate", 'Bearer realm="unsubscribe export"'),
                                              *_json_headers()], _json({"error": "a valid bearer token is needed"}))
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
    kind = content_type.split(";")[0].strip().lower()
    if kind == "multipart/form-data":
        try:
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode("latin-1") + body)
            fields = {part.get_param("name", header="content-disposition"): part.get_content()
                      for part in message.iter_parts()} if message.is_multipart() else {}
        except (LookupError, ValueError, TypeError, UnicodeError):  # a hostile body is a refusal, not a 500
            return False
        return str(fields.get(ONE_CLICK_FIELD, "")).strip() == ONE_CLICK_VALUE
    if kind not in ("", "application/x-www-form-urlencoded"):
        return False
    try:
        fields = parse_qs(body.decode("ascii"), keep_blank_values=True)
    except UnicodeDecodeError:
        return False
    return fields.get(ONE_CLICK_FIELD) == [ONE_CLICK_VALUE]


def _refused(refused: TokenRefused) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
    return _html(HTTPStatus.GONE if refused.expired else HTTPStatus.BAD_REQUEST, refused_page(refused.expired))


def _not_allowed(allow: str) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
    status, headers, body = _html(HTTPStatus.METHOD_NOT_ALLOWED, problem_page(
        "Not allowed", "Open the link from the email, or press the button on its page."))
    return status, [("Allow", allow), *headers], body


def _html(status: HTTPStatus, body: bytes) -> tuple[HTTPStatus, list[tuple[str, str]], bytes]:
    return status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                    ("X-Frame-Options", "DENY")], body


def _json_headers() -> list[tuple[str, str]]:
    return [("Content-Type", "application/json"),
            ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")]


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
