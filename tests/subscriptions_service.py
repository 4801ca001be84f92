"""The real subscriptions service for tests: `protectpress subscriptions serve` on a free loopback port, in a copy
of the example project whose `unsubscribe_url` points at it, sending through its own aiosmtpd relay, with its
store in SQLite or in a real PostgreSQL (tests/postgres_server.py).

`running_service(...)` starts one; `http(...)` is the reader's browser and the mail program; `confirmation_link`
reads the link out of a confirmation email as a reader would click it.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlencode

from sending_relay import Relay, ScriptedHandler
from support import PROTECTPRESS, copy_project, free_port, run_in_process, run_protectpress, running, wait_until

SECRET = "subscriptions-secret-" + "s" * 32
EXPORT_TOKEN = "subscriptions-export-" + "e" * 32
ENV = {"PROTECTPRESS_UNSUBSCRIBE_SECRET": SECRET, "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": EXPORT_TOKEN}
ORGANISATION = "Protect and Prepare partnership (example)"  # the example project's brand, which its email names


@dataclass
class Service:
    base: str  # http://127.0.0.1:PORT/subscriptions/
    project: Path
    store: str
    relay: Relay
    log: Path
    process: subprocess.Popen

    def url(self, path: str = "", **query: str) -> str:
        return self.base + path + (("?" + urlencode(query)) if query else "")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """A command run beside the service as comms staff would, in a real `protectpress` process."""
        return run_protectpress(*args, cwd=self.project, env=ENV)

    def cli_in_process(self, *args: str) -> subprocess.CompletedProcess:
        """The same in the test's own process (quick), where what the command finds, says and writes is what a
        test proves and not the process around it; each command still runs against the service as a real process
        somewhere (`cli`)."""
        return run_in_process(*args, cwd=self.project, env=ENV)

    def pull(self) -> list[dict[str, str]]:
        import csv

        out = self.project / "pulled.csv"
        result = self.cli_in_process("subscribers", "pull", self.base, "--out", str(out))
        assert result.returncode == 0, result.stdout + result.stderr
        with out.open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def emails_to(self, address: str) -> list[Message]:
        with self.relay.handler.lock:
            return [r.message for r in self.relay.handler.received if address.lower() in
                    [x.lower() for x in r.recipients]]

    def wait_for_emails(self, count: int, timeout: float = 30) -> None:
        wait_until(lambda: len(self.relay.handler.received) >= count, seconds=timeout, step=0.02,
                   what=f"{count} emails arriving at the relay")


def project_for(template: Path, folder: Path, base: str) -> Path:
    project = copy_project(template, folder)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      sending:\n", f"      sending:\n        unsubscribe_url: {base}\n", 1), encoding="utf-8")
    return project


@contextlib.contextmanager
def running_service(template: Path, folder: Path, store: str, *extra: str) -> Iterator[Service]:
    port = free_port()
    base = f"http://127.0.0.1:{port}/subscriptions/"
    project = project_for(template, folder / "project", base)
    relay = Relay(ScriptedHandler())
    log = folder / "service.log"
    try:
        with running([*PROTECTPRESS, "subscriptions", "serve", "--port", str(port), "--store", store, "--smtp",
                      relay.url(), "--threads", "8", *extra], cwd=project, log=log, port=port, env=ENV) as served:
            yield Service(base=base, project=project, store=store, relay=relay, log=log, process=served.process)
    finally:
        relay.stop()


def http(url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None,
         *, source: str | None = None, timeout: float = 30) -> tuple[int, Message, bytes]:
    """One request; `source` sends it from another loopback address (another client, for the rate limit)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if body is not None and "Content-Type" not in (headers or {}):
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener = urllib.request.build_opener(_SourceHandler(source)) if source else urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class _SourceHandler(urllib.request.HTTPHandler):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req):  # type: ignore[no-untyped-def]
        import http.client

        source = self.source

        class Bound(http.client.HTTPConnection):
            def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                super().__init__(*args, source_address=(source, 0), **kwargs)

        return self.do_open(Bound, req)


def sign_up(service: Service, address: str, sectors: tuple[str, ...] = (), *, honeypot: str = "",
            source: str | None = None) -> tuple[int, bytes]:
    fields = [("email", address), *[("sector", s) for s in sectors], ("consent_version", "2026-12-06"),
              ("source", "https://protectpress.example.org/subscribe/"), ("website", honeypot)]
    status, _, body = http(service.url("signup"), "POST", urlencode(fields).encode(), source=source)
    return status, body


CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:\d+/subscriptions/confirm\?t=[A-Za-z0-9._-]+")


def confirmation_link(message: Message) -> str:
    """The link in the email's plain-text part (the HTML part must carry the same one)."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = CONFIRM_LINK.search(text).group(0)
    assert f'href="{link}"' in html
    return link
