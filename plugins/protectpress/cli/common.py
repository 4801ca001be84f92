"""What every subcommand shares: the -f option and turning settings problems into exit status 2."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TypeAlias

from ..core.foundation.config import ConfigError, Settings, find_config, load_settings
from ..core.foundation.dates import DateError, parse_moment

# What `add_subparsers()` returns: argparse gives the class no public name, and each command adds itself to it.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--config-file", metavar="FILE",
                        help="the project's mkdocs.yml (default: mkdocs.yml here or in a folder above)")


def settings_or_exit(args: argparse.Namespace) -> Settings:
    try:
        return load_settings(args.config_file)
    except ConfigError as error:
        fail_config(error)


def fail_config(error: Exception | str) -> NoReturn:
    print(f"protectpress: {error}", file=sys.stderr)
    raise SystemExit(2)


def config_file_or_exit(args: argparse.Namespace) -> Path:
    """The project's mkdocs.yml (`--config-file` or the nearest one); if there is none, say so and stop."""
    try:
        return find_config(args.config_file)
    except ConfigError as error:
        fail_config(error)


def quiet_after_closed_pipe() -> int:
    """A read-only report piped into `head` (which closes the pipe early) ends quietly with status 0: standard
    output now goes nowhere, so Python's flush at exit raises no second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 0


def add_at_option(parser: argparse.ArgumentParser, what: str) -> None:
    """`--at WHEN`: the site as it is at a moment (`build`, `check` and `serve` alike)."""
    parser.add_argument("--at", metavar="WHEN", help=f"{what} as it is at this moment, e.g. 2026-12-01T09:00 "
                        "(UK time unless a zone is given): pages and newsletters with a later publish_at stay out "
                        "(default: now, or SOURCE_DATE_EPOCH)")


@contextlib.contextmanager
def at_moment(when: str | None) -> Iterator[None]:
    """Run the block as at `--at WHEN` (None: now). SOURCE_DATE_EPOCH is the one way a run's "now" is fixed
    (core.dates.build_now); MkDocs reads it too, for the sitemap's dates, so the whole site is made as at that
    moment. A `WHEN` that is not a moment is one plain line and exit status 2."""
    if when is None:
        yield
        return
    try:
        moment = parse_moment(when)
    except DateError as error:
        print(f"protectpress: --at: {error}, found {when!r}", file=sys.stderr)
        raise SystemExit(2) from None
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
