"""Loading any kind of page, and opening search, makes no request that fails and logs no console error.

Material's script once fetched `<feed folder>/sitemap.xml` for every feed link in a page's head (it takes
`rel="alternate"` links for language versions): this is the test that would have caught it, for every page
kind, with the offline worker and search at work as a reader meets them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from browser_checks import load_side_by_side, open_path, tabs
from page_kinds import discover_page_kinds

# Pages loading side by side (each in a tab of its own, one browser context), so their quiet half-seconds overlap.
PAGES_AT_ONCE = 6
# Kinds the shared list leaves to their siblings, which a reader still loads: a news item and the other indexes.
MORE_KINDS = {"news item": "news", "news index": "news/", "guidance index": "guidance/",
              "conference index": "conferences/"}


class Watcher:
    """Everything that went wrong in a page while it loaded: failed requests, HTTP errors, console errors."""

    def __init__(self, page) -> None:
        self.problems: list[str] = []
        page.on("requestfailed", lambda request: self.problems.append(
            f"request failed: {urlsplit(request.url).path} ({request.failure})"))
        page.on("response", lambda response: response.status >= 400 and self.problems.append(
            f"HTTP {response.status}: {urlsplit(response.url).path}"))
        page.on("console", lambda message: message.type == "error" and self.problems.append(
            f"console error: {message.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))


def every_page_kind(site: Path) -> dict[str, str]:
    kinds = {kind.name: kind.path for kind in discover_page_kinds(site).values()}
    for name, path in MORE_KINDS.items():
        if path.endswith("/"):
            kinds[name] = path
        else:  # a folder: its first page
            first = sorted((site / path).glob("*/index.html"))
            assert first, f"the example site has no {name}"
            kinds[name] = f"{first[0].parent.relative_to(site).as_posix()}/"
    return kinds


def test_no_page_kind_makes_a_failing_request_or_logs_a_console_error(example_site, new_page, site_url,
                                                                       page_kind):
    for required in ("home", "guidance", "action card", "conference write-up", "topic page", "sector page",
                     "newsletter archive", "newsletter web version", "subscribe page", "404"):
        page_kind(required)  # fails the test, naming the kind, if the example site lost one
    found: dict[str, list[str]] = {}
    pages = tabs(new_page(), PAGES_AT_ONCE)
    watchers = {page: Watcher(page) for page in pages}
    kinds = list(every_page_kind(example_site).items())
    loaded = load_side_by_side(pages, site_url, [path for _, path in kinds], state="networkidle")
    for (page, _), (name, path) in zip((pair for batch in loaded for pair in batch), kinds, strict=True):
        if watchers[page].problems:
            found[f"{name} (/{path})"] = watchers[page].problems
        watchers[page].problems = []  # before the tab loads its next page
    assert not found, "\n".join(f"{where}: {'; '.join(problems)}" for where, problems in found.items())


def test_opening_search_and_searching_makes_no_failing_request(new_page, site_url, page_kind):
    page = new_page()
    watcher = Watcher(page)
    open_path(page, site_url, page_kind("guidance").path)
    page.keyboard.press("/")
    page.keyboard.type("security")
    page.locator(".md-search-result__item").first.wait_for()
    page.locator("select[name=topic]").select_option(index=1)
    page.wait_for_load_state("networkidle")
    assert not watcher.problems, "; ".join(watcher.problems)
