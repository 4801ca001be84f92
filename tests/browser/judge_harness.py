"""The harness of the judge-in-browser tests (test_sec_site_judge_in_browser.py, test_sec_site_judge_on_page_kinds.py):
pages of the one browser whose requests to ORIGIN are answered from what a test serves, loaded side by side, and
which names ran on each (a payload that runs calls `window.__pwned` into being)."""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import running_server

ORIGIN = "http://judge.test/"


# Pages loading side by side in the one browser: each payload still gets a top-level page load of its own, and the
# browser's time goes on loading instead of waiting for this process between loads.
PAGES_AT_ONCE = 8
# A link to click once its animated address has reached its last value, where the animation freezes (a fixed
# pause for it cost 0.4 s a batch).
ANIMATED_LINKS_FROZEN = """() => [...document.querySelectorAll('animate[attributeName=href]')].every(animation => {
  const values = (animation.getAttribute('values') || '').split(';');
  return animation.parentElement.href.animVal === values[values.length - 1].trim();
})"""

PAYLOAD_RAN = "() => window.__pwned !== undefined"
CLICKED_LINK_DEADLINE_MS = 5_000


def ran_in_pages(pages, urls: list[str]) -> list[list[str]]:
    """The names that ran on each of `urls`, each loaded in a page of its own, up to len(pages) at a time."""
    ran: list[list[str]] = []
    for start in range(0, len(urls), len(pages)):
        batch = list(zip(pages, urls[start:start + len(pages)], strict=False))
        for page, url in batch:
            page.goto(url, wait_until="commit")
        for page, _ in batch:
            page.wait_for_load_state("load")
        # A script of the page's own world, not a locator: a locator's first use on each page injects Playwright's
        # selector engine, 40 ms a page, for a question document.getElementById answers.
        clicked = [page for page, _ in batch if page.evaluate("document.getElementById('pp-click') !== null")]
        for page in clicked:
            # Clicked in the tab in front, as a reader clicks: in a tab behind the others Chromium draws no frames,
            # so Playwright's wait for a steady target took two seconds, and the followed link ran a second late.
            page.bring_to_front()
            page.wait_for_function(ANIMATED_LINKS_FROZEN)
            page.locator("#pp-click").click()
        for page in clicked:
            # A followed javascript: link runs in a task of its own after the click returns (Chromium 156 runs it
            # later than 30 ms on a busy machine): give it time to run. One that never runs is reported as such.
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_function(PAYLOAD_RAN, timeout=CLICKED_LINK_DEADLINE_MS)
        pages[0].wait_for_timeout(30)  # an image's error event can land just after load
        ran += [page.evaluate("window.__pwned || []") for page, _ in batch]
    return ran


class _JudgeOrigin(BaseHTTPRequestHandler):
    """A proxy for the judge's pages that serves ORIGIN itself: each request arrives with the whole address."""

    protocol_version = "HTTP/1.1"  # keep-alive: the pages of a batch reuse their connections
    served: dict[str, tuple[str, bytes]]
    site: Path

    def do_GET(self) -> None:
        address = self.path.removeprefix(ORIGIN)
        path = address.split("?")[0]
        file = self.site / path
        cache = "no-store"
        if address in self.served or path in self.served:
            status, (content_type, body) = 200, self.served.get(address) or self.served[path]
        elif path and file.is_file():
            # The built site's styles and scripts, the same for every page: kept by the browser for the test.
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            status, body = 200, file.read_bytes()
            cache = "max-age=600"
        else:
            status, content_type, body = 404, "text/plain", b""
        self.send_response(status)
        # The content type alone, as given: a page's encoding is its own to declare (the UTF-16 files by their BOM).
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


@contextlib.contextmanager
def _judge_origin(site: Path) -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    served: dict[str, tuple[str, bytes]] = {}
    handler = type("Handler", (_JudgeOrigin,), {"served": served, "site": site})
    with running_server(handler) as url:
        yield url.rstrip("/"), served


@pytest.fixture
def route_page(new_page, example_site):
    """PAGES_AT_ONCE pages whose requests to ORIGIN are answered from `served` (path or path?query -> (content type,
    bytes)), else from the built example site (so a built page loads its own styles and scripts), else 404.

    Answered by a server of this process that the pages' context uses as its proxy, not by Playwright's routing:
    a routed request made a round trip to this process through Playwright's driver (a built page's five cost
    150 ms), and routing turns the browser's cache off, so every page fetched the site's styles and scripts again."""
    with _judge_origin(example_site) as (proxy, served):
        first = new_page(proxy={"server": proxy})
        pages = [first, *(first.context.new_page() for _ in range(PAGES_AT_ONCE - 1))]
        yield pages, served
