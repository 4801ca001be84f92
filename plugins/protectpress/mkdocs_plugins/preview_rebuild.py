"""The preview's quick rebuild (`protectpress serve`): after a save that changed only the bodies of pages, render
those pages again and remake what carries their bodies, reusing everything else from the last whole build,
which the preview process keeps in memory (`KeptBuild`).

What a page's change reaches comes from one place, the map the build recorded as it made each output
(core/foundation/dependents.py): menus, listings, the home page and newsletter cards carry a page's front matter
only, so a body-only edit leaves them as they are; the feeds that carry the page get its new body; a newsletter
that embeds the page whole is not remade here, so such an edit takes a whole build. Anything else takes a whole
build too (`quick_rebuild` answers None): a file added or removed, any file but a page's Markdown (mkdocs.yml and
its vocabulary, a template or override, the notice, a newsletter, an image), a change to a page's front matter
(its title, date, tags, kind, draft: what menus and listings show), a page or newsletter whose scheduled moment
passed since the last build, or a plugin other than ours in mkdocs.yml (whose hooks we cannot replay).

Rendering one page again uses MkDocs' private `_populate_page` and `_build_page`, the two steps its `build` runs
for every page (tests/test_mkdocs_contract.py fails, naming them, if they change).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.structure.files import InclusionLevel

from ..core.checks.linkcheck import BuiltSite
from ..core.content.loading import is_content_source, load_content
from ..core.foundation.dates import scheduled_later
from ..core.foundation.frontmatter import front_matter_text
from ..core.foundation.problems import Problems
from ..core.project.notice import live_notice
from . import serve_cache

Stamp = tuple[int, int]  # a file's modification time (ns) and size


@dataclass
class Snapshot:
    """Every watched file's stamp, and the front matter of each Markdown file under docs/, as they were when
    taken (before a build reads them, so an edit made during the build shows as a change afterwards)."""

    stamps: dict[str, Stamp]
    fronts: dict[str, str | None] = field(default_factory=dict)  # absolute path -> front matter as written

    @classmethod
    def take(cls, watched: Iterable[tuple[Path, bool]]) -> Snapshot:
        """The stamps only: the front matter is read by `read_fronts` (before a whole build) or, for the files
        that changed, by `body_edits`."""
        stamps: dict[str, Stamp] = {}
        for path, recursive in watched:
            _stamp_into(stamps, str(path), recursive)
        return cls(stamps)

    def read_fronts(self, docs_dir: Path) -> None:
        self.fronts = {path: _front_of(path) for path in self.stamps
                       if path.endswith(".md") and _is_under(path, str(docs_dir))}


def _stamp_into(stamps: dict[str, Stamp], path: str, recursive: bool) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    if not os.path.isdir(path):
        stamps[path] = (info.st_mtime_ns, info.st_size)
        return
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=True):
            if recursive:
                _stamp_into(stamps, entry.path, recursive)
        else:
            try:
                info = entry.stat()
            except OSError:
                continue
            stamps[entry.path] = (info.st_mtime_ns, info.st_size)


def _is_under(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError):
        return None


def _front_of(path: str) -> str | None:
    text = _read(path)
    return front_matter_text(text) if text is not None else None


@dataclass
class KeptBuild:
    """The preview's last whole build: its MkDocs config (with our plugin, its features and all they know:
    the content, each page's rendered body, the feeds' entries, the dependency map) and the snapshot of the
    files it was built from."""

    config: MkDocsConfig
    snapshot: Snapshot
    site: BuiltSite | None = None  # the site's files as the last link check saw them

    def __post_init__(self) -> None:
        if self.site is None:
            self.site = _feature(self.plugin, "IntegrityFeature").site

    @property
    def plugin(self) -> Any:
        return self.config.plugins["protectpress"]


@dataclass
class QuickResult:
    """What a quick rebuild did: the problems it found, whether it stopped (`reason`: MkDocs' words when no
    problem of ours says why), what it made."""

    problems: Problems
    pages: list[str]
    seconds: float
    stopped: bool = False
    reason: str = ""
    # The feeds that carry the saved pages, written again by `then()` (`republish_after`): MkDocs' server holds
    # every request until the builder returns, so the preview runs this just after, and the page shows first.
    then: Callable[[], None] | None = None


def body_edits(kept: KeptBuild, now_snapshot: Snapshot, docs_dir: Path) -> dict[str, str] | None:
    """The pages whose body alone changed since the kept build (src_uri -> their text now), or None when
    anything else changed (a whole build is needed). Reads only the files whose stamp changed."""
    before, after = kept.snapshot.stamps, now_snapshot.stamps
    if before.keys() != after.keys():
        return None  # a file added or removed: menus, listings, links
    changed = [path for path, stamp in after.items() if before[path] != stamp]
    files = kept.plugin.files
    edits: dict[str, str] = {}
    fronts: dict[str, str] = {}
    for path in changed:
        if not path.endswith(".md") or not _is_under(path, str(docs_dir)):
            return None
        try:
            own = os.lstat(path)
        except OSError:
            return None
        if stat.S_ISLNK(own.st_mode) or own.st_nlink > 1:
            return None  # a link may lead out of the project: the whole build's boundary check judges it
        src_uri = Path(path).relative_to(docs_dir).as_posix()
        file = files.get_file_from_path(src_uri) if files is not None else None
        if not is_content_source(src_uri) or file is None or file.page is None or file.abs_src_path != path:
            return None
        text = _read(path)
        if text is None:
            return None
        front = front_matter_text(text)
        if front is None or front != kept.snapshot.fronts.get(path):
            return None  # the front matter changed (or cannot be read): menus and listings may show it
        fronts[path] = front
        edits[src_uri] = text
    now_snapshot.fronts = {**kept.snapshot.fronts, **fronts}
    return edits


def time_moved_something(kept: KeptBuild, now: dt.datetime) -> bool:
    """Whether a page, newsletter or the notice went live, or expired, between the kept build's now and `now`."""
    state = kept.plugin.state
    if any(item.publish_at is not None and scheduled_later(item.publish_at, now) != item.scheduled
           for item in state.content.items.values()):
        return True
    newsletters = _feature(kept.plugin, "NewsletterFeature").published.values()
    if any(newsletter.is_live(now) != newsletter.is_live(state.now) for newsletter, _ in newsletters):
        return True
    return live_notice(state.settings, Problems(), now) != _feature(kept.plugin, "NoticeFeature").notice


