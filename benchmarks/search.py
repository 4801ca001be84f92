"""Part 5: what search costs a reader, and what indexing costs the build.

A reader's bytes are counted at the server, uncompressed (the standard library's server sends files as they
are; Pagefind's index chunks are gzip files already), in a fresh browser context (its own empty cache; one Chromium
serves every site of a run) so nothing is cached:
- the first visit to a guidance page, without searching: for ours, nothing of search may load; stock
  Material fetches its whole `search/search_index.json` on every first visit;
- then one two-word search typed into the search box, until its results show: everything fetched for it.
Indexing time: Pagefind re-run over the site `protectpress build` wrote (the same work the build did).
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from protectpress.core.foundation.settings import DEFAULT_LANGUAGE
from protectpress.core.site.search import index_site

from .run import Measured, measure

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
GUIDANCE_PAGE = "guidance/guidance-00001/"
TWO_WORDS = "hostile reconnaissance"  # both from the corpus' word list, so they match many pages: a hard case
SEARCH_PATHS = ("/pagefind/", "/search/", "/assets/javascripts/pp-search.js")
RESULTS_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class Transfer:
    first_visit_kb: float  # everything the first visit to a guidance page fetched
    search_on_load_kb: float  # of which search files (Material's index, or anything of Pagefind)
    one_search_kb: float | None  # fetched by one two-word search after that visit; None: no search box found


def index_seconds(site_dir: Path) -> float:
    return index_site(site_dir, language=DEFAULT_LANGUAGE).seconds


def index_cpu(site_dir: Path) -> Measured:
    """Pagefind re-run alone over a built site, measured like a build (its CPU seconds include a Python start,
    a few hundredths of a second, so the plugin's own share is if anything understated)."""
    script = "import sys; from pathlib import Path; from protectpress.core.site.search import index_site; " \
             f"index_site(Path(sys.argv[1]), language={DEFAULT_LANGUAGE!r})"
    return measure([sys.executable, "-c", script, str(site_dir)], cwd=site_dir)


class Reader:
    """`transfer(site_dir, ours=...)` with one Chromium for every site measured, started at the first: each reader
    is a fresh browser context (its own empty cache and storage), so sharing the browser saves its start, not a
    byte. `close()` stops it."""

    def __init__(self) -> None:
        self._running = contextlib.ExitStack()
        self._browser = None

    def transfer(self, site_dir: Path, *, ours: bool) -> Transfer:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            playwright = self._running.enter_context(sync_playwright())
            self._browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            self._running.callback(self._browser.close)
        return _transfer(self._browser, site_dir, ours=ours)

    def close(self) -> None:
        self._running.close()
        self._browser = None


@contextlib.contextmanager
def reader() -> Iterator[Reader]:
    shared = Reader()
    try:
        yield shared
    finally:
        shared.close()


def _transfer(browser, site_dir: Path, *, ours: bool) -> Transfer:
    """Bytes a reader downloads from the built site in `site_dir`. `ours`: drive our search box (Pagefind);
    otherwise stock Material's (which needs no typing to have fetched its index)."""
    served: Counter[str] = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_CountingHandler, served, directory=str(site_dir)))
    # Polled every 0.05 s, not every 0.5 (the default): shutdown() below waits for the next poll, after every reader.
    threading.Thread(target=server.serve_forever, args=(0.05,), name="bench-site", daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url + GUIDANCE_PAGE, wait_until="load")
        page.wait_for_load_state("networkidle")
        first_visit, on_load = sum(served.values()), _search_bytes(served)
        served.clear()
        page.keyboard.press("/")
        page.keyboard.type(TWO_WORDS)
        results = ".md-search-result__item" if not ours else ".md-search-result__item .md-search-result__link"
        page.locator(results).first.wait_for(timeout=RESULTS_TIMEOUT_MS)
        page.wait_for_load_state("networkidle")
        one_search = sum(served.values())
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return Transfer(first_visit / 1e3, on_load / 1e3, one_search / 1e3)


def _search_bytes(served: Counter[str]) -> int:
    return sum(size for path, size in served.items() if path.startswith(SEARCH_PATHS))


class _CountingHandler(SimpleHTTPRequestHandler):
    """Serves the site and adds up the body bytes sent for each path."""

    def __init__(self, served: Counter[str], *args, **kwargs) -> None:
        self.served = served
        super().__init__(*args, **kwargs)

    def copyfile(self, source, outputfile) -> None:
        start = source.tell()
        super().copyfile(source, outputfile)
        self.served[self.path.split("?")[0]] += source.tell() - start

    def log_message(self, format: str, *args) -> None:
        pass


def available() -> str | None:
    """Why the transfer rows cannot be measured here, or None when they can."""
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM}"
    try:
        import playwright  # noqa: F401 - only whether it is installed
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None
