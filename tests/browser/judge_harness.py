"""The harness of the judge-in-browser tests (test_sec_site_judge_in_browser.py, test_sec_site_judge_on_page_kinds.py):
pages of the one browser whose requests to ORIGIN are answered from what a test serves, loaded side by side, and
which names ran on each (a payload that runs calls `window.__pwned` into being)."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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
        clicked = [page for page, _ in batch if page.locator("#pp-click").count()]
        for page in clicked:
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


@pytest.fixture
def route_page(new_page, example_site):
    """PAGES_AT_ONCE pages whose requests to ORIGIN are answered from `served` (path or path?query -> (content type,
    bytes)), else from the built example site (so a built page loads its own styles and scripts), else 404."""
    first = new_page()
    pages = [first, *(first.context.new_page() for _ in range(PAGES_AT_ONCE - 1))]
    served: dict[str, tuple[str, bytes]] = {}

    def answer(route) -> None:
        address = route.request.url.removeprefix(ORIGIN)
        path = address.split("?")[0]
        file = example_site / path
        if address in served or path in served:
            content_type, body = served.get(address) or served[path]
            route.fulfill(status=200, content_type=content_type, body=body)
        elif path and file.is_file():
            route.fulfill(status=200, path=str(file))
        else:
            route.fulfill(status=404, body=b"")

    first.context.route(ORIGIN + "**", answer)
    return pages, served
