"""`protectpress build`: build the whole site into a temporary folder, then swap it in.

MkDocs empties `site_dir` before any plugin runs, so a failed `mkdocs build` leaves no site at all. Building
beside `site/` and renaming only after a complete success means a failed build leaves the previous `site/`
exactly as it was, and a web server copying `site/` never sees half a site.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..core.config import ConfigError, find_config, read_yaml, relative_path
from ..core.dates import DateError, parse_moment
from ..core.search import SearchIndexError, index_site
from .common import add_config_option, fail_config
from .staging import BuildLock, building_prefix, previous_name


def register(subparsers) -> None:
    parser = subparsers.add_parser("build", help="build the site, feeds and newsletters into site/",
                                   description="Build the site, feeds and newsletters. The previous site/ is "
                                   "replaced only when the whole build succeeds.")
    add_config_option(parser)
    parser.add_argument("--strict", action="store_true", help="warnings fail the build too")
    parser.add_argument("-d", "--site-dir", metavar="DIR", help="where to put the built site (default: site_dir)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    parser.add_argument("--at", metavar="WHEN", help="build the site as it is at this moment, e.g. 2026-12-01T09:00 "
                        "(UK time unless a zone is given): pages and newsletters with a later publish_at stay out, "
                        "and two builds at the same moment are identical (default: now, or SOURCE_DATE_EPOCH)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's notice about MkDocs 2.0 is not for comms staff
    try:
        config_file = find_config(args.config_file)
    except ConfigError as error:
        fail_config(error)
    if args.at is None:
        return build_atomically(config_file, site_dir=args.site_dir, strict=args.strict, quiet=args.quiet)
    try:
        moment = parse_moment(args.at)
    except DateError as error:
        print(f"protectpress: --at: {error}, found {args.at!r}", file=sys.stderr)
        return 2
    # SOURCE_DATE_EPOCH is the one way a build's "now" is fixed (core.dates.build_now); MkDocs reads it too,
    # for the sitemap's dates, so the whole site is made as at that moment.
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        return build_atomically(config_file, site_dir=args.site_dir, strict=args.strict, quiet=args.quiet)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def build_atomically(config_file: Path, *, site_dir: str | None = None, strict: bool = False, quiet: bool = False) -> int:
    from mkdocs import config as mkdocs_config
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    handler = _configure_logging(quiet)
    project_dir = config_file.parent
    try:
        configured_site_dir = str(read_yaml(config_file).get("site_dir") or "site")
    except ConfigError as error:
        print(f"protectpress: {error}", file=sys.stderr)
        return 2
    target = Path(site_dir or configured_site_dir)
    if not target.is_absolute():
        target = project_dir / target
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = BuildLock(target)  # held until the new site is in place; see staging.py
    lock.clear_leftovers()
    staging = Path(tempfile.mkdtemp(prefix=building_prefix(target), dir=target.parent))
    built = False
    shown_paths = _ShowTarget(staging, target)
    handler.addFilter(shown_paths)  # on the handler: a logger's filters miss its children's records
    try:
        config = mkdocs_config.load_config(str(config_file), site_dir=str(staging), strict=strict or None)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        # Inside the atomic build: a site whose search index failed is not swapped in.
        indexed = index_site(staging)
        built = True
    except SearchIndexError as error:
        _discard(staging)
        print(f"\nprotectpress: {error}\nThe build stopped; {relative_path(target, project_dir)}/ was left as it was.",
              file=sys.stderr)
        return 1
    except PluginError as error:
        _discard(staging)
        print(f"\n{error}\n\nThe build stopped; {relative_path(target, project_dir)}/ was left as it was.", file=sys.stderr)
        return 1
    except (Abort, ConfigurationError) as error:
        _discard(staging)
        print(f"\nprotectpress: {error}\nThe build stopped; {relative_path(target, project_dir)}/ was left as it was.",
              file=sys.stderr)
        return 1
    except Exception as error:
        # A fault of ours that no test found yet: still no traceback for comms staff, and the old site stays.
        _discard(staging)
        if os.environ.get("PROTECTPRESS_DEBUG"):
            raise
        print(f"\nprotectpress stopped on an unexpected error: {type(error).__name__}: {error}\n"
              f"The build stopped; {relative_path(target, project_dir)}/ was left as it was. This is a fault in "
              "protectpress, not in your content: report it with the output of "
              "'PROTECTPRESS_DEBUG=1 protectpress build'.", file=sys.stderr)
        return 1
    except BaseException:
        _discard(staging)
        raise
    finally:
        handler.removeFilter(shown_paths)
        if not built:
            lock.release()
    _swap_in(staging, target)
    lock.release()
    if not quiet:
        print(f"Indexed {indexed.pages} pages for search in {indexed.seconds:.1f} s")
        print(f"Built {relative_path(target, project_dir)}/")
    return 0


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


class _ShowTarget(logging.Filter):
    """MkDocs logs where it builds; comms staff should read `site/`, not our temporary folder, and not
    "Cleaning site directory", which empties only that temporary folder."""

    def __init__(self, staging: Path, target: Path) -> None:
        super().__init__()
        self.staging, self.target = str(staging), str(target)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message == "Cleaning site directory":
            return False
        if self.staging in message:
            record.msg, record.args = message.replace(self.staging, self.target), None
        return True


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
