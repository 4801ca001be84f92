"""What every subcommand shares: the -f option and turning settings problems into exit status 2."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn, TypeAlias

from ..core.config import ConfigError, Settings, find_config, load_settings

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
