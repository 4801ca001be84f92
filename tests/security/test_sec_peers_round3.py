"""Issue 28, items 4 and 6: commands that meet hostile peers finish, and hostile input never crashes them.

- `protectpress bounces`: a message of 1,000 nested multipart parts (58 KB, anyone can mail the bounce box)
  raised RecursionError on every run, so no later bounce was ever read. It is now listed as unreadable and
  skipped, and the real bounce after it is read.
- The unsubscribe service's `since` and Content-Length take ASCII digits only ('²' was a 500).
- `send notice` takes the inline HTML a page allows.
- `suppress --sync` against a hostile service: a body dripped a byte at a time had no overall deadline, and a
  service answering `more: true` for ever was asked without end. Each run now has a deadline and a page limit.
- The live link check followed a redirect from a linked site to an internal address (and to ftp://), and a
  server dripping header lines kept it running: redirects now go only to public http(s) addresses or the same
  host, and the whole check has a deadline.
- A relay that keeps the end of a message waiting within every read time-out is cut off at the message's
  deadline (the delivery is then unknown: the relay may have queued it).
- A hostile IMAP server's 1 MB line or announced 100 GB literal gave a traceback: each is now a message, and
  one that drips its answers is cut off when a step (logging in, fetching one message) passes its deadline.
"""

from __future__ import annotations

import asyncio
import json
import mailbox
import selectors
import socket
import socketserver
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from protectpress.core.sending import mailboxes
from protectpress.core.sending import relay as smtp_relay
from protectpress.core.sending.livecheck import check_live
from protectpress.core.subscriptions import pull, sync
from sending_relay import (  # noqa: F401
    Received,
    Relay,
    ScriptedHandler,
    project,
    relay,
    run,
    sending_template,
    write_recipients,
)
from support import NOTICE, REPO, NoticeSite, at
from test_unsubscribe_service import EXPORT_TOKEN, http, unsubscribe_service

SLUG = "2023-03-security-and-policing"
# The unsubscribe service here cuts a request that has not arrived whole after 3 seconds instead of its own 10
# (slowclients.REQUEST_DEADLINE): the slow clients' test waits for that cut, and asks the service for a page half
# a second after they connected, so its answer has 2.5 seconds to come while all of them are still connected
# (a 401 from the service takes milliseconds; the test asserts it came before the cut could have).
REQUEST_DEADLINE = 3
FIXTURE = (REPO / "tests/fixtures/bounces/postfix-hard.eml").read_text(encoding="utf-8")


def _quiet(request: object, client_address: object) -> None:
    """For the hostile servers here: a connection the command cut off is what the test wants, and its broken
    pipe must not print a traceback into the next test's captured output."""


def _nested_multipart(depth: int) -> bytes:
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(depth))
    return b"From: someone@example.net\r\nSubject: nested\r\nMIME-Version: 1.0\r\n" + head + b"\r\nhi\r\n"


def _nested_messages(depth: int) -> bytes:
    return (b"From: someone@example.net\r\nSubject: nested\r\n"
            + b"Content-Type: message/rfc822\r\n\r\n" * depth + b"\r\nhi\r\n")


