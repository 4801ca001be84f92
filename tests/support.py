"""Helpers for tests: the repository's paths, running the real `protectpress` command, copying projects.

Test modules import these as `from support import ...` (tests/ is on pytest's pythonpath). They live here,
not in conftest.py, because tests/browser/ has a conftest.py of its own and `import conftest` would be ambiguous.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeVar

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


def run_in_process(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real `protectpress` command like `run_protectpress`, but in the test's own process: the same
    `protectpress.cli.main` (argument parsing, messages, exit status), run in `cwd` with `env` added to the
    environment, and the same result (returncode, stdout, stderr), without a new Python paying about a second to
    import MkDocs, Material and Markdown before every command.

    Which to use: this one wherever the process boundary is not what the test proves (what a command finds, says,
    writes and its exit status). `run_protectpress` (a real process) where it is: Ctrl+C and other signals, a
    killed or concurrent build, the permissions or umask of what a process writes, `--help`, anything with a
    timeout or a server, and, for each command, at least the test that no traceback reaches a comms officer.

    One run cannot reach the next: the working folder, the environment, `sys.argv`, `sys.path`, signal handlers,
    the umask, the recursion limit, warning filters and every logger's handlers, level and filters are put back
    afterwards. While it runs, the loggers and warnings behave as in a new process (no pytest handlers on the
    root logger, Python's default warning filters, warnings printed on stderr), so what a command logs lands in
    its stderr as it would. A thread the command started and left running fails the test: it would outlive a
    rebuild in the preview server too.

    An exception that escapes `main` is raised here, with what the command printed so far attached, so the test
    fails loudly with the traceback (a subprocess would have printed it on stderr, which tests reject). Exit
    statuses raised as `SystemExit` (argparse, mkdocs.yml problems) are returned as the subprocess's would be.
    """
    from protectpress.cli import main  # here: a module that never runs a command in-process does not pay for it

    out, err = _Stream(), _Stream()
    saved_cwd, saved_env, saved_argv, saved_path = os.getcwd(), dict(os.environ), sys.argv[:], sys.path[:]
    saved_signals = {number: signal.getsignal(number) for number in _SIGNALS}
    saved_umask, saved_limit = os.umask(0o022), sys.getrecursionlimit()
    os.umask(saved_umask)
    saved_logging = _logging_state()
    threads_before = set(threading.enumerate())
    code: int | None = None
    try:
        os.chdir(cwd)
        os.environ.update({"NO_MKDOCS_2_WARNING": "1", **(env or {})})
        sys.argv = ["protectpress", *args]
        _fresh_logging()
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                _stdin_at_end():
            _fresh_warnings()
            try:
                code = _exit_status(main(list(args)))
            except SystemExit as stop:  # argparse and mkdocs.yml problems leave from deep inside, as in the process
                code = _exit_status(stop.code)
    except BaseException as error:
        error.add_note(f"protectpress {' '.join(args)} (in-process) printed:\n--- stdout ---\n{out.text()}"
                       f"\n--- stderr ---\n{err.text()}")
        raise
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.argv[:], sys.path[:] = saved_argv, saved_path
        for number, handler in saved_signals.items():
            if signal.getsignal(number) is not handler and handler is not None:
                signal.signal(number, handler)
        os.umask(saved_umask)
        sys.setrecursionlimit(saved_limit)
        _restore_logging(saved_logging)
    left = [t for t in set(threading.enumerate()) - threads_before if (t.join(timeout=10), t.is_alive())[1]]
    assert not left, f"protectpress {' '.join(args)} left threads running: {[t.name for t in left]}"
    return subprocess.CompletedProcess([*PROTECTPRESS, *args], code, out.text(), err.text())


_SIGNALS = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE", "SIGALRM", "SIGUSR1")
            if hasattr(signal, name)]


def _exit_status(code: object) -> int:
    """What the process's exit status would have been for `main`'s return value or a SystemExit's code."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message"): Python prints it and exits 1
    return 1


class _Stream(io.TextIOWrapper):
    """A standard stream as a process has one (text over bytes: MkDocs looks at `sys.stdin.buffer`), read back
    as `subprocess.run(text=True)` reads a pipe (UTF-8, universal newlines)."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8", errors="strict", newline="\n", write_through=True)

    def text(self) -> str:
        self.flush()
        raw = self.buffer.getvalue()  # type: ignore[attr-defined]
        return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def _stdin_at_end() -> Iterator[None]:
    """Standard input as the subprocess had it under pytest (/dev/null): empty, and not a terminal."""
    saved = sys.stdin
    sys.stdin = _Stream()
    try:
        yield
    finally:
        sys.stdin = saved


def _logging_state() -> list[tuple[logging.Logger, list, int, bool, bool, list]]:
    loggers = [logging.getLogger(), *(lg for lg in list(logging.root.manager.loggerDict.values())
                                       if isinstance(lg, logging.Logger))]
    return [(lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled, lg.filters[:]) for lg in loggers]


def _fresh_logging() -> None:
    """The loggers as a new `protectpress` process finds them: nothing on the root logger (pytest puts its
    capturing handlers there, which would swallow what Python's last-resort handler prints on stderr), and no
    handler an earlier command in this process left on MkDocs' logger."""
    root = logging.getLogger()
    root.handlers[:] = []
    root.setLevel(logging.WARNING)
    for lg in logging.root.manager.loggerDict.values():
        if isinstance(lg, logging.Logger):
            lg.handlers[:] = [h for h in lg.handlers if not getattr(h, "_protectpress", False)]


def _restore_logging(saved: list[tuple[logging.Logger, list, int, bool, bool, list]]) -> None:
    known = {id(state[0]) for state in saved}
    for lg in list(logging.root.manager.loggerDict.values()):
        if isinstance(lg, logging.Logger) and id(lg) not in known:
            # First made during the run (by an import, or MkDocs naming a plugin's logger): as made, but what
            # the command itself set up on it (a module's NullHandler from its import stays, as in a process).
            lg.handlers[:] = [h for h in lg.handlers if not getattr(h, "_protectpress", False)]
            lg.setLevel(logging.NOTSET)
            lg.propagate, lg.disabled = True, False
    for lg, handlers, level, propagate, disabled, filters in saved:
        lg.handlers[:], lg.filters[:] = handlers, filters
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled


def _fresh_warnings() -> None:
    """Python's own warning filters and printing (pytest records warnings instead of printing them)."""
    warnings.resetwarnings()
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
        warnings.simplefilter("ignore", category)
    warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
    warnings.showwarning = _print_warning


def _print_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                   file: TextIO | None = None, line: str | None = None) -> None:
    with contextlib.suppress(OSError):
        (file or sys.stderr).write(warnings.formatwarning(message, category, filename, lineno, line))


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


def http_answer(url: str, *, timeout: float = 10) -> tuple[int, str]:
    """The HTTP status and body of a GET, also for an error status (the preview's problems page answers 503);
    (0, "") while nothing answers (a server still starting or rebuilding), so a `wait_until` goes on waiting."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8")
    except OSError:
        return 0, ""


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