def quick_rebuild(kept: KeptBuild, snapshot: Snapshot, now: dt.datetime) -> QuickResult | None:
    """Render again only the pages whose body alone changed, and what carries their bodies; None when the
    change needs a whole build (see the module's docstring). Never raises for a content problem."""
    start = time.monotonic()
    config, plugin = kept.config, kept.plugin
    state = plugin.state
    if state is None or plugin.files is None or plugin.nav is None or plugin.env is None:
        return None
    if [name for name in config.plugins if name != "protectpress"]:
        return None  # another plugin's hooks would need a whole build
    settings = state.settings
    edits = body_edits(kept, snapshot, settings.docs_dir)
    if edits is None or time_moved_something(kept, now):
        return None
    reached = {src_uri: state.dependents.carrying_body(src_uri) for src_uri in edits}
    newsletters = _feature(plugin, "NewsletterFeature").published  # by web version src_uri
    if any(output in newsletters for outputs in reached.values() for output in outputs):
        return None  # a newsletter embeds the page whole: its email is made again by a whole build
    problems = Problems()
    # Each saved page validated as every build validates it (through the preview's memory of pages), with the
    # checks across pages that concern it (its titles and dates, which those checks compare, are unchanged).
    edited = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary, problems, sources=edits,
                          now=now, theme_dir=settings.custom_dir, markdown_extensions=settings.markdown_extensions,
                          memo=serve_cache.PAGES)
    for src_uri in edits:
        new, old = edited.items.get(src_uri), state.content.items.get(src_uri)
        if new is None or old is None or replace(new, body=old.body, body_line=old.body_line) != old:
            return None  # not valid before or now, or more than the body differs
    if problems.errors:
        kept.snapshot = snapshot
        return QuickResult(problems, [], time.monotonic() - start, stopped=True)
    state.problems, state._reported, state.stopped_with, state.now = problems, 0, None, now
    state.content.items.update(edited.items)
    kept.snapshot = snapshot  # from here the saved pages are what the preview shows, or what its problems name
    try:
        _render_again(config, plugin, list(edits))
        state.report()
        _after_pages(config, plugin, kept, list(edits))
    except (PluginError, Abort) as error:
        return QuickResult(problems, list(edits), time.monotonic() - start, stopped=True, reason=str(error))
    feeds = _feature(plugin, "FeedsFeature")
    then = (lambda: feeds.republish(config, list(edits))) if any(reached.values()) else None
    return QuickResult(problems, list(edits), time.monotonic() - start, then=then)


def _render_again(config: MkDocsConfig, plugin: Any, src_uris: list[str]) -> None:
    files, nav, env = plugin.files, plugin.nav, plugin.env
    integrity = _feature(plugin, "IntegrityFeature")
    # Each saved page's links and ids are scanned again; the theme's with it (it is the only page rendered).
    integrity.bodies.clear()
    integrity.body_ids.clear()
    integrity.theme_seen.clear()
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
    for src_uri in src_uris:
        file = files.get_file_from_path(src_uri)
        page = file.page
        page.markdown = page.content = None
        _populate_page(page, config, files)
        _build_page(page, config, doc_files, nav, env, excluded=file.inclusion.is_excluded())


def _after_pages(config: MkDocsConfig, plugin: Any, kept: KeptBuild, src_uris: list[str]) -> None:
    """What a whole build does after its pages, for the saved pages (the feeds follow: `QuickResult.then`):
    search, the offline worker (it versions pages by their bytes), and the link check of the pages rendered."""
    _feature(plugin, "SearchFeature").on_post_build(config=config)
    _feature(plugin, "OfflineFeature").on_post_build(config=config)
    integrity = _feature(plugin, "IntegrityFeature")
    site = kept.site
    if site is not None:
        site.rewritten(plugin.files.get_file_from_path(src_uri).dest_uri for src_uri in src_uris)
    kept.site = integrity.check(config, site=site)


def _feature(plugin: Any, name: str) -> Any:
    return next(feature for feature in plugin.features if type(feature).__name__ == name)
