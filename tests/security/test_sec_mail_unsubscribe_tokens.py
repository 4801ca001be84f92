"""Issue 15, item 1: nobody can unsubscribe someone else. The old `?e={email_hash}` link was an unsalted
SHA-256 of the address, which anyone can compute; links are now signed per recipient, and the old setting is
refused. Also: a link scanner's GET records nothing, and the export token never follows a redirect.

The service is called through its WSGI interface in this process (the real application, with a real store);
tests/test_unsubscribe_service.py drives the same application over HTTP under waitress.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import threading
import time
from pathlib import Path
from typing import ClassVar
from wsgiref.util import setup_testing_defaults

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protectpress.core.foundation.tokens import Keyring
from protectpress.unsubscribe import create_app
from sending_relay import project, relay, run, sending_template  # noqa: F401

SECRET = "the-service-secret-" + "k" * 32
EXPORT_TOKEN = "the-export-token-" + "t" * 32
VICTIM = "victim@example.org"


@pytest.fixture
def app(tmp_path):
    environment = {"PROTECTPRESS_UNSUBSCRIBE_SECRET": SECRET, "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": EXPORT_TOKEN}
    return create_app(tmp_path / "unsubscribes.sqlite", environment)


def call(app, method: str, query: str, body: bytes = b"", path: str = "/unsubscribe/",
         **headers: str) -> tuple[str, bytes]:
    environ: dict = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                     "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
                     "wsgi.input": io.BytesIO(body), **headers}
    setup_testing_defaults(environ)
    answer: list[str] = []
    chunks = app(environ, lambda status, response_headers: answer.append(status))
    return answer[0], b"".join(chunks)


def exported(app) -> list[str]:
    status, body = call(app, "GET", "since=0", path="/unsubscribe/export", HTTP_AUTHORIZATION=f"Bearer {EXPORT_TOKEN}")
    assert status.startswith("200")
    return [event["address"] for event in json.loads(body)["events"]]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_reader_cannot_turn_their_own_link_into_one_for_someone_else(app):
    keyring = Keyring(SECRET)
    mine = keyring.sign("mallory@example.org", "2023-03-news")
    version, kid, _, signature = mine.split(".")
    victim_payload = _b64(json.dumps({"a": VICTIM, "n": "2023-03-news", "t": int(time.time())}).encode())
    forgeries = [
        ".".join([version, kid, victim_payload, signature]),  # their signature on the victim's payload
        Keyring("a-guessed-secret-" + "g" * 32).sign(VICTIM, "2023-03-news"),  # a secret of their own
        ".".join([version, kid, _b64(json.dumps({"a": VICTIM, "n": "2023-03-news", "t": 0}).encode()),
                  _b64(hashlib.sha256(VICTIM.encode()).digest())]),  # a bare hash as the signature
    ]
    for forged in forgeries:
        for method in ("POST", "GET"):
            status, _ = call(app, method, f"t={forged}", b"List-Unsubscribe=One-Click")
            assert status.startswith("400"), (forged, status)
    assert VICTIM not in exported(app)
    # The real link for the real reader still works: the refusals were about the forgery.
    assert call(app, "POST", f"t={mine}", b"List-Unsubscribe=One-Click")[0].startswith("200")
    assert exported(app) == ["mallory@example.org"]


def test_the_old_email_hash_link_unsubscribes_nobody(app):
    digest = hashlib.sha256(VICTIM.encode()).hexdigest()
    for query in (f"e={digest}&n=2023-03-news", f"t={digest}", f"e={digest}"):
        status, _ = call(app, "POST", query, b"List-Unsubscribe=One-Click")
        assert status.startswith("400")
    assert exported(app) == []


def test_a_link_scanner_following_the_link_unsubscribes_nobody(app):
    token = Keyring(SECRET).sign(VICTIM, "2023-03-news")
    for method in ("GET", "HEAD"):
        assert call(app, method, f"t={token}")[0].startswith("200")
    assert exported(app) == []


def test_the_export_gives_nothing_without_the_token(app):
    token = Keyring(SECRET).sign(VICTIM, "n")
    assert call(app, "POST", f"t={token}", b"List-Unsubscribe=One-Click")[0].startswith("200")
    wrong = ({}, {"HTTP_AUTHORIZATION": "Bearer "}, {"HTTP_AUTHORIZATION": f"Bearer {EXPORT_TOKEN[:-1]}"})
    for header in wrong:
        status, body = call(app, "GET", "since=0", path="/unsubscribe/export", **header)
        assert status.startswith("401") and VICTIM.encode() not in body


@pytest.mark.parametrize("setting", ["https://protectpress.example.org/unsubscribe?e={email_hash}",
                                     "https://protectpress.example.org/unsubscribe/{email}",
                                     "http://protectpress.example.org/unsubscribe/"])
def test_an_old_or_unsafe_unsubscribe_url_stops_check_and_send(project, relay, run, monkeypatch, setting):
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_SECRET", SECRET)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("      sending:\n",
                                                 f"      sending:\n        unsubscribe_url: {setting}\n", 1))
    code, _, err = run("send", "2023-03-security-and-policing", "--test", "editor@example.org", "--smtp", relay.url())
    assert code == 2 and "plugins.protectpress.sending.unsubscribe_url: expected" in err
    assert relay.handler.received == []
    code, _, err = run("check")  # mkdocs.yml is read before anything else: a settings problem ends the run
    assert code == 2 and "mkdocs.yml: plugins.protectpress.sending.unsubscribe_url: expected" in err
    assert f"found {setting!r}" in err
    if "{" in setting:  # says what to write instead
        assert "{email_hash}" in err and "signed token" in err and "https://example.org/unsubscribe/" in err


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str | None]] = []
    redirect_to: ClassVar[str] = ""

    def do_GET(self) -> None:
        if self.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.redirect_to)
        else:
            type(self).seen.append(self.headers.get("Authorization"))
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def _server(handler: type) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_sync_never_sends_the_export_token_on_to_a_redirect(project, run, monkeypatch):
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN", EXPORT_TOKEN)
    elsewhere = _server(type("Elsewhere", (_Recorder,), {"seen": [], "redirect_to": ""}))
    target = f"http://127.0.0.1:{elsewhere.server_address[1]}/steal"
    redirecting = _server(type("Redirecting", (_Recorder,), {"seen": [], "redirect_to": target}))
    try:
        code, _, err = run("suppress", "--sync", f"http://127.0.0.1:{redirecting.server_address[1]}/unsubscribe/")
    finally:
        redirecting.shutdown()
        elsewhere.shutdown()
    assert code == 1 and "redirect" in err and "Traceback" not in err
    assert elsewhere.RequestHandlerClass.seen == []  # type: ignore[attr-defined]
    assert not (Path(project) / "newsletters/suppressed.csv").exists()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"]),
       query=st.text(max_size=200), content_type=st.sampled_from(
           ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data",
            "text/plain", "", "multipart/form-data; boundary=\"\u00e9\""]),
       body=st.binary(max_size=600) | st.just(b"List-Unsubscribe=One-Click"),
       path=st.sampled_from(["/unsubscribe/", "/unsubscribe/export", "/", "/export/", "/x/y"]))
def test_no_request_makes_the_service_fail_or_record_anything(app, method, query, content_type, body, path):
    environ: dict = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "CONTENT_TYPE": content_type,
                     "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    setup_testing_defaults(environ)
    answer: list[str] = []
    chunks = app(environ, lambda status, headers: answer.append(status))
    b"".join(chunks)
    assert answer[0][:1] in ("2", "4"), answer  # never a 500
    assert app.store.count() == 0  # nobody is unsubscribed without a token we signed
