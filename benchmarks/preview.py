"""Part 4: edit-to-preview. How long after saving a page `protectpress serve` serves the rebuilt page.

This is what comms staff feel: `protectpress serve` (what `make serve` runs), edit, save, look. We start it on a
free port,
wait for the first build, then append a unique sentence to one page and poll the served page until the
sentence appears, a few times over, and report the median.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from .corpus import Corpus
from .run import BIN, environment

FIRST_BUILD_TIMEOUT = 900.0  # seconds: the first build of a large corpus under serve
EDIT_TIMEOUT = 300.0
POLL = 0.05


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _wait_for(url: str, text: str | None, timeout: float, server: subprocess.Popen) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"the preview server stopped (exit {server.returncode}); see its log in the corpus")
        page = _fetch(url)
        if page is not None and (text is None or text in page):
            return time.perf_counter() - started
        time.sleep(POLL)
    raise TimeoutError(f"{url} did not show {text!r} within {timeout:.0f} s")


SERVE_COMMANDS = {
    "protectpress": "protectpress serve",  # what `make serve` runs: re-renders only the changed pages
    "mkdocs": "mkdocs serve",  # MkDocs' own preview: rebuilds every page on each save
}


def serve_command(kind: str, corpus: Corpus, port: int) -> list[str]:
    if kind == "protectpress":
        return [str(BIN / "protectpress"), "serve", "-f", str(corpus.config("ours")), "--port", str(port)]
    return [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", str(corpus.config("ours")),
            "-a", f"127.0.0.1:{port}"]


def edit_to_preview(corpus: Corpus, *, kind: str = "protectpress", edits: int = 3) -> float:
    """Median seconds from saving an edit to the served page containing it, under `kind` (SERVE_COMMANDS)."""
    port = free_port()
    page_uri = "guidance/guidance-00001.md"
    source = corpus.docs / page_uri
    url = f"http://127.0.0.1:{port}/guidance/guidance-00001/"
    # The log goes to a file: serve logs every rebuild, and an unread pipe would fill up and stall it.
    log = (corpus.root / f"serve-{kind}.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        serve_command(kind, corpus, port),
        cwd=corpus.root, env=environment(), stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    original = source.read_text(encoding="utf-8")
    try:
        _wait_for(url, None, FIRST_BUILD_TIMEOUT, server)
        timings = []
        for _ in range(edits):
            marker = f"Edited for the benchmark {uuid.uuid4().hex}"
            time.sleep(1.0)  # let the watcher settle after the previous rebuild
            started = time.perf_counter()
            source.write_text(original + f"\n{marker}\n", encoding="utf-8")
            _wait_for(url, marker, EDIT_TIMEOUT, server)
            timings.append(time.perf_counter() - started)
        return statistics.median(timings)
    finally:
        source.write_text(original, encoding="utf-8")
        # Ctrl+C, as a writer stops it (protectpress serve then removes its preview folder); only the process we
        # started, and its children.
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
