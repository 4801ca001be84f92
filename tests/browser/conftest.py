"""The browser gate's fixtures: Debian's Chromium, driven by Playwright, against the built example site.

One browser serves the whole package (a fresh context per test keeps tests independent; the sweeps that only
load and read a page of each kind share one a module, `reading_page`); the example site is
built once per session (`example_site` in tests/conftest.py) and served by the standard library on 127.0.0.1
at a random port. Nothing here downloads a browser: without Chromium the tests skip, and they fail instead
when PROTECTPRESS_REQUIRE_BROWSER is set (as CI sets it), so the gate can never be skipped silently there.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from browser_checks import DESKTOP, AxeCore
from page_kinds import PageKind, discover_page_kinds

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path(os.environ.get("PROTECTPRESS_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
# Installed by `make test` (see the Makefile) inside the venv; PROTECTPRESS_AXE_CORE points elsewhere.
AXE_CORE = Path(os.environ.get("PROTECTPRESS_AXE_CORE",
                               Path(sys.prefix) / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"))


def skip_or_fail(reason: str) -> None:
    """The one rule for a missing browser part: skip on a developer's machine, fail where it is required."""
    if os.environ.get("PROTECTPRESS_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (PROTECTPRESS_REQUIRE_BROWSER is set, so this fails instead of skipping)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the browser tests. Package scope: Playwright's sync API holds an event loop
    that would get in the way of the asyncio-based tests (the SMTP server) that run after this folder."""
    if not CHROMIUM.is_file():
        skip_or_fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
                     "to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass  # a line per request would bury pytest's output


class _CacheControlled(_QuietHandler):
    cache_control = ""  # each response's Cache-Control

    def end_headers(self) -> None:
        self.send_header("Cache-Control", self.cache_control)
        super().end_headers()


class _CacheableHandler(_CacheControlled):
    """Files that never change during a run (axe-core), marked so for the browser to keep them and their code."""

    cache_control = "max-age=86400, immutable"


class RevalidatedHandler(_CacheControlled):
    """Every response to be checked with the server before reuse (Cache-Control: no-cache, as hosts serve HTML):
    without it a page's Last-Modified alone made it fresh in the browser's cache for a tenth of its age, so what
    the browser showed offline depended on how many seconds had passed since the files were written."""

    cache_control = "no-cache"


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        # A browser that drops a request it no longer needs (Lighthouse between its passes) is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_url(example_site: Path) -> Iterator[str]:
    """The built example site served over HTTP on 127.0.0.1 at a free port: its root URL, ending in "/"."""
    with serving(example_site) as url:
        yield url


@contextlib.contextmanager
def serving(folder: Path, handler_class: type[SimpleHTTPRequestHandler] = _QuietHandler) -> Iterator[str]:
    """Serve `folder` over real HTTP on 127.0.0.1 at a free port (a service worker needs a real origin).
    The folder is looked up by path on every request, so a rebuild that swaps it in is served at once."""
    with running_server(functools.partial(handler_class, directory=str(folder))) as url:
        yield url


@contextlib.contextmanager
def running_server(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server of `handler` on 127.0.0.1 at a free port, in a thread of this process: its root URL."""
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def serve_site() -> Iterator[Callable[[Path], str]]:
    """Serve another built site (a test's own build) for the rest of the session: returns its root URL."""
    with contextlib.ExitStack() as stack:
        yield lambda site_dir: stack.enter_context(serving(site_dir))


@pytest.fixture(scope="session")
def page_kinds(example_site: Path) -> dict[str, PageKind]:
    return discover_page_kinds(example_site)


@pytest.fixture
def page_kind(page_kinds: dict[str, PageKind]) -> Callable[[str], PageKind]:
    """Look up a page kind; every kind is part of the product, so one missing from the example site fails."""

    def find(name: str) -> PageKind:
        if name not in page_kinds:
            pytest.fail(f"the example site has no {name} page; found kinds: {', '.join(sorted(page_kinds))}",
                        pytrace=False)
        return page_kinds[name]

    return find


@pytest.fixture(scope="session")
def axe_source() -> Iterator[AxeCore]:
    """axe-core's script, to inject into pages (a current 4.x, from npm): its text, and its URL on a server of its
    own that lets the browser cache it (see browser_checks.inject_axe)."""
    if not AXE_CORE.is_file():
        skip_or_fail(f"axe-core not found at {AXE_CORE}: `make test` installs it with npm "
                     "(install npm with `apt-get install npm`), or set PROTECTPRESS_AXE_CORE to an axe.min.js")
    source = AXE_CORE.read_text(encoding="utf-8")
    assert source.startswith("/*! axe v4."), f"{AXE_CORE} is not axe-core 4.x: {source[:40]!r}"
    with serving(AXE_CORE.parent, _CacheableHandler) as url:
        yield AxeCore(source=source, url=url + AXE_CORE.name)


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh browser context (own storage, viewport and colour scheme) for this test."""
    contexts = []

    def open_page(viewport: dict | None = None, **context_options):
        # The site's Content-Security-Policy forbids eval, which Playwright's string predicates
        # (wait_for_function) and axe's injected script need: tests see the page as it is with bypass_csp=False
        # (test_sec_site_csp_in_browser.py does).
        context_options.setdefault("bypass_csp", True)
        context = browser.new_context(viewport=viewport or DESKTOP, reduced_motion="reduce", **context_options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def reading_page(browser) -> Iterator[Callable[..., object]]:
    """Like `new_page`, for the cases of a module that load a page and read it (axe, screenshots, measurements) or
    click it (the drawer), leaving nothing in the context for the next case (no storage, cookies, routes, init
    scripts or offline switch; the site's scripts keep no state outside the page): one page per set of context
    options for the whole module, put back to the asked viewport each time. A context a case cost a quarter of a
    second and a cold cache; each case still loads its own page. Not for typing into search: with Pagefind already
    in the cache, the results of the first letters can land between two keystrokes on a loaded machine and be
    replaced under the keyboard's focus (a fresh context's first search is slower than the typing).
    Service workers are blocked so that every load comes from the network as a first visit's does, never from
    the offline worker an earlier case installed (the site's script registers it quietly or not at all)."""
    pages: dict[tuple, object] = {}

    def open_page(viewport: dict | None = None, **context_options):
        context_options.setdefault("bypass_csp", True)
        key = tuple(sorted(context_options.items()))
        if key not in pages:
            context = browser.new_context(viewport=viewport or DESKTOP, reduced_motion="reduce",
                                          service_workers="block", **context_options)
            pages[key] = context.new_page()
        page = pages[key]
        page.set_viewport_size(viewport or DESKTOP)
        return page

    yield open_page
    for page in pages.values():
        page.context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go for a person to look at (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
