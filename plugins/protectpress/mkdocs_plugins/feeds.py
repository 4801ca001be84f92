"""The feeds feature: collects each published page's rendered HTML, links feeds from every page's <head>,
generates the Subscribe page, and writes every feed after the build. The feed logic lives in core.feeds."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..core.feeds import (
    FORMATS,
    Feed,
    FeedEntry,
    PublishedFeeds,
    carried_ids,
    check_feed_images,
    entry_from_item,
    feeds_for_page,
    plan_feeds,
    publish_feeds,
    republish_feeds,
)
from ..core.foundation.dependents import Carries
from ..core.foundation.links import SiteLinks
from ..core.foundation.site_paths import SUBSCRIBE_PAGE, label_in_sentence
from ..core.subscriptions.page import SUBSCRIBE_SCRIPT, feed_anchor, subscribe_body, subscribe_markdown
from .state import BuildState


class FeedsFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.rendered: dict[str, str] = {}  # src_uri -> the page body HTML, for pages some feed carries
        self.carried: set[str] = set()  # ids (page URLs) of the entries that make some feed's newest `limit`
        self.pages: set[str] = set()  # docs sources the site builds: where feeds' home links may point
        self.page_entries: dict[str, FeedEntry] = {}  # src_uri -> each published page's entry, content still empty
        self.generates_subscribe_page = False
        # Each page's <head> feed links: an index page's (by src_uri) list its own feeds, every other page's the
        # site-wide feed's alone.
        self.site_feed_links: list[dict[str, str]] = []
        self.index_feed_links: dict[str, list[dict[str, str]]] = {}
        self.follow: dict[str, dict[str, str]] = {}  # index page src_uri -> its "Get updates about" link
        # The preview's: the feeds as last published, so a save that changed a page's body only remakes the feeds
        # that carry it (`republish`).
        self.kept: PublishedFeeds | None = PublishedFeeds() if state.serving else None
        # The last plan and what it was made from (`_planned_feeds`).
        self._plan: tuple[tuple[tuple[FeedEntry, ...], frozenset[str]], list[Feed]] | None = None

    @property
    def enabled(self) -> bool:
        return self.state.settings.plugin.feeds.enabled

    def on_config(self, config: MkDocsConfig) -> None:
        if self.enabled:
            check_feed_images(self.state.settings, self.state.problems)
        self.state.report("plugins.protectpress in mkdocs.yml has problems to fix")

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.rendered.clear()
        if not self.enabled:
            return files
        self.pages = {f.src_uri for f in files.documentation_pages()}
        self._plan = None  # the pages' entries are made anew
        self.page_entries = {item.src_uri: entry_from_item(item, "", self.state.settings)
                             for item in self.state.content.published()}
        # Feed membership needs only dates, kinds, tags and sectors, known now; keeping the HTML of just the
        # pages some feed carries holds memory flat as the site grows. Newsletter entries added later can
        # only push pages out of a feed, never bring others in, so this is a superset of what is written.
        planned = self._planned_feeds()
        self.carried = carried_ids(planned)
        by_id = {entry.id: src_uri for src_uri, entry in self.page_entries.items()}
        for feed in planned:  # each entry carries its page's rendered body
            self.state.dependents.record((by_id[e.id] for e in feed.entries if e.id in by_id), feed.folder,
                                         Carries.BODY)
        self.generates_subscribe_page = SUBSCRIBE_PAGE not in self.pages
        if self.generates_subscribe_page:
            # Appended last, so it is rendered after every other page (see on_page_markdown).
            files.append(File.generated(config, SUBSCRIBE_PAGE,
                                        content=subscribe_markdown(planned, self.state.settings)))
            self.pages.add(SUBSCRIBE_PAGE)
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.enabled and self.generates_subscribe_page and page.file.src_uri == SUBSCRIBE_PAGE:
            # Written again now: being the last page, it also sees the newsletter issues added since on_files.
            return subscribe_body(self._planned_feeds(), self.state.settings)
        return None

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> None:
        item = self.state.content.items.get(page.file.src_uri)
        if (self.enabled and item is not None and item.is_published_type and item.is_live
                and self.state.settings.links.page_url(item.src_uri) in self.carried):
            self.rendered[item.src_uri] = html

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # Every page's content is known now; templates are rendered next, and each links the feeds that exist.
        # Only index pages differ, so the links are made once per index page here, not once per page.
        if self.enabled:
            feeds, links = self._planned_feeds(), self.state.settings.links
            index_pages = {feed.index_page for feed in feeds if feed.index_page is not None}
            self.site_feed_links = _head_links(feeds_for_page("", feeds), links)
            self.index_feed_links = {page: _head_links(feeds_for_page(page, feeds), links) for page in index_pages}
            # "Get updates about <name>" on each topic, sector and type page, leading to its feed on Subscribe.
            self.follow = {}
            if SUBSCRIBE_PAGE in self.pages:
                for feed in feeds:
                    if feed.index_page is not None and feed.group != "site":
                        subscribe = links.relative_url(SUBSCRIBE_PAGE, from_src=feed.index_page)
                        self.follow[feed.index_page] = {
                            "label": label_in_sentence(feed.group, feed.label),
                            "href": f"{subscribe}#{feed_anchor(feed)}"}
        return env

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        if self.enabled:
            context["pp_feed_links"] = self.index_feed_links.get(page.file.src_uri, self.site_feed_links)
            context["pp_follow"] = self.follow.get(page.file.src_uri)
            if self.generates_subscribe_page and page.file.src_uri == SUBSCRIBE_PAGE:
                context["pp_page_scripts"] = [SUBSCRIBE_SCRIPT]  # the picker; the page works without it
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.enabled:
            return
        # The feeds' links only where the link check reads feeds: not under the preview (integrity.py).
        links: dict | None = None if self.state.serving else {}
        files = publish_feeds(self._entries(), self.state.settings, self.state.problems, self.pages,
                              pinned=tuple(self.state.pinned_feed_entries), kept=self.kept, links=links)
        self.state.counts["feeds"] = len(self._planned_feeds())
        self._write(Path(config.site_dir), files)
        self.state.feed_links = links or {}  # once written: the link check reads each file's links from here

    def republish(self, config: MkDocsConfig, src_uris: list[str]) -> None:
        """The preview's quick rebuild, after a save that changed only these pages' bodies (rendered again
        already): the feeds that carry them, written again with their new bodies."""
        if not self.enabled or self.kept is None:
            return
        links = self.state.settings.links
        contents = {links.page_url(src_uri): self.rendered[src_uri] for src_uri in src_uris
                    if src_uri in self.rendered}
        # Each file replaced whole: the preview serves the feeds while they are written.
        self._write(Path(config.site_dir),
                    republish_feeds(self.kept, contents, self.state.settings, self.state.problems), whole=True)

    def _write(self, site_dir: Path, files: dict[str, bytes], *, whole: bool = False) -> None:
        for path, data in files.items():
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if whole:
                part = target.with_name(target.name + ".part")
                part.write_bytes(data)
                os.replace(part, target)
            else:
                target.write_bytes(data)
        self.state.report("The feeds could not be written")

    def _entries(self, *, placeholders: bool = False) -> list[FeedEntry]:
        """Entries for every published page, plus what other features contributed (newsletter issues).

        With `placeholders`, pages not rendered yet get empty content: enough to decide which feeds exist."""
        if placeholders:
            entries = list(self.page_entries.values())
        else:
            entries = [dataclasses.replace(entry, content_html=self.rendered[src_uri])
                       for src_uri, entry in self.page_entries.items() if src_uri in self.rendered]
        return entries + list(self.state.extra_feed_entries)

    def _planned_feeds(self) -> list[Feed]:
        """Which feeds exist and what each carries. Asked for which entries to keep, the Subscribe page, the head
        links and the count; the answer changes only when a newsletter adds its entry or the pages change, so
        each plan is made once (a plan sorts and dates every entry: 0.1 CPU s at 1,000 pages)."""
        made_from = (tuple(self.state.extra_feed_entries), frozenset(self.pages))
        if self._plan is None or self._plan[0] != made_from:
            self._plan = (made_from, plan_feeds(self._entries(placeholders=True), self.state.settings, self.pages))
        return self._plan[1]


def _head_links(feeds: list[Feed], links: SiteLinks) -> list[dict[str, str]]:
    """The feeds' autodiscovery links, one per format, for main.html's `pp_feed_links`."""
    return [{"type": f.media_type, "title": f"{feed.title} ({f.name})", "href": links.absolute("/" + feed.path(f))}
            for feed in feeds for f in FORMATS]
