"""Helpers for tests: the repository's paths, running the real `protectpress` command, copying projects.

Test modules import these as `from support import ...` (tests/ is on pytest's pythonpath). They live here,
not in conftest.py, because tests/browser/ has a conftest.py of its own and `import conftest` would be ambiguous.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROTECTPRESS = [sys.executable, "-m", "protectpress.cli"]

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

T = TypeVar("T")


def run_protectpress(
    *args: str, cwd: Path, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run the real `protectpress` command as comms staff would, capturing what they would read."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([*PROTECTPRESS, *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server a test starts (the preview, a relay, an IMAP server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], T], *, seconds: float, what: str, step: float = 0.05,
               process: subprocess.Popen | None = None, output: Callable[[], object] | None = None) -> T:
    """The one polling loop of the tests: call `condition()` every `step` seconds until it returns something
    true, and return that. An OSError from it counts as "not yet" (a server still starting). Fails, naming `what`
    and what the service printed (`output()`), when `seconds` pass or `process` ends first.

    The time limit is a safety net for a hang, never the thing a test proves: give it room for a busy machine.
    """
    started = time.monotonic()
    while True:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        ended = process is not None and process.poll() is not None
        if ended or time.monotonic() - started > seconds:
            why = "its process ended" if ended else f"{seconds:g} seconds passed"
            printed = f":\n{output()}" if output is not None else ""
            raise AssertionError(f"{what}: not so after {time.monotonic() - started:.1f}s ({why}){printed}")
        time.sleep(step)


def accepts_connections(port: int) -> bool:
    """Whether something listens on 127.0.0.1:`port` now."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_for_port(port: int, process: subprocess.Popen, *, seconds: float, output: Callable[[], object]) -> None:
    """Wait until the server a test started accepts connections on 127.0.0.1:`port`. If its process ends first or
    `seconds` pass, stop it and fail with what it printed (`output()`)."""
    try:
        wait_until(lambda: accepts_connections(port), seconds=seconds, what="the service did not start",
                   process=process)
    except AssertionError as failed:
        process.kill()  # before asking for its output, which may wait for the process to end
        raise AssertionError(f"{failed}: {output()}") from None


@dataclass
class Service:
    """A service a test started (`running`): its process, port and root URL, and what it printed so far."""

    process: subprocess.Popen
    port: int
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def running(command: list[str], *, cwd: Path, log: Path, port: int | None = None, env: dict | None = None,
            ready: Callable[[Service], object] | None = None, seconds: float = 180) -> Iterator[Service]:
    """The one server runner of the tests: start `command` with its output in the file `log` (a file, not a pipe,
    so a chatty service never blocks and a test can read it meanwhile), wait until it accepts connections on
    `port` (a free one unless named; "{port}" in `command` is replaced by it) and `ready(service)` is true, yield
    it, and stop it however the test ends.
    """
    port = port if port is not None else free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=cwd, env=full_env, stdout=out, stderr=subprocess.STDOUT, text=True)
    service = Service(process, port, f"http://127.0.0.1:{port}/", log)
    try:
        wait_until(lambda: accepts_connections(port) and (ready is None or ready(service)), seconds=seconds,
                   what=f"{' '.join(command[2:4])} did not start on port {port}", process=process,
                   output=service.output)
        yield service
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def copy_project(source: Path, destination: Path) -> Path:
    """Copy a project (the example site or a fixture) so a test can change it freely.

    Fixture projects point their theme at the repository's overrides with a relative path, so the copy gets
    the real overrides beside it.
    """
    ignore = shutil.ignore_patterns("site", ".site-*", ".venv*", "__pycache__", ".git", "outbox", ".sends",
                                    "tests", "benchmarks", "plugins", "*.egg-info", ".pytest_cache", ".hypothesis")
    shutil.copytree(source, destination, ignore=ignore, dirs_exist_ok=True)
    if not (destination / "overrides").exists():
        shutil.copytree(REPO / "overrides", destination / "overrides")
    return destination


NOTICE = """---
level: critical
title: Incident in the city centre <b>& nearby</b>
date: 2026-11-29T10:00
expires: 2026-12-01T18:00
---

Avoid the area around the station. Follow [the weapons attack card](/action-cards/firearms-and-weapons-attacks.md).
"""


@dataclass(frozen=True)
class NoticeSite:
    """The example project with an urgent notice, and its site built as at a moment while the notice is live."""

    project: Path
    site: Path  # in its own folder, so later builds of the project into site/ leave it as it is
    title = "Incident in the city centre <b>& nearby</b>"
    live_at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    expired_at = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)  # 18:00 in December is 18:00 UTC


def at(moment: dt.datetime) -> dict[str, str]:
    """The environment that fixes a run's "now" (core.dates.build_now)."""
    return {"SOURCE_DATE_EPOCH": str(int(moment.timestamp()))}


def repair_hardening_links(project: Path) -> None:
    """Fix every broken link the `hardening-links` fixture carries on purpose (page, heading, image, letter)."""
    index = project / "docs" / "index.md"
    text = index.read_text(encoding="utf-8")
    for broken, fixed in (("guidance/evacuation.md", "guidance/lockdown.md"), ("#no-such-heading", "#first-steps"),
                          ("#nowhere-on-this-page", "#top"), ("assets/floor-plan.png", "assets/lockdown.png")):
        text = text.replace(broken, fixed)
    index.write_text(text, encoding="utf-8")
    letter = project / "newsletters" / "2024-01-links.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace("#the-missing-plan", "#first-steps"), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below `folder` by its relative path and SHA-256: two snapshots compare whole built sites."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def ask_for_palette_toggle(project: Path) -> None:
    """Give both palettes of a copied project's mkdocs.yml a `toggle:` (named "Switch default" and "Switch
    slate"), as a project that wants Material's light/dark switch in the header does."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for scheme, icon in (("default", "weather-night"), ("slate", "weather-sunny")):
        text = text.replace(f"      scheme: {scheme}\n      primary: custom\n      accent: custom\n",
                            f"      scheme: {scheme}\n      primary: custom\n      accent: custom\n"
                            f"      toggle:\n        icon: material/{icon}\n        name: Switch {scheme}\n", 1)
    config.write_text(text, encoding="utf-8")
