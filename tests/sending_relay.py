"""A real SMTP relay for the sending tests: aiosmtpd on 127.0.0.1 at a free port, with scripted misbehaviour.

The handler answers like a relay with problems would: 451 once, 550 5.1.1 or 554 for chosen addresses, 421
and a dropped connection mid-run, a connection dropped after the message was sent. Every message it accepts
is kept (the parsed message and who it was for), so tests can count deliveries per person.
"""

from __future__ import annotations

import asyncio
import collections
import email
import email.policy
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from protectpress.cli import main
from support import REPO, copy_project, free_port


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    arrived: float = field(default_factory=time.monotonic)

    @property
    def message(self):
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class ScriptedHandler:
    """Answers chosen addresses badly; accepts everything else. Keys are addresses in lower case."""

    rcpt_replies: dict[str, str] = field(default_factory=dict)  # always this answer to RCPT
    rcpt_once: dict[str, str] = field(default_factory=dict)  # this answer to RCPT the first time only
    data_once: dict[str, str] = field(default_factory=dict)  # this answer after DATA the first time only
    drop_at_rcpt_once: set[str] = field(default_factory=set)  # close the connection at RCPT, first time
    drop_after_data_once: set[str] = field(default_factory=set)  # take the message, then hang up unanswered
    every_rcpt: str | None = None  # e.g. a misconfigured relay refusing everyone
    every_mail: str | None = None  # an answer to every MAIL FROM, e.g. a relay refusing our sender
    every_data: str | None = None  # an answer after every DATA, e.g. a relay refusing the content
    refuse_after_drop: bool = False  # once drop_at_rcpt_once has dropped someone, every new greeting is refused
    data_delay: float = 0.0
    hold_data: set[str] = field(default_factory=set)  # take the message, keep the client waiting for "250"...
    holding: threading.Event = field(default_factory=threading.Event)  # ...tell the test it is waiting...
    release: threading.Event = field(default_factory=threading.Event)  # ...until the test lets it go
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    dropped: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, address: str) -> int:
        return self.counts()[address.lower()]

    def counts(self) -> collections.Counter:
        with self.lock:
            return collections.Counter(r.lower() for message in self.received for r in message.recipients)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.refuse_after_drop and self.dropped:
            server.transport.close()  # as a relay that has gone down: the reconnect gets no further
            return ["421 4.3.2 Service not available, closing transmission channel"]
        if not getattr(session, "pp_counted", False):
            session.pp_counted = True
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        if key in self.drop_at_rcpt_once:
            self.drop_at_rcpt_once.discard(key)
            self.dropped = True
            server.transport.close()
            return "421 4.4.2 gone"  # never reaches the client: the connection is closed
        if self.every_rcpt:
            return self.every_rcpt
        if key in self.rcpt_replies:
            return self.rcpt_replies[key]
        if key in self.rcpt_once:
            return self.rcpt_once.pop(key)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.every_mail:
            return self.every_mail
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.every_data:
            return self.every_data
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        keys = [r.lower() for r in envelope.rcpt_tos]
        for key in keys:
            if key in self.data_once:
                return self.data_once.pop(key)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
        if self.hold_data.intersection(keys):  # the relay has queued it; only its "250" is late
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        for key in keys:
            if key in self.drop_after_data_once:
                self.drop_after_data_once.discard(key)
                server.transport.close()
                return "250 2.0.0 never heard"
        return "250 2.0.0 Queued"


class Relay:
    """A running aiosmtpd server; `url` is what `--smtp` takes."""

    def __init__(self, handler: ScriptedHandler, *, username: str = "", password: str = "", tls_context=None,
                 implicit_tls_context=None, hostname: str = "127.0.0.1", smtputf8: bool = True) -> None:
        self.handler = handler
        self.port = free_port()
        options: dict = {}
        if username:
            def authenticate(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login.decode() == username and auth_data.password.decode() == password
                return AuthResult(success=ok, handled=False)  # unhandled failure: aiosmtpd answers 535
            options.update(authenticator=authenticate, auth_require_tls=False)
        if tls_context is not None:
            options.update(tls_context=tls_context, require_starttls=True)
        if implicit_tls_context is not None:  # smtps://: TLS from the first byte
            options.update(ssl_context=implicit_tls_context)
        # SMTPUTF8 (RFC 6531) offered in EHLO: aiosmtpd's Controller does by default; False for a relay without it.
        options.update(enable_SMTPUTF8=smtputf8)
        self.scheme = "smtps" if implicit_tls_context is not None else "smtp"
        self.controller = Controller(handler, hostname=hostname, port=self.port, **options)
        self.controller.start()

    def url(self, user: str = "") -> str:
        return f"{self.scheme}://{user + '@' if user else ''}127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def relay():
    """A fresh, well-behaved relay; tests script its handler before sending."""
    server = Relay(ScriptedHandler())
    yield server
    server.stop()


SENDING_SETTINGS = """      sending:
        retry_backoff: 0.01
        max_consecutive_failures: 4
        smtp_timeout: 10
"""


@pytest.fixture(scope="session")
def sending_template(tmp_path_factory) -> Path:
    """The example project, copied once, with tiny retry pauses so the relay tests stay fast."""
    project = copy_project(REPO, tmp_path_factory.mktemp("sending") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      sending:\n" in text
    config.write_text(text.replace("      sending:\n", SENDING_SETTINGS, 1), encoding="utf-8")
    return project


@pytest.fixture
def project(sending_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the example project, as the current folder (as comms staff would run commands)."""
    copy = copy_project(sending_template, tmp_path / "project")
    monkeypatch.chdir(copy)
    monkeypatch.delenv("PROTECTPRESS_SMTP_PASSWORD", raising=False)
    return copy


@pytest.fixture
def run(capsys):
    """Run the real `protectpress` entry point in this process (quick); returns (exit status, stdout, stderr)."""
    def command(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as stop:  # usage and config problems exit 2 from deep inside, as argparse does
            code = stop.code
        out, err = capsys.readouterr()
        return code, out, err
    return command


def write_recipients(
    path: Path, rows: list[str], header: str = "email,name,organisation,sectors", bom: bool = False
) -> Path:
    text = "\n".join([header, *rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with the openssl command: (certificate, key)."""
    cert, key = folder / "relay.pem", folder / "relay.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key
