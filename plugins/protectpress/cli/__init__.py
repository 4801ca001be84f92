"""The `protectpress` command. Each subcommand lives in its own module with `register(subparsers)`.

Every content or config mistake ends as a plain message and an exit status, never a traceback: comms staff
read this output. Exit 0: done; 1: problems in the content or a failed send; 2: a problem with the command
line or mkdocs.yml.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .. import __version__

# The module of each command, in the order `--help` lists them. A command loads only its own module: the
# sending stack (email, journals, SQLite) took a third of a second to import before every `protectpress build`.
# A command's module imports what the command does (the core, MkDocs) inside the functions that run it, so its
# `--help` or a mistyped option is answered in a tenth of a second instead of half a second and more.
COMMANDS: dict[str, str] = {
    "build": "build", "check": "check", "serve": "serve", "export": "export",
    "send": "sending", "sends": "records", "suppress": "records", "unsuppress": "records", "forget": "records",
    "bounces": "bounces", "unsubscribe": "unsubscribe", "subscriptions": "subscriptions",
    "subscribers": "subscriptions", "urls": "urls",
}


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line parser: with every command, or (given the arguments) with only the one they name."""
    root = argparse.ArgumentParser(
        prog="protectpress",
        description="Build the guidance site, feeds and partner newsletters, and send newsletters safely.",
    )
    root.add_argument("--version", action="version", version=f"protectpress {__version__}")
    subparsers = root.add_subparsers(dest="command", metavar="COMMAND", required=True)
    named = next((arg for arg in (sys.argv[1:] if argv is None else argv) if not arg.startswith("-")), None)
    # Help, a mistyped command or none at all: every command, so that argparse can list them.
    modules = [COMMANDS[named]] if named in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser(argv).parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
