"""`protectpress build`: build the whole site into a temporary folder, then swap it in.

MkDocs empties `site_dir` before any plugin runs, so a failed `mkdocs build` leaves no site at all. Building
beside `site/` and renaming only after a complete success means a failed build leaves the previous `site/`
exactly as it was, and a web server copying `site/` never sees half a site.

`build_site` is the one build: `protectpress build`, `protectpress check` (into a throwaway folder) and
`protectpress serve` (into the preview's folder) all run it, so the three find the same problems.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.foundation.problems import Problems
from .common import Subparsers, add_at_option, add_config_option, at_moment, config_file_or_exit, run_now
from .staging import BuildLock, building_prefix, previous_name

if TYPE_CHECKING:  # what a build uses is imported when it runs: `protectpress build --help` loads none of it
    from ..core.project.reading import Project
    from ..core.site.kept_search import KeptSearchIndex
    from ..core.site.search import PageIndexer


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("build", help="build the site, feeds and newsletters into site/",
                                   description="Build the site, feeds and newsletters. The previous site/ is "
                                   "replaced only when the whole build succeeds.")
    add_config_option(parser)
    parser.add_argument("--strict", action="store_true", help="warnings fail the build too")
    parser.add_argument("-d", "--site-dir", metavar="DIR", help="where to put the built site (default: site_dir)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    add_at_option(parser, "build the site")
    parser.epilog = "Two builds at the same --at moment are identical."
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config_file = config_file_or_exit(args)
    at = at_moment(args.at)
    # A build as at another moment is a look ahead (or back): its addresses are not yet published.
    return build_atomically(config_file, now=run_now(at), site_dir=args.site_dir, strict=args.strict,
                            quiet=args.quiet, record=at is None)


@dataclass
class BuildResult:
    """What one build found and made. `stopped` says in plain words why it stopped; None when it finished."""

    problems: Problems = field(default_factory=Problems)
    stopped: str | None = None
    config_problem: bool = False  # mkdocs.yml itself is wrong: exit status 2, as for every command
    pages: int = 0
    feeds: int = 0
    newsletters: int = 0
    seconds: float = 0.0
    project: Project | None = None  # what the build read (content, its "now"): check lists what goes live next
    # A finished preview build's MkDocs config, with our plugin and all it knows: the preview keeps it to render
    # a saved page again without a whole build (mkdocs_plugins/preview_rebuild.py). None for other builds.
    config: Any = None

    @property
    def ok(self) -> bool:
        return self.stopped is None

    def made(self) -> str:
        return (f"{count(self.pages, 'page')}, {count(self.feeds, 'feed')} and "
                f"{count(self.newsletters, 'newsletter')} {in_seconds(self.seconds)}")


def in_seconds(seconds: float) -> str:
    """How long something took, as comms staff read it: "in 0.0 seconds" read as if nothing had happened."""
    return f"in {seconds:.1f} seconds" if seconds >= 0.05 else "in under 0.1 seconds"


def build_site(config_file: Path, site_dir: Path, *, now: dt.datetime, strict: bool = False,
               serve_url: str | None = None, dirty: bool = False, quiet: bool = True,
               indexer: PageIndexer | KeptSearchIndex | None = None) -> BuildResult:
    """Build the site into `site_dir` as at `now` (the run's one "now": scheduling, expiry, review dates and the
    sitemap's dates all read it) and collect every problem; print nothing of ours (callers decide how).

    `serve_url` makes it a preview build: drafts are built, links point at the preview server, and the
    first content error stops it at once (the preview shows an error page instead). `indexer` is given each
    page as it is written (search indexing overlapped with the build)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's notice about MkDocs 2.0 is not for comms staff
    from mkdocs import config as mkdocs_config
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError

    from ..core.foundation.config import ConfigError, load_settings
    from ..core.project.reading import Project
    from ..mkdocs_plugins import mkdocs_words
    from ..mkdocs_plugins.plugin import BuildInputs, ProtectpressPlugin

    start = time.monotonic()
    result = BuildResult()
    try:
        # The core reads the settings first: a mistake in mkdocs.yml is one plain line, never hundreds of
        # errors from every page built with it.
        load_settings(config_file, site_dir=site_dir, site_url=serve_url)
    except ConfigError as error:
        result.stopped, result.config_problem = str(error), True
        return result
    handler = _configure_logging(quiet)
    plain = _PlainWords()
    handler.addFilter(plain)  # on the handler: a logger's filters miss its children's records
    config = None
    try:
        overrides = {"site_url": serve_url} if serve_url else {}
        config = mkdocs_config.load_config(str(config_file), site_dir=str(site_dir), strict=strict or None,
                                           **overrides)
        plain.state = lambda: getattr(config.plugins.get("protectpress"), "state", None)
        plugin = config.plugins.get("protectpress")
        # Our ProtectpressPlugin, one instance for every build in this process (MkDocs' plugin_cache): it holds
        # this build's inputs while the build runs, and nothing of an earlier one (plugin.py).
        sink = indexer.add if indexer is not None else None
        with (plugin.inputs_of_one_build(BuildInputs(now=now, page_sink=sink))
              if isinstance(plugin, ProtectpressPlugin) else contextlib.nullcontext()):
            config.plugins.on_startup(command="serve" if serve_url else "build", dirty=dirty)
            try:
                with full_collections_held():
                    build(config, serve_url=serve_url, dirty=dirty)
                result.config = config if serve_url else None
            finally:
                config.plugins.on_shutdown()
    except (Abort, ConfigurationError) as error:
        state = plain.state()
        if state is not None and state.problems.errors:
            result.stopped = state.problems.summary()  # as `check` ends, word for word
        elif mkdocs_words.STRICT_MODE in str(error):
            result.stopped = "--strict: warnings count as errors"
        else:
            result.stopped = str(error).removeprefix(mkdocs_words.BUILD_ERROR).strip() or "MkDocs stopped"
            result.config_problem = isinstance(error, ConfigurationError)
    except Exception as error:
        # A fault of ours that no test found yet: still no traceback for comms staff.
        if os.environ.get("PROTECTPRESS_DEBUG"):
            raise
        result.stopped = (f"protectpress stopped on an unexpected error: {type(error).__name__}: {error}\n"
                          "This is a fault in protectpress, not in your content: report it with the output of "
                          "'PROTECTPRESS_DEBUG=1 protectpress build'.")
    finally:
        handler.removeFilter(plain)
    state = plain.state()
    if state is not None:
        result.problems = state.problems
        result.pages, result.feeds, result.newsletters = (state.counts[k] for k in ("pages", "feeds", "newsletters"))
        result.project = Project(settings=state.settings, content=state.content, problems=state.problems,
                                 now=state.now)
    result.seconds = time.monotonic() - start
    return result


_held_lock = threading.Lock()
_held_builds = 0
_held_threshold: tuple[int, int, int] | None = None


@contextlib.contextmanager
def full_collections_held() -> Iterator[None]:
    """No full collection by the cyclic garbage collector while a build runs; young ones as before, and the
    thresholds back as they were after the last build running in the process ends (tests and the preview build
    in-process). MkDocs holds every page until the build ends, so each full collection walked all of them
    again: 5 at 1,000 pages, 0.25 of the 0.55 CPU s spent collecting (issue 29)."""
    global _held_builds, _held_threshold
    with _held_lock:
        if _held_builds == 0:
            _held_threshold = gc.get_threshold()
            young, middle, _ = _held_threshold
            gc.set_threshold(young, middle, 1 << 30)
        _held_builds += 1
    try:
        yield
    finally:
        with _held_lock:
            _held_builds -= 1
            if _held_builds == 0 and _held_threshold is not None:
                gc.set_threshold(*_held_threshold)


def build_atomically(
    config_file: Path, *, now: dt.datetime, site_dir: str | None = None, strict: bool = False, quiet: bool = False,
    record: bool = True,
) -> int:
    """Build into a folder beside the site and swap it in; then (`record`) add the new page addresses to
    published-urls.txt, saying which, so they are committed with the pages."""
    # Held to the end, not only while MkDocs builds: given back then, the collector made one full collection of
    # every page at once (0.22 CPU s at 3,000 pages) while the search index was written.
    with full_collections_held():
        return _build_atomically(config_file, now=now, site_dir=site_dir, strict=strict, quiet=quiet, record=record)


def _build_atomically(config_file: Path, *, now: dt.datetime, site_dir: str | None, strict: bool, quiet: bool,
                      record: bool) -> int:
    from ..core.checks.published import RECORD_NAME, listed, new_addresses, record_new_addresses
    from ..core.foundation.config import ConfigError, load_settings
    from ..core.foundation.settings import DEFAULT_LANGUAGE, relative_path
    from ..core.site.kept_search import KeptSearchIndex
    from ..core.site.search import PageIndexer, SearchIndexError

    project_dir = config_file.parent
    language = DEFAULT_LANGUAGE  # a broken mkdocs.yml stops the build before any page is indexed
    cache_dir = None
    try:
        settings = load_settings(config_file)
        target, language = Path(site_dir) if site_dir else settings.site_dir, settings.language
        cache_dir = settings.cache_dir
    except ConfigError as error:
        if not site_dir:
            print(f"protectpress: {error}", file=sys.stderr)
            return 2
        target = Path(site_dir)  # build_site reports the mistake, in the words of every other build problem
    if not target.is_absolute():
        target = project_dir / target
    shown = relative_path(target, project_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = BuildLock(target)  # held until the new site is in place; see staging.py
    lock.clear_leftovers()
    staging = Path(tempfile.mkdtemp(prefix=building_prefix(target), dir=target.parent))
    indexer = None
    try:
        try:
            # Pagefind starts first and is given each page as it is written: on two cores its work overlaps the
            # build's instead of following it (core/site/search.py PageIndexer). A build that writes the same pages
            # as the last one puts the index it made back instead (core/site/kept_search.py).
            indexer = (KeptSearchIndex(staging, language=language, cache_dir=cache_dir) if cache_dir is not None
                       else PageIndexer(staging, language=language))
            result = build_site(config_file, staging, now=now, strict=strict, quiet=quiet, indexer=indexer)
        except BaseException as error:
            _discard(staging)
            if indexer is not None:
                indexer.close()
            if not isinstance(error, SearchIndexError):
                raise
            print(f"protectpress: {error}\nThe build stopped; {shown}/ was left as it was.", file=sys.stderr)
            return 1
        if result.problems:
            print(result.problems.report(), file=sys.stderr)
        if not result.ok:
            indexer.close()
            _discard(staging)
            prefix = "protectpress: " if result.config_problem else ""
            print(f"{prefix}{result.stopped}\nThe build stopped; {shown}/ was left as it was.", file=sys.stderr)
            return 2 if result.config_problem and not result.problems else 1
        assert result.project is not None  # a build that finished read the project
        try:
            # Inside the atomic build: a site whose search index failed is not swapped in.
            indexed = indexer.finish()
        except BaseException as error:
            _discard(staging)
            if not isinstance(error, SearchIndexError):
                raise
            print(f"protectpress: {error}\nThe build stopped; {shown}/ was left as it was.", file=sys.stderr)
            return 1
        _swap_in(staging, target)
    finally:
        lock.release()
    added = record_new_addresses(result.project.settings, result.project.content) \
        if record and result.project is not None else []
    if not quiet:
        print(f"Built {shown}/: {result.made()}.")
        print(f"Indexed {indexed.pages} pages for search {in_seconds(indexed.seconds)}")
    if added:  # even when quiet: a file of the project changed, to be committed with the pages
        print(f"Recorded {new_addresses(len(added))} in {RECORD_NAME} (commit it with the pages): "
              f"{listed(added)}")
    return 0


def count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _swap_in(staging: Path, target: Path) -> None:
    """Replace `target` with `staging` using renames, so there is never a moment with a half-written site."""
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read the result
    old = None
    if target.exists():
        old = target.with_name(previous_name(target))
        os.rename(target, old)
    os.rename(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


class _PlainWords(logging.Filter):
    """Keeps MkDocs' output to what a comms officer can act on. Our own problems are left out here because the
    caller prints the whole list once, in the same words as `protectpress check`."""

    def __init__(self) -> None:
        super().__init__()
        self.state = lambda: None

    def filter(self, record: logging.LogRecord) -> bool:
        from ..mkdocs_plugins import mkdocs_words

        if record.name.startswith("mkdocs.plugins.protectpress"):
            return False
        message = record.getMessage()
        if message.startswith(mkdocs_words.NOISE):
            return False
        state = self.state()
        return not (state is not None and state.stopped_with is not None and message == state.stopped_with)


def _configure_logging(quiet: bool) -> logging.Handler:
    # MkDocs' own CLI sets this up; we are calling its build function directly.
    logger = logging.getLogger("mkdocs")
    handler = next((h for h in logger.handlers if getattr(h, "_protectpress", False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._protectpress = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
    return handler
