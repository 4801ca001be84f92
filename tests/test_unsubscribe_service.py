"""The one-click unsubscribe service end to end: the real `protectpress unsubscribe serve` on a free loopback
port, a real aiosmtpd relay, urllib as the mail program and the reader's browser, and `suppress --sync`.

One service runs for the whole module (its store is its own temporary file); each test uses its own project.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import sqlite3
import stat
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path

import pytest

from protectpress.core.foundation.tokens import TOKEN_LIFETIME, Keyring
from sending_relay import free_port, project, relay, run, sending_template, write_recipients  # noqa: F401
from support import PROTECTPRESS, run_protectpress, running

SLUG = "2023-03-security-and-policing"
NEXT = "2023-04-next-steps"
SECRET = "service-secret-" + "s" * 32
EXPORT_TOKEN = "export-token-" + "e" * 32


@dataclass
class Service:
    base: str
    store: Path
    process: subprocess.Popen


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[Service]:
    with unsubscribe_service(tmp_path_factory) as served:
        yield served


@contextlib.contextmanager
def unsubscribe_service(tmp_path_factory: pytest.TempPathFactory, *options: str) -> Iterator[Service]:
    """The real `protectpress unsubscribe serve`, given `options`, with a store of its own."""
    folder = tmp_path_factory.mktemp("unsubscribe-service")
    port = free_port()
    env = {"PROTECTPRESS_UNSUBSCRIBE_SECRET": SECRET, "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": EXPORT_TOKEN}
    with running([*PROTECTPRESS, "unsubscribe", "serve", "--port", str(port), *options], cwd=folder, port=port,
                 env=env, log=folder.parent / f"{folder.name}.log") as served:
        yield Service(base=f"http://127.0.0.1:{port}/unsubscribe/", store=folder / "unsubscribes.sqlite",
                      process=served.process)


def http(url: str, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if body is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


ONE_CLICK = b"List-Unsubscribe=One-Click"


def recorded(service: Service) -> list[tuple[str, str]]:
    with sqlite3.connect(service.store) as db:
        return db.execute("SELECT address, newsletter FROM unsubscribes ORDER BY id").fetchall()


@pytest.fixture
def unsubscribing_project(project, service, monkeypatch) -> Path:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "      sending:\n", f"      sending:\n        unsubscribe_url: {service.base}\n", 1))
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_SECRET", SECRET)
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN", EXPORT_TOKEN)
    return project


def one_click_url(received) -> str:
    header = str(received.message["List-Unsubscribe"])
    return re.search(r"<(http://[^>]+)>", header).group(1)


def sync(run, service) -> tuple[int, int]:
    code, out, err = run("suppress", "--sync", service.base)
    assert code == 0, out + err
    new, already = re.search(r"Added (\d+) new unsubscribe\(s\) to .* \((\d+) already there\)", out).groups()
    return int(new), int(already)


def test_unsubscribe_from_a_received_message_then_the_next_newsletter_skips_them(
        unsubscribing_project, service, relay, run):
    folder = unsubscribing_project
    write_recipients(folder / "recipients.csv", ["alice@example.com,Alice,,", "bob@example.com,Bob,,"])
    code, out, err = run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate",
                         "0", "--yes")
    assert code == 0, out + err
    by_address = {r.recipients[0]: r for r in relay.handler.received}
    alice, bob = by_address["alice@example.com"], by_address["bob@example.com"]
    url = one_click_url(alice)
    assert url.startswith(service.base + "?t=u1.")
    assert alice.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(alice.message["List-Unsubscribe"]).startswith("<mailto:")
    assert alice.message["List-Id"] == "<newsletter.protectpress.example.org>"
    # The link in the body is the same address: opened by a GET, it only shows a page.
    assert url in alice.message.get_body(("plain",)).get_content()

    # A link scanner (GET, HEAD) changes nothing.
    status, _, page = http(url)
    assert status == 200 and b'method="post"' in page and b"alice@example.com" in page
    assert http(url, "HEAD")[0] == 200
    # Tampered tokens change nothing: one character of the signature, or Alice's name on Bob's signature.
    broken = url[:-1] + ("A" if url[-1] != "A" else "B")
    bob_token = one_click_url(bob).split("t=")[1]
    alice_token = url.split("t=")[1]
    swapped = service.base + "?t=" + ".".join(alice_token.split(".")[:3] + bob_token.split(".")[3:])
    for forged in (broken, swapped, service.base + "?t=", service.base):
        assert http(forged, "POST", ONE_CLICK)[0] == 400
    assert sync(run, service) == (0, 0)
    assert [a for a, _ in recorded(service)].count("alice@example.com") == 0

    # The one-click POST, as Gmail sends it; then a replay.
    assert http(url, "POST", ONE_CLICK)[0] == 200
    assert http(url, "POST", ONE_CLICK)[0] == 200
    assert recorded(service).count(("alice@example.com", SLUG)) == 1  # the replay changed nothing
    assert sync(run, service) == (1, 0)
    assert sync(run, service) == (0, 0)  # only new events: safe to repeat
    rows = list(csv.DictReader((folder / "newsletters/suppressed.csv").open(encoding="utf-8")))
    assert [row["email"] for row in rows] == ["alice@example.com"]
    # Alice's mail program posted (RFC 8058), so the reason says so, not "the link in the email".
    assert re.fullmatch(rf"unsubscribed from {SLUG} with one click in their mail program, "
                        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[0]["reason"])
    state = folder / "newsletters/.sends/unsubscribe-sync.json"
    assert json.loads(state.read_text())[service.base] >= 1
    assert stat.S_IMODE(state.stat().st_mode) == 0o600

    # The next newsletter: Alice is skipped, Bob gets it.
    source = (folder / "newsletters" / f"{SLUG}.md").read_text(encoding="utf-8")
    (folder / "newsletters" / f"{NEXT}.md").write_text(
        source.replace('subject: "Security', 'subject: "Next steps after Security', 1),
        encoding="utf-8")
    relay.handler.received.clear()
    code, out, err = run("send", "--skip-live-check", NEXT, "--to", "recipients.csv", "--smtp", relay.url(), "--rate",
                         "0", "--yes")
    assert code == 0, out + err
    assert [r.recipients for r in relay.handler.received] == [["bob@example.com"]]
    assert re.search(r"\bsuppressed\D{0,3}1\b|\b1 suppressed", out + err), out + err


class _PageShape(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.style += data

    def handle_endtag(self, tag):
        self._in_style = False


def test_the_page_is_accessible_html_with_a_strict_policy_and_no_caching(service):
    import base64
    import hashlib

    token = Keyring(SECRET).sign("reader@example.org", SLUG)
    status, headers, body = http(service.base + "?t=" + token)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "form-action 'self'" in policy and "script" not in policy
    shape = _PageShape()
    shape.feed(body.decode("utf-8"))
    tags = dict(shape.tags)
    assert tags["html"]["lang"] == "en-GB"
    assert "script" not in tags
    digest = base64.b64encode(hashlib.sha256(shape.style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy  # the one inline style is the one the policy allows
    assert tags["form"]["method"] == "post" and tags["form"]["action"] == "?t=" + token
    inputs = [attrs for tag, attrs in shape.tags if tag == "input"]
    # RFC 8058's field, and `via=page` so the record tells the button from a mail program's one-click POST.
    assert inputs == [{"type": "hidden", "name": "List-Unsubscribe", "value": "One-Click"},
                      {"type": "hidden", "name": "via", "value": "page"}]
    assert re.search(rb"<button type=\"submit\"[^>]*>Unsubscribe reader@example.org</button>", body)
    assert ("reader@example.org", SLUG) not in recorded(service)  # showing the page recorded nothing
    # HEAD: the same headers, no body.
    status, head_headers, head_body = http(service.base + "?t=" + token, "HEAD")
    assert (status, head_body, head_headers["Content-Length"]) == (200, b"", str(len(body)))
    # The page's own button, as a browser sends it (multipart works too, as RFC 8058 allows).
    boundary = "pp"
    multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n"
                 f"--{boundary}--\r\n").encode()
    status, _, done = http(service.base + "?t=" + token, "POST", multipart,
                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 200 and b"You are unsubscribed" in done
    assert recorded(service).count(("reader@example.org", SLUG)) == 1


def test_wrong_requests_get_the_right_4xx_and_record_nothing(service):
    before = recorded(service)
    keyring = Keyring(SECRET)
    good = service.base + "?t=" + keyring.sign("someone@example.org", SLUG)
    old = keyring.sign("someone@example.org", SLUG, now=time.time() - TOKEN_LIFETIME.total_seconds() - 86400)
    foreign = Keyring("another-secret-" + "x" * 32).sign("someone@example.org", SLUG)
    assert http(service.base + "?t=" + old)[0] == 410
    assert http(service.base + "?t=" + old, "POST", ONE_CLICK)[0] == 410
    assert http(service.base + "?t=" + foreign, "POST", ONE_CLICK)[0] == 400
    assert http(good, "POST", b"List-Unsubscribe=Yes")[0] == 400  # not RFC 8058's body
    assert http(good, "POST", ONE_CLICK, {"Content-Type": "application/json"})[0] == 400
    assert http(good, "POST", b"x" * 10_000)[0] == 413
    status, headers, _ = http(good, "PUT", ONE_CLICK)
    assert status == 405 and headers["Allow"] == "GET, HEAD, POST"
    assert recorded(service) == before


def test_the_export_needs_the_bearer_token_and_pages_with_since(service):
    keyring = Keyring(SECRET)
    for i in range(3):
        assert http(service.base + "?t=" + keyring.sign(f"export{i}@example.org", "e"), "POST", ONE_CLICK)[0] == 200
    export = service.base + "export"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {EXPORT_TOKEN}"},
                    {"Authorization": f"Bearer {EXPORT_TOKEN}x"}):
        status, answer_headers, body = http(export, headers=headers)
        assert status == 401 and answer_headers["WWW-Authenticate"].startswith("Bearer")
        assert b"example.org" not in body
    auth = {"Authorization": f"Bearer {EXPORT_TOKEN}"}
    status, headers, body = http(export + "?since=0", headers=auth)
    assert status == 200 and headers["Content-Type"] == "application/json" and headers["Cache-Control"] == "no-store"
    everything = json.loads(body)
    ids = [event["id"] for event in everything["events"]]
    assert ids == sorted(ids) and everything["last_id"] == ids[-1]
    mine = [e for e in everything["events"] if e["address"].startswith("export")]
    assert [e["address"] for e in mine] == ["export0@example.org", "export1@example.org", "export2@example.org"]
    assert set(mine[0]) == {"id", "at", "address", "newsletter", "key_id", "how"}
    assert mine[0]["how"] == "one-click"
    later = json.loads(http(export + f"?since={mine[0]['id']}", headers=auth)[2])
    assert [e["address"] for e in later["events"] if e["address"].startswith("export")] == [
        "export1@example.org", "export2@example.org"]
    assert http(export + "?since=abc", headers=auth)[0] == 400


def test_the_store_is_private_and_in_wal_mode(service):
    assert stat.S_IMODE(service.store.stat().st_mode) == 0o600
    with sqlite3.connect(service.store) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_serve_refuses_to_start_without_its_secret_or_export_token(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PROTECTPRESS_UNSUBSCRIBE")}
    for extra, named in (({}, "PROTECTPRESS_UNSUBSCRIBE_SECRET"),
                         ({"PROTECTPRESS_UNSUBSCRIBE_SECRET": SECRET}, "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN"),
                         ({"PROTECTPRESS_UNSUBSCRIBE_SECRET": "short",
                           "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": EXPORT_TOKEN}, "at least 32 characters")):
        result = subprocess.run([*PROTECTPRESS, "unsubscribe", "serve", "--port", str(free_port())], cwd=tmp_path,
                                env={**clean, **extra}, capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result
        assert named in result.stderr and "Nothing was started" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "unsubscribes.sqlite").exists()


def test_sync_failures_are_plain_messages(unsubscribing_project, run, monkeypatch):
    closed = f"http://127.0.0.1:{free_port()}/unsubscribe/"
    code, _, err = run("suppress", "--sync", closed)
    assert code == 1 and "could not reach the unsubscribe service" in err and "Traceback" not in err
    code, _, err = run("suppress", "--sync", "http://partners.example.org/unsubscribe/")
    assert code == 1 and "must start with https://" in err
    monkeypatch.delenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN")
    code, _, err = run("suppress", "--sync", closed)
    assert code == 2 and "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN" in err
    assert not (unsubscribing_project / "newsletters/suppressed.csv").exists()


def test_sync_with_the_wrong_token_says_so(unsubscribing_project, service, run, monkeypatch):
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN", "not-the-token-" + "n" * 32)
    code, _, err = run("suppress", "--sync", service.base)
    assert code == 1 and "refused the export token (401)" in err


def test_send_refuses_one_click_links_without_the_secret(unsubscribing_project, relay, run, monkeypatch):
    monkeypatch.delenv("PROTECTPRESS_UNSUBSCRIBE_SECRET")
    code, out, err = run("send", SLUG, "--test", "editor@example.org", "--smtp", relay.url())
    assert code == 2
    assert ("mkdocs.yml: plugins.protectpress.sending.unsubscribe_url: expected the signing secret in "
            "PROTECTPRESS_UNSUBSCRIBE_SECRET") in err
    assert "export PROTECTPRESS_UNSUBSCRIBE_SECRET=" in err and "Nothing was sent." in err
    assert relay.handler.received == []
    # An export carries no one-click link, so it needs no secret.
    code, out, err = run("export", SLUG, "--out", str(unsubscribing_project / "exported"))
    assert code == 0, out + err


def test_a_real_subprocess_sync_prints_the_count(unsubscribing_project, service):
    result = run_protectpress("suppress", "--sync", service.base, cwd=unsubscribing_project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"Added \d+ new unsubscribe\(s\) to newsletters/suppressed\.csv", result.stdout)


def test_any_wsgi_host_can_serve_the_module_level_application(tmp_path, monkeypatch):
    import io
    from wsgiref.util import setup_testing_defaults

    import protectpress.unsubscribe as service_module

    store = tmp_path / "hosted" / "unsubscribes.sqlite"
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_SECRET", SECRET)
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN", EXPORT_TOKEN)
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_STORE", str(store))
    monkeypatch.setattr(service_module.application, "app", None)
    environ = {"REQUEST_METHOD": "POST", "QUERY_STRING": "t=" + Keyring(SECRET).sign("hosted@example.org", SLUG),
               "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(ONE_CLICK)),
               "wsgi.input": io.BytesIO(ONE_CLICK)}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    b"".join(service_module.application(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert stat.S_IMODE(store.stat().st_mode) == 0o600 and stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT address FROM unsubscribes").fetchall() == [("hosted@example.org",)]


def test_the_pages_button_and_a_mail_programs_one_click_post_record_different_reasons(unsubscribing_project,
                                                                                       service, run):
    keyring = Keyring(SECRET)
    by_button = service.base + "?t=" + keyring.sign("button@example.org", SLUG)
    by_program = service.base + "?t=" + keyring.sign("program@example.org", SLUG)
    status, _, page = http(by_button)
    assert status == 200 and b'name="via" value="page"' in page
    assert http(by_button, "POST", b"List-Unsubscribe=One-Click&via=page")[0] == 200  # what the page's form sends
    assert http(by_program, "POST", ONE_CLICK)[0] == 200  # RFC 8058's body alone
    sync(run, service)
    reasons = {row["email"]: row["reason"] for row in
               csv.DictReader((unsubscribing_project / "newsletters/suppressed.csv").open(encoding="utf-8"))}
    assert reasons["button@example.org"].startswith(f"unsubscribed from {SLUG} with the link in the email, ")
    assert reasons["program@example.org"].startswith(f"unsubscribed from {SLUG} with one click in their mail program, ")


def test_the_pages_name_the_organisation_when_told_it(tmp_path):
    port = free_port()
    env = {"PROTECTPRESS_UNSUBSCRIBE_SECRET": SECRET, "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": EXPORT_TOKEN}
    with running([*PROTECTPRESS, "unsubscribe", "serve", "--port", str(port), "--organisation",
                  "Protect <b>& Prepare"], cwd=tmp_path, port=port, env=env, log=tmp_path / "service.log"):
        link = f"http://127.0.0.1:{port}/unsubscribe/?t=" + Keyring(SECRET).sign("named@example.org", SLUG)
        _, _, page = http(link)
        assert b"<title>Unsubscribe from emails from Protect &lt;b&gt;&amp; Prepare</title>" in page
        assert b"the newsletter of Protect &lt;b&gt;&amp; Prepare at" in page and b"our newsletters" not in page
        _, _, done = http(link, "POST", ONE_CLICK)
        assert b"We will not send the newsletter of Protect &lt;b&gt;&amp; Prepare to" in done


def test_a_store_made_before_how_was_recorded_gains_the_column_and_keeps_its_events(tmp_path):
    from protectpress.core.foundation.tokens import UnsubscribeRequest
    from protectpress.unsubscribe.store import EventStore

    store = tmp_path / "unsubscribes.sqlite"
    with sqlite3.connect(store) as db:  # the table as the service made it until now
        db.execute("CREATE TABLE unsubscribes (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, address TEXT "
                   "NOT NULL, address_key TEXT NOT NULL, newsletter TEXT NOT NULL, key_id TEXT NOT NULL, "
                   "UNIQUE (address_key, newsletter))")
        db.execute("INSERT INTO unsubscribes (at, address, address_key, newsletter, key_id) VALUES "
                   "('2026-01-01T00:00:00Z', 'old@example.org', 'old@example.org', 'n', 'k')")
    events = EventStore(store)
    assert events.record(UnsubscribeRequest("new@example.org", "n", 1, "k"), how="link")
    assert [(e["address"], e["how"]) for e in events.since(0, 10)] == [("old@example.org", ""),
                                                                       ("new@example.org", "link")]
