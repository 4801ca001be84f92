"""Part 7: the subscriptions service: sign-ups and confirmations a second, on each store.

The real `protectpress subscriptions serve` runs on a free loopback port in a copy of the example project,
sending its confirmation emails to a local aiosmtpd sink; 16 clients post the sign-ups (each from its own
loopback address, so the per-client limit is not what is measured), then press every confirmation link.
Counted as done only when the sink holds one email per address and the service's export lists each as
confirmed, so a lost or doubled sign-up cannot pass for a fast one. PostgreSQL is Debian's, started
unprivileged as the tests start it; without it that row says so.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller

from .run import BIN
from .table import Row, Table

REPO = Path(__file__).resolve().parent.parent
SECRET, EXPORT_TOKEN = "bench-secret-" + "s" * 32, "bench-export-" + "e" * 32
CLIENTS = 16
LINK = re.compile(rb"http://127\.0\.0\.1:\d+/subscriptions/confirm\?t=[A-Za-z0-9._-]+")


class LinkSink:
    """Keeps each confirmation email's link, by recipient."""

    def __init__(self) -> None:
        self.links: dict[str, list[bytes]] = {}
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        found = LINK.search(message.get_body(("plain",)).get_content().encode())
        with self._lock:
            for recipient in envelope.rcpt_tos:
                self.links.setdefault(recipient.lower(), []).append(found.group(0) if found else b"")
        return "250 2.0.0 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(url: str, body: bytes, source: str) -> int:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(source, 0))
    try:
        connection.request("POST", parts.path + ("?" + parts.query if parts.query else ""), body,
                           {"Content-Type": "application/x-www-form-urlencoded"})
        return connection.getresponse().status
    finally:
        connection.close()


def _project(root: Path, base: str) -> Path:
    project = root / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(
        "site", ".site-*", ".venv*", "__pycache__", ".git", "outbox", ".sends", "tests", "benchmarks", "plugins",
        "*.egg-info", ".pytest_cache", ".hypothesis", ".cache", ".mypy_cache", ".ruff_cache"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "      sending:\n", f"      sending:\n        unsubscribe_url: {base}\n", 1), encoding="utf-8")
    return project


def _measure_store(root: Path, store: str, count: int) -> tuple[float, float]:
    """(sign-ups a second, confirmations a second) for `count` addresses on `store`."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/subscriptions/"
    project = _project(root, base)
    sink = LinkSink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    env = {**os.environ, "PROTECTPRESS_UNSUBSCRIBE_SECRET": SECRET,
           "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": EXPORT_TOKEN}
    process = subprocess.Popen([str(BIN / "protectpress"), "subscriptions", "serve", "--port", str(port), "--store",
                                store, "--smtp", f"smtp://127.0.0.1:{controller.port}", "--threads", "8"],
                               cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the subscriptions service did not start") from None
                time.sleep(0.1)
        addresses = [f"bench{n:06d}@example.org" for n in range(count)]

        def sign_up(number: int) -> int:
            body = urlencode({"email": addresses[number], "sector": "retail", "consent_version": "2026-12-06"})
            return _post(base + "signup", body.encode(), f"127.0.{number % CLIENTS}.{2 + number % 200}")

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = list(pool.map(sign_up, range(count)))
        signed_up = time.perf_counter() - started
        if set(statuses) != {200}:
            raise RuntimeError(f"sign-ups answered {sorted(set(statuses))}")
        deadline = time.monotonic() + 120
        while sum(map(len, sink.links.values())) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{sum(map(len, sink.links.values()))} of {count} confirmation emails arrived")
            time.sleep(0.05)
        if any(len(sink.links[a]) != 1 for a in addresses):
            raise RuntimeError("an address got no confirmation email, or two")
        links = [sink.links[a][0].decode() for a in addresses]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            statuses = list(pool.map(lambda link: _post(link, b"", "127.0.0.1"), links))
        confirmed = time.perf_counter() - started
        if set(statuses) != {200}:
            raise RuntimeError(f"confirmations answered {sorted(set(statuses))}")
        listed = _confirmed_count(base)
        if listed != count:
            raise RuntimeError(f"the export lists {listed} of {count} confirmed")
        return count / signed_up, count / confirmed
    finally:
        process.terminate()
        process.wait(timeout=15)
        controller.stop()


def _confirmed_count(base: str) -> int:
    total, after = 0, ""
    while True:
        request = urllib.request.Request(base + "subscribers" + (f"?after={after}" if after else ""),
                                         headers={"Authorization": f"Bearer {EXPORT_TOKEN}"})
        with urllib.request.urlopen(request, timeout=60) as response:
            page = json.loads(response.read())
        total += len(page["subscribers"])
        if not page["next"]:
            return total
        after = page["next"]


def measure_into(table: Table, root: Path, count: int, *, log=print) -> None:
    root.mkdir(parents=True, exist_ok=True)
    stores: list[tuple[str, object]] = [("SQLite", lambda: str(root / "sqlite" / "subscriptions.sqlite"))]
    postgres = _postgres(log)
    if postgres is not None:
        stores.append(("PostgreSQL", postgres.new_database))
    try:
        for name, store in stores:
            log(f"[bench] subscriptions service: {count} sign-ups and confirmations on {name}")
            (root / name.lower()).mkdir(exist_ok=True)
            signups, confirmations = _measure_store(root / name.lower(), store(), count)  # type: ignore[operator]
            table.add(Row(f"subscriptions service on {name}: sign-ups a second ({CLIENTS} clients)",
                          f"{count:,} addresses", per_second=signups))
            table.add(Row(f"subscriptions service on {name}: confirmations a second ({CLIENTS} clients)",
                          f"{count:,} addresses", per_second=confirmations))
        if postgres is None:
            table.add(Row("subscriptions service on PostgreSQL", f"{count:,} addresses",
                          note="not measured: Debian's postgresql is not installed"))
    finally:
        if postgres is not None:
            postgres.stop()
            shutil.rmtree(postgres.folder, ignore_errors=True)


def _postgres(log):  # type: ignore[no-untyped-def]
    """Debian's PostgreSQL started as the tests start it (tests/postgres_server.py), or None without it."""
    sys.path.insert(0, str(REPO / "tests"))
    try:
        from postgres_server import PostgresServer, _binaries
    finally:
        sys.path.pop(0)
    binaries = _binaries()
    if binaries is None or not (binaries / "initdb").is_file():
        log("[bench] PostgreSQL not installed: its row is left unmeasured")
        return None
    folder = Path(tempfile.mkdtemp(prefix="protectpress-bench-postgres-"))
    folder.chmod(0o755)
    return PostgresServer(folder, binaries)
