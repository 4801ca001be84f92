"""What every subcommand shares: the -f option and turning settings problems into exit status 2."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeAlias

# Only what the command line needs is imported here: `protectpress COMMAND --help` and a mistyped option are
# answered without loading the core. What a command does imports what it uses when it runs.
if TYPE_CHECKING:
    import datetime as dt

    from ..core.foundation.settings import Settings

# What `add_subparsers()` returns: argparse gives the class no public name, and each command adds itself to it.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--config-file", metavar="FILE",
                        help="the project's mkdocs.yml (default: mkdocs.yml here or in a folder above)")


def settings_or_exit(args: argparse.Namespace) -> Settings:
    from ..core.foundation.config import ConfigError, load_settings

    try:
        return load_settings(args.config_file)
    except ConfigError as error:
        fail_config(error)


def fail_config(error: Exception | str) -> NoReturn:
    print(f"protectpress: {error}", file=sys.stderr)
    raise SystemExit(2)


def plainly(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A disk or journal problem ends as one line for comms staff, not a traceback."""
    @functools.wraps(run)
    def wrapper(args: argparse.Namespace) -> int:
        import sqlite3

        from ..core.foundation.settings import relative_path
        from ..core.sending.journal_records import JournalUnreadable

        try:
            return run(args)
        except OSError as error:
            # Commands run in the project folder: the file is named as comms staff see it there.
            where = f"{relative_path(error.filename, Path.cwd())}: " if getattr(error, "filename", None) else ""
            # Any command that sends or records: what it did before the fault is on disk (the send record is written
            # before each message goes), so say only that it stopped.
            warn(f"protectpress: {where}{error.strerror or error}. Nothing more was sent or written; what was done "
                 "before this is kept.")
        except JournalUnreadable as error:
            warn(f"protectpress: {relative_path(error.path, Path.cwd())}: {error.EXPECTED}, found {error.found()}. "
                 "Nothing was sent or changed. Keep the file, as it may be the only record of who was sent this "
                 "newsletter, and ask whoever looks after protectpress to look at it.")
        except sqlite3.Error as error:
            warn(f"protectpress: the send record could not be used ({error}). Is another program holding it?")
        return 1
    return wrapper


def say(*lines: str) -> None:
    print("\n".join(lines), flush=True)


def warn(*lines: str) -> None:
    print("\n".join(lines), file=sys.stderr, flush=True)


def config_file_or_exit(args: argparse.Namespace) -> Path:
    """The project's mkdocs.yml (`--config-file` or the nearest one); if there is none, say so and stop."""
    from ..core.foundation.config import ConfigError, find_config

    try:
        return find_config(args.config_file)
    except ConfigError as error:
        fail_config(error)


def newsletter_file_or_exit(settings: Settings, ref: str) -> Path:
    """The newsletter a command names (file or slug); a name that is none of them is a mistake on the command
    line, exit status 2, with the real newsletters listed: `send`, `sends` and `export` alike."""
    from ..core.foundation.problems import Problems
    from ..core.newsletter.model import find_newsletter_file

    problems = Problems()
    file = find_newsletter_file(settings, ref, problems)
    if file is None:
        warn(problems.report())
        raise SystemExit(2)
    return file


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


def at_moment(when: str | None) -> dt.datetime | None:
    """`--at WHEN` as a moment (None when not given). A `WHEN` that is not a moment is one plain line and exit
    status 2."""
    if when is None:
        return None
    from ..core.foundation.dates import DateError, parse_moment

    try:
        return parse_moment(when)
    except DateError as error:
        print(f"protectpress: --at: {error}, found {when!r}", file=sys.stderr)
        raise SystemExit(2) from None


def run_now(at: dt.datetime | None) -> dt.datetime:
    """The one "now" of a run, taken once and passed to everything that asks: `--at`'s moment, else
    core.foundation.dates.build_now (SOURCE_DATE_EPOCH when set, else the clock)."""
    if at is not None:
        return at
    from ..core.foundation.dates import DateError, build_now

    try:
        return build_now()
    except DateError as error:
        fail_config(error)
