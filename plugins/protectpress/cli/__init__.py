"""The `protectpress` command. Each subcommand lives in its own module with `register(subparsers)`.

Every content or config mistake ends as a plain message and an exit status, never a traceback: comms staff
read this output. Exit 0: done; 1: problems in the content or a failed send; 2: a problem with the command
line or mkdocs.yml.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from . import build, check, export, sending, serve, unsubscribe, urls

COMMANDS = [build, check, serve, export, sending, unsubscribe, urls]


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="protectpress",
        description="Build the guidance site, feeds and partner newsletters, and send newsletters safely.",
    )
    root.add_argument("--version", action="version", version=f"protectpress {__version__}")
    subparsers = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
