"""The search feature: tells the theme which pages go into the search index and what it records about each,
and under `mkdocs serve` re-indexes the preview with Pagefind after each build. (`protectpress build` indexes
in cli/build.py, inside its atomic build.)"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..core.foundation.site_paths import is_newsletter_page
from ..core.site.search import SearchIndexError, index_site
from ..core.site.search_records import (
    SearchRecord,
    excluded_from_search,
    listing_record,
    newsletter_record,
    record_for,
)
from .state import BuildState

log = get_plugin_logger("protectpress")


class SearchFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        context["pp_search"] = self.record(page)
        return context

    def record(self, page: Page) -> SearchRecord | None:
        """The page's search record, or None for a page left out of search: a draft (shown in the preview
        only) or a page whose front matter says `search: {exclude: true}`."""
        if page.file.inclusion.is_excluded() or excluded_from_search(page.meta.get("search")):
            return None
        item = self.state.content.items.get(page.file.src_uri)
        if item is not None:
            return record_for(item, self.state.settings.vocabulary)
        if is_newsletter_page(page.file.src_uri):
            # The newsletter feature has already handed this web version to the feeds, with its date and sectors.
            path = self.state.settings.links.page_path(page.file.src_uri)
            entry = next((e for e in self.state.extra_feed_entries if e.page_path == path), None)
            return newsletter_record(entry.published if entry else None, entry.sectors if entry else (),
                                     self.state.settings.vocabulary)
        return listing_record(page.file.src_uri)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.state.serving:
            _preview_indexer(Path(config.site_dir), self.state.settings.language).request()


class _PreviewIndexer:
    """Re-indexes the preview in the background, so a save shows in the browser as quickly as before and
    search catches up a moment later; saves made while indexing runs lead to one more run, not a queue."""

    def __init__(self, site_dir: Path, language: str) -> None:
        self.site_dir = site_dir
        self.language = language
        self.wanted = threading.Event()
        # Set while nothing is asked for or running. A build in the tests' own process starts an indexer that
        # outlives its test: run late (`nice`, a busy machine), it indexed a folder pytest had removed and its
        # warning landed in the next test's --strict build.
        self.idle = threading.Event()
        self.idle.set()
        self._asking = threading.Lock()
        threading.Thread(target=self._run, name="pp-search-index", daemon=True).start()

    def request(self) -> None:
        with self._asking:
            self.idle.clear()
            self.wanted.set()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            try:
                result = index_site(self.site_dir, language=self.language, in_background=True)
            except SearchIndexError as error:
                log.warning(f"Search in the preview is out of date: {error}")
            else:
                log.info(f"Search index updated: {result.pages} pages in {result.seconds:.1f} s")
            finally:
                with self._asking:
                    if not self.wanted.is_set():
                        self.idle.set()


# MkDocs makes new plugin objects on every rebuild under `mkdocs serve`; the indexer lives as long as the server.
_INDEXERS: dict[Path, _PreviewIndexer] = {}
_INDEXERS_LOCK = threading.Lock()


def _preview_indexer(site_dir: Path, language: str) -> _PreviewIndexer:
    with _INDEXERS_LOCK:
        if site_dir not in _INDEXERS:
            _INDEXERS[site_dir] = _PreviewIndexer(site_dir, language)
        _INDEXERS[site_dir].language = language  # mkdocs.yml may have changed under the preview
        return _INDEXERS[site_dir]


def wait_for_preview_index(site_dir: Path, timeout: float) -> bool:
    """Wait until the preview's indexer for `site_dir` has nothing asked for or running; False on timeout."""
    with _INDEXERS_LOCK:
        indexer = _INDEXERS.get(site_dir)
    return indexer is None or indexer.idle.wait(timeout)