def test_a_mime_nesting_bomb_is_listed_as_unreadable_and_later_bounces_are_read(project, relay, run):
    write_recipients(project / "recipients.csv", ["victim@example.com,,,"])
    code, out, err = run("send", SLUG, "--to", "recipients.csv", "--smtp", relay.url(), "--rate", "0", "--yes",
                         "--skip-live-check")
    assert code == 0, out + err
    message_id = relay.handler.received[0].message["Message-ID"]
    maildir = mailbox.Maildir(project / "Bounces", create=True)
    for raw in (_nested_multipart(1000), _nested_messages(1500)):
        assert len(raw) < 100_000
        maildir.add(raw)
    report = (FIXTURE.replace("{{message_id}}", message_id).replace("{{recipient}}", "victim@example.com")
              .replace("{{report}}", "victim").replace("\n", "\r\n").encode("utf-8"))
    maildir.add(report)
    for _ in range(2):  # every run, not only the first
        code, out, err = run("bounces", "Bounces")
        assert code == 0, out + err
        assert "Traceback" not in out + err and "RecursionError" not in out + err
        assert "not a delivery report we can read: more than 32 multipart sections" in out, out
        assert "not a delivery report we can read: more than 8 enclosed messages" in out, out
    assert "victim@example.com" in (project / "newsletters/suppressed.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    with unsubscribe_service(tmp_path_factory, "--request-deadline", str(REQUEST_DEADLINE)) as served:
        yield served


def test_since_and_content_length_take_ascii_digits_only(service):
    """`GET /export?since=%C2%B2` with a valid token answered 500: str.isdigit() accepts '²', int() does not."""
    auth = {"Authorization": f"Bearer {EXPORT_TOKEN}"}
    for since in ("%C2%B2", "%D9%A3", "%EF%BC%91"):  # superscript two, Arabic-Indic three, fullwidth one
        status, _, body = http(service.base + f"export?since={since}", headers=auth)
        assert status == 400, (since, status, body)
        assert json.loads(body) == {"error": "since must be a whole number"}
    assert http(service.base + "export?since=0", headers=auth)[0] == 200
    with socket.create_connection(("127.0.0.1", int(service.base.split(":")[2].split("/")[0])), timeout=10) as conn:
        conn.sendall("POST /unsubscribe/?t=x HTTP/1.1\r\nHost: localhost\r\nContent-Length: ²\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n\r\n".encode())
        answer = conn.recv(200)
    assert not answer.startswith(b"HTTP/1.1 500"), answer


@pytest.fixture
def live(monkeypatch) -> None:
    for name, value in at(NoticeSite.live_at).items():
        monkeypatch.setenv(name, value)


def test_a_notice_with_the_inline_html_a_page_allows_is_sent(project, relay, run, live):
    """Any inline HTML in docs/notice.md (even <b>) stopped `send notice`: Python-Markdown's placeholder characters
    reached the preheader, and MJML refused it."""
    (project / "docs/notice.md").write_text(
        NOTICE.replace("Avoid the area", "<b>Avoid</b> the <abbr title=\"the railway\">area</abbr>"), encoding="utf-8")
    code, out, err = run("send", "notice", "--test", "editor@example.org", "--smtp", relay.url())
    assert code == 0, out + err
    [received] = relay.handler.received
    html = next(part for part in received.message.walk() if part.get_content_type() == "text/html")
    text = html.get_payload(decode=True).decode("utf-8")
    assert "<b>Avoid</b>" in text
    assert "\x02" not in text and "\x03" not in text and "wzxhzdk" not in text
    assert "Avoid the area around the station." in text  # the preheader: the notice's words, as text


class _Hostile(BaseHTTPRequestHandler):
    mode = "drip"
    asked = 0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).asked += 1
        since = int(self.path.rsplit("since=", 1)[-1])
        body = json.dumps({"events": [{"address": f"p{since}@example.org", "newsletter": "x", "at": "x"}],
                           "last_id": since + 1, "more": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.mode == "drip":
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
        else:
            self.wfile.write(body)


@pytest.fixture
def hostile_service():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    server.handle_error = _quiet  # a client we cut off mid-answer is the point, not a failure to print
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Hostile.asked = 0
    yield f"http://127.0.0.1:{server.server_address[1]}/unsubscribe/"
    server.shutdown()
    server.server_close()


def test_sync_against_a_dripping_service_stops_at_its_deadline(project, run, hostile_service, monkeypatch):
    monkeypatch.setattr(_Hostile, "mode", "drip")
    monkeypatch.setattr(sync, "SYNC_DEADLINE", 2.0)  # a dripped body never ends in time, however busy the machine
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN", EXPORT_TOKEN)
    started = time.monotonic()
    code, _, err = run("suppress", "--sync", hostile_service)
    assert time.monotonic() - started < 25  # the dripped body alone would take 50 seconds
    assert code == 1
    assert "did not finish answering within 2 seconds" in err and "Traceback" not in err


def test_sync_against_a_service_with_more_for_ever_stops_after_its_page_limit(project, run, hostile_service,
                                                                                monkeypatch):
    monkeypatch.setattr(_Hostile, "mode", "endless")
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN", EXPORT_TOKEN)
    code, _, err = run("suppress", "--sync", hostile_service)
    assert code == 1
    assert f"still had more after {sync.MAX_PAGES} pages" in err, err
    assert _Hostile.asked == sync.MAX_PAGES
    # What was collected is kept, and the next run goes on from there.
    state = json.loads((project / "newsletters/.sends/unsubscribe-sync.json").read_text(encoding="utf-8"))
    assert state[hostile_service] == sync.MAX_PAGES


class _LinkedSite(BaseHTTPRequestHandler):
    """A linked site that redirects where it likes, or drips its header lines."""

    inside = ""  # an address inside our own network, on another host
    inside_asked = 0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        if self.path == "/to-inside":
            self._redirect(self.inside)
        elif self.path == "/to-ftp":
            self._redirect("ftp://127.0.0.1/x")
        elif self.path == "/same-host":
            self._redirect("/ok")
        elif self.path == "/internal":
            type(self).inside_asked += 1
            self._answer()
        elif self.path == "/drip":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for n in range(60):
                self.wfile.write(b"X-Slow-%d: 1\r\n" % n)
                self.wfile.flush()
                time.sleep(0.5)
        else:
            self._answer()

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_the_live_check_follows_redirects_only_to_public_http_and_finishes_by_its_deadline():
    linked = ThreadingHTTPServer(("127.0.0.1", 0), _LinkedSite)
    linked.daemon_threads = True
    linked.handle_error = _quiet
    threading.Thread(target=linked.serve_forever, daemon=True).start()
    port = linked.server_address[1]
    _LinkedSite.inside = f"http://127.0.0.2:{port}/internal"  # loopback, but another host: our own network
    base = f"http://127.0.0.1:{port}"
    try:
        html = "".join(f'<a href="{base}{path}">x</a>' for path in ("/to-inside", "/to-ftp", "/same-host", "/drip"))
        started = time.monotonic()
        # 2 seconds: the other three links are one or two answers each from this machine, in parallel
        answers = {urlsplit(a.url).path: a for a in check_live(html, timeout=5, deadline=2)}
        assert time.monotonic() - started < 20  # the dripping server would hold it 30 seconds
    finally:
        linked.shutdown()
        linked.server_close()
    assert _LinkedSite.inside_asked == 0
    assert not answers["/to-inside"].live and "not a public http(s) address" in answers["/to-inside"].found
    assert not answers["/to-ftp"].live and "not a public http(s) address" in answers["/to-ftp"].found
    assert answers["/same-host"].live  # a site's own redirects (a missing slash) still work
    assert not answers["/drip"].live and answers["/drip"].found == "no full answer within 2 seconds"


def _hostile_imap(fetch_answer: bytes) -> tuple[socketserver.TCPServer, int]:
    """A mail server that logs in anyone and answers the FETCH of message 1 with `fetch_answer`."""

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            self.wfile.write(b"* OK [CAPABILITY IMAP4rev1] hostile ready\r\n")
            for line in self.rfile:
                tag, _, command = line.decode("ascii", "replace").strip().partition(" ")
                verb = command.split(" ")[0].upper()
                if verb == "UID":
                    verb += " " + command.split(" ")[1].upper()
                if verb == "CAPABILITY":
                    self.wfile.write(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n".encode())
                elif verb == "LOGIN":
                    self.wfile.write(f"{tag} OK logged in\r\n".encode())
                elif verb in ("EXAMINE", "SELECT"):
                    self.wfile.write(f"* 1 EXISTS\r\n{tag} OK [READ-ONLY] done\r\n".encode())
                elif verb == "UID SEARCH":
                    self.wfile.write(f"* SEARCH 1\r\n{tag} OK done\r\n".encode())
                elif verb == "UID FETCH":
                    self.wfile.write(fetch_answer)
                    self.wfile.flush()
                    return
                elif verb == "LOGOUT":
                    self.wfile.write(f"* BYE\r\n{tag} OK bye\r\n".encode())
                    return
                else:
                    self.wfile.write(f"{tag} OK done\r\n".encode())

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = _quiet  # a client we cut off mid-answer is the point, not a failure to print
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.mark.parametrize(("answer", "said"), [
    (b"* 1 FETCH (UID 1 BODY[] {107374182400}\r\n" + b"x" * 1000,
     "the server announced 107,374,182,400 bytes at once, more than 67,108,864"),
    (b"* 1 FETCH (UID 1 X " + b"y" * 1_100_000 + b")\r\n", "the server sent a line of more than 1,000,000 bytes"),
])
def test_a_hostile_imap_server_ends_the_run_with_a_message(project, run, monkeypatch, answer, said):
    server, port = _hostile_imap(answer)
    monkeypatch.setenv("PROTECTPRESS_IMAP_PASSWORD", "anything")
    try:
        code, out, err = run("bounces", f"imap://bounces@127.0.0.1:{port}/INBOX")
    finally:
        server.shutdown()
        server.server_close()
    assert code == 2, out + err
    assert said in err and "Traceback" not in out + err


def test_slow_clients_cannot_take_every_connection_of_the_service(service):
    """120 clients sending one header line a second filled waitress's 100 connections, and the service stopped
    answering until they left. Now a request must arrive whole within its deadline (10 seconds; REQUEST_DEADLINE
    here), and the limit is higher."""
    port = int(service.base.split(":")[2].split("/")[0])
    slow = []
    connected = time.monotonic()
    for _ in range(120):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"GET /unsubscribe/ HTTP/1.1\r\nHost: localhost\r\n")
        slow.append(conn)
    # A cut is seen when the service closes the connection (the socket reads as ended), looked at every tenth of
    # a second, or when a header line can no longer be sent; the clients still send one line a second.
    watching = selectors.DefaultSelector()
    for index, conn in enumerate(slow):
        watching.register(conn, selectors.EVENT_READ, index)
    try:
        started = time.monotonic()
        closed: set[int] = set()
        answered_during = answered_after = None
        next_line = started  # the first line at once, then one a second, as before
        while time.monotonic() - started < 16 and len(closed) < len(slow):
            if time.monotonic() >= next_line:
                next_line += 1
                for index, conn in enumerate(slow):
                    if index in closed:
                        continue
                    try:
                        conn.sendall(b"X-Slow: 1\r\n")
                    except OSError:
                        closed.add(index)
            if answered_during is None and time.monotonic() - started > 0.5:
                answered_during = http(service.base + "export", headers={"Authorization": "Bearer wrong"})[0]
                answered_after = time.monotonic() - connected
            for key, _ in watching.select(timeout=0.1):
                try:
                    ended = key.fileobj.recv(4096) == b""
                except OSError:
                    ended = True
                if ended:
                    closed.add(key.data)
                    watching.unregister(key.fileobj)
        elapsed = time.monotonic() - started
    finally:
        watching.close()
        for conn in slow:
            conn.close()
    assert answered_during == 401  # the service answered while the slow clients were connected...
    assert answered_after < REQUEST_DEADLINE, answered_after  # ...before the first of them could have been cut
    assert len(closed) == len(slow), f"{len(slow) - len(closed)} slow clients still connected after {elapsed:.0f} s"
    assert elapsed < 16


def test_an_imap_server_dripping_its_answer_is_cut_off_at_the_step_deadline(project, run, monkeypatch):
    server, port = _hostile_imap(b"")
    handler = server.RequestHandlerClass
    plain_handle = handler.handle

    def dripping(self) -> None:
        self.wfile.write = _dripping_writer(self.wfile.write)
        plain_handle(self)

    monkeypatch.setattr(handler, "handle", dripping)
    monkeypatch.setattr(mailboxes, "IMAP_STEP_DEADLINE", 2.0)
    monkeypatch.setenv("PROTECTPRESS_IMAP_PASSWORD", "anything")
    started = time.monotonic()
    try:
        code, out, err = run("bounces", f"imap://bounces@127.0.0.1:{port}/INBOX")
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 20  # the dripped exchange would take far longer
    assert code == 2, out + err
    assert "the server did not finish answering within 2 seconds" in err and "Traceback" not in out + err


def _dripping_writer(write):
    """Each answer after the greeting a byte at a time, 0.3 seconds apart: every read is well within its
    time-out, and the whole never ends in time."""
    calls = {"n": 0}

    def drip(data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            write(data)
            return
        for byte in data:
            write(bytes([byte]))
            time.sleep(0.3)

    return drip


class _StallingHandler(ScriptedHandler):
    """Takes the message, then keeps the end of DATA waiting, well inside smtplib's 60-second read time-out."""

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          bytes(envelope.original_content)))
        await asyncio.sleep(15)
        return "250 2.0.0 queued at last"


def test_a_relay_that_stalls_is_cut_off_at_the_message_deadline(project, run, monkeypatch):
    # 2 seconds, as the other peers' deadlines here: what comes before the final dot (MAIL, RCPT, DATA and the
    # message, to a relay on this machine) takes milliseconds, and the relay's "250" comes only after 15 seconds.
    monkeypatch.setattr(smtp_relay, "MESSAGE_DEADLINE", 2.0)
    handler = _StallingHandler()
    relay = Relay(handler)
    try:
        write_recipients(project / "recipients.csv", ["slow@example.com,Partner,Org,"])
        started = time.monotonic()
        code, out, err = run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", "--smtp", relay.url(),
                             "--rate", "0", "--yes")
        elapsed = time.monotonic() - started
    finally:
        relay.stop()
    # Cut, not answered: the relay's own "250" comes only after 15 seconds (time alone is not asserted: on a busy
    # machine the send around the exchange takes seconds of its own).
    assert elapsed < 30, (elapsed, out, err)
    assert "Traceback" not in out + err
    with sqlite3.connect(project / "newsletters/.sends" / f"{SLUG}.sqlite") as db:
        rows = db.execute("SELECT address, state, attempts, reply FROM deliveries").fetchall()
    # The relay may have queued it: unknown, never sent again unless asked.
    [(address, state, attempts, reply)] = rows
    assert (address, state, attempts) == ("slow@example.com", "unknown", 1)
    assert reply.startswith("no whole answer within 2 seconds"), reply
    assert code == 1 and "+ 1 unknown" in out


class _EndlessSubscribers(BaseHTTPRequestHandler):
    asked = 0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).asked += 1
        after = self.path.rsplit("after=", 1)[-1] if "after=" in self.path else "a"
        body = json.dumps({"subscribers": [{"address": f"p{len(after)}@example.org", "sectors": []}],
                           "next": after + "a"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_subscribers_pull_from_a_service_with_next_for_ever_stops_and_writes_nothing(project, run, monkeypatch):
    """`subscribers pull` (merged from the sign-up work) paged the same way as --sync: a deadline and a limit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EndlessSubscribers)
    server.daemon_threads = True
    server.handle_error = _quiet  # a client we cut off mid-answer is the point, not a failure to print
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(pull, "MAX_PULL_PAGES", 30)
    monkeypatch.setenv("PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN", EXPORT_TOKEN)
    try:
        code, _, err = run("subscribers", "pull", f"http://127.0.0.1:{server.server_address[1]}/unsubscribe/",
                           "--out", str(project / "pulled.csv"))
    finally:
        server.shutdown()
        server.server_close()
    assert code == 1, err
    assert "still had more after 30 pages: nothing was written" in err
    assert _EndlessSubscribers.asked == 30
    assert not (project / "pulled.csv").exists()
