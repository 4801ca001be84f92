"""`protectpress serve [--port N] [--host H] [--open] [--at WHEN]`: the live preview, with no `make` needed.

Each save rebuilds the preview with the same `build_site` that `protectpress build` runs, so the preview shows
what the build will publish. A mistake never leaves the browser waiting: while the content has problems,
every page answers at once with a page listing them (file, line, what to do), and the browser reloads by
itself when they are fixed. Newsletter emails and web versions point at the preview server, so their
images and links work before the site is live.
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import webbrowser
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from .build import BuildResult, build_site, count, in_seconds
from .common import Subparsers, add_at_option, add_config_option, at_moment, fail_config, run_now

if TYPE_CHECKING:  # MkDocs is imported only when a preview starts; the core when the command runs
    from ..core.foundation.settings import Settings
    from ..mkdocs_plugins.preview_rebuild import KeptBuild, QuickResult


class _PreviewServer(Protocol):
    """What the preview uses of the server `_server_class` makes: MkDocs' live-reload server plus a problems page.
    (MkDocs is imported only when a preview starts, so this module cannot name its class up front.)"""

    url: str
    problems_page: bytes | None

    def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None: ...
    def serve(self, *, open_in_browser: bool = False) -> Any: ...
    def shutdown(self, wait: bool = False) -> None: ...

DEFAULT_PORT = 8000


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("serve", help="preview the site while you write; it updates on every save",
                                   description="Preview the site at http://127.0.0.1:8000/ (drafts included). "
                                   "Every save updates the preview; problems show in the browser.")
    add_config_option(parser)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"the port to serve on (default {DEFAULT_PORT})")
    parser.add_argument(
        "--host", default="127.0.0.1", help="the address to serve on (default 127.0.0.1, this computer only)"
    )
    parser.add_argument("--open", action="store_true", help="open the preview in your web browser")
    add_at_option(parser, "preview the site")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..core.foundation.config import ConfigError, find_config, load_settings

    try:
        config_file = find_config(args.config_file)
        settings = load_settings(config_file)
    except ConfigError as error:
        fail_config(error)
    if not port_is_free(args.host, args.port):
        suggestion = next_free_port(args.host, args.port + 1)
        # Both ways of starting it: the handbook's `make serve`, and the command (on the path only in an
        # activated virtual environment, as `make` users seldom have).
        hint = (f' Try: make serve SERVE_ARGS="--port {suggestion}" (or: protectpress serve --port {suggestion})'
                if suggestion else "")
        print(f"Port {args.port} is already in use (is another preview running?).{hint}", file=sys.stderr)
        return 2
    mount_path = urlsplit(settings.site_url).path or "/"
    preview = Preview(config_file, args.host, args.port, mount_path, watched=_watched(settings),
                      language=settings.language, docs_dir=settings.docs_dir, at=at_moment(args.at))
    return preview.run(open_browser=args.open)


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself binds
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def next_free_port(host: str, start: int, tries: int = 100) -> int | None:
    return next((port for port in range(start, min(start + tries, 65536)) if port_is_free(host, port)), None)


def _watched(settings: Settings) -> list[tuple[Path, bool]]:
    """(path, recursive): what a save in should update the preview. Not recursive for newsletters/: a send
    writes its journal to newsletters/.sends/, and a rebuild per journal write would make the preview spin."""
    from ..core.newsletter.render import template_path

    paths = [(settings.docs_dir, True), (settings.config_file, False), (settings.newsletters_dir, False),
             (template_path(settings).parent, True)]
    if settings.custom_dir is not None:
        paths.append((settings.custom_dir, True))
    return [(path, recursive) for path, recursive in paths if path.exists()]


class Preview:
    """One preview: a folder it builds into, MkDocs' live-reload server over it, and the latest problems."""

    def __init__(self, config_file: Path, host: str, port: int, mount_path: str,
                 watched: Iterable[tuple[Path, bool]], language: str, docs_dir: Path,
                 at: dt.datetime | None = None) -> None:
        self.config_file = config_file
        self.at = at  # `--at`: every build of the preview is as at this moment; None: each build's own now
        self.language = language  # as the preview started: the problems page shows when mkdocs.yml may not read
        self.folder = Path(tempfile.mkdtemp(prefix="protectpress-preview-"))
        self.server = _server_class()(builder=self.rebuild, host=host, port=port, root=str(self.folder),
                                      mount_path=mount_path, polling_interval=0.25)
        self.watched = list(watched)
        self.docs_dir = docs_dir
        self._kept: KeptBuild | None = None  # the last whole build, kept for the quick rebuild of the next save
        self._lock = threading.Lock()

    def rebuild(self) -> None:
        """Update the preview; never raises, so the server never waits on a failed build. A save that changed
        only the bodies of pages renders those again and what carries them (`quick_rebuild`); anything else is
        a whole build, whose MkDocs config the preview keeps in memory for the next save."""
        from protectpress.mkdocs_plugins.preview_rebuild import KeptBuild, Snapshot, quick_rebuild

        with self._lock:
            now = run_now(self.at)
            snapshot = Snapshot.take(self.watched)
            if self._kept is not None:
                try:
                    quick = quick_rebuild(self._kept, snapshot, now)
                except Exception:  # a fault of ours in the quick way: the whole build below still shows the page
                    if os.environ.get("PROTECTPRESS_DEBUG"):
                        raise
                    quick = None
                if quick is not None:
                    self._show_quick(quick)
                    if quick.then is not None:
                        # After this builder returns: MkDocs' server holds every request until it does.
                        threading.Thread(target=self._then, args=(quick.then,), name="pp-preview-feeds",
                                         daemon=True).start()
                    return
                self._kept = None  # the whole build below replaces it
            result = self._quick_check(now)
            if result is None:
                snapshot.read_fronts(self.docs_dir)
                result = build_site(self.config_file, self.folder, now=now, serve_url=self.server.url)
                if result.ok and result.config is not None:
                    self._kept = KeptBuild(result.config, snapshot)
            self._show(result)

    def _then(self, step: Callable[[], None]) -> None:
        """What a quick rebuild leaves until the page shows (the feeds that carry it), before the next save's."""
        with self._lock:
            try:
                step()
            except Exception as error:  # the next whole build says it in full; the page itself is fine
                if os.environ.get("PROTECTPRESS_DEBUG"):
                    raise
                self._kept = None
                print(f"The preview's feeds could not be updated ({error}); the next save rebuilds them.",
                      file=sys.stderr)

    def _show(self, result: BuildResult) -> None:
        if result.ok:
            self.server.problems_page = None
            if result.problems:
                print(result.problems.report(), file=sys.stderr)
            print(f"Preview updated: {result.made()}.", file=sys.stderr)
        else:
            from ..core.site.preview_page import problems_page

            self.server.problems_page = problems_page(result.problems, result.stopped, self.language)
            if result.problems:
                print(result.problems.report(), file=sys.stderr)
            reason = (result.stopped or "").removesuffix(".")  # inside brackets here, not a sentence of its own
            print(f"The preview shows the problems to fix ({reason}).", file=sys.stderr)

    def _show_quick(self, quick: QuickResult) -> None:
        """A quick rebuild's outcome, in the words of a whole build's."""
        errors = len(quick.problems.errors)
        stopped = None
        if quick.stopped:
            # Counted in the words of every other stop ("1 error to fix"), wherever the errors were found.
            stopped = quick.problems.summary() if errors else quick.reason or "MkDocs stopped"
        result = BuildResult(problems=quick.problems, stopped=stopped, pages=len(quick.pages), seconds=quick.seconds)
        if result.ok:
            self.server.problems_page = None
            if result.problems:
                print(result.problems.report(), file=sys.stderr)
            feeds = " (the feeds that carry it follow)" if quick.then is not None else ""
            print(f"Preview updated: {count(len(quick.pages), 'page')} rendered again {in_seconds(quick.seconds)}"
                  f"{feeds}.", file=sys.stderr)
        else:
            self._show(result)

    def _quick_check(self, now: dt.datetime) -> BuildResult | None:
        """The pages' own mistakes, found in milliseconds without starting MkDocs, so the problems page comes at
        once after a save; None when there are none, and the real build follows."""
        from ..core.content.loading import load_content
        from ..core.foundation.config import ConfigError, load_settings
        from ..core.foundation.problems import Problems

        try:
            settings = load_settings(self.config_file, site_url=self.server.url)
        except ConfigError as error:
            return BuildResult(stopped=str(error), config_problem=True)
        problems = Problems()
        from protectpress.mkdocs_plugins import serve_cache  # loaded already: the first build imported MkDocs

        load_content(settings.docs_dir, settings.project_dir, settings.vocabulary, problems, now=now,
                     markdown_extensions=settings.markdown_extensions, memo=serve_cache.PAGES)
        if not problems.errors:
            return None
        return BuildResult(problems=problems, stopped=problems.summary())

    def run(self, *, open_browser: bool = False) -> int:
        from ..core.foundation.dates import human_moment

        _stop_on_terminate()
        try:
            self.rebuild()
            for path, recursive in self.watched:
                self.server.watch(str(path), recursive=recursive)
            moment = f", as the site will be at {human_moment(self.at)}" if self.at else ""
            print(f"Previewing at {self.server.url}{moment} (press Ctrl+C to stop)", file=sys.stderr)
            if open_browser:
                threading.Timer(0.5, webbrowser.open, args=(self.server.url,)).start()
            try:
                self.server.serve()
            except KeyboardInterrupt:
                print("Stopped the preview.", file=sys.stderr)
            finally:
                self.server.shutdown()
        finally:
            from ..core.site.search import stop_indexing

            stop_indexing()  # the search index of its folder may be being written in the background
            shutil.rmtree(self.folder, ignore_errors=True)
        return 0


def _stop_on_terminate() -> None:
    """A polite stop (SIGTERM from `kill` or a service manager, SIGHUP from a closed terminal) ends the preview as
    Ctrl+C does: its build folder in the temporary folder is removed. By Python's default they ended the process
    where it stood, and every preview stopped so left its 4-5 MB copy of the site behind."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def _server_class() -> Callable[..., _PreviewServer]:
    from protectpress.mkdocs_plugins.preview_server import PreviewServer

    return PreviewServer
