"""`protectpress check`: every check a build runs, without touching site/, and every problem listed once.

It is a real build into a throwaway folder: the same function `protectpress build` runs, so links, images,
alt text, published addresses and the email rules are checked exactly as the build checks them, and the two
list the same problems in the same words.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .build import build_site
from .common import Subparsers, add_at_option, add_config_option, at_moment, config_file_or_exit, fail_config, run_now

if TYPE_CHECKING:
    from ..core.project.reading import Candidates


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser("check", help="check every page and newsletter without changing site/",
                                   description="Run every check the build runs, without changing site/, "
                                   "listing each problem once.")
    add_config_option(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="how to print the problems")
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    add_at_option(parser, "check the site")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..core.foundation.dates import human, human_moment
    from ..core.project.reading import going_live, major_changes_since_last_newsletter
    from ..core.sending.compose import ONE_CLICK_OFF

    config_file = config_file_or_exit(args)
    scratch = Path(tempfile.mkdtemp(prefix="protectpress-check-"))
    try:
        result = build_site(config_file, scratch / "site", now=run_now(at_moment(args.at)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if result.config_problem:
        fail_config(result.stopped or "mkdocs.yml could not be read")
    problems = result.problems
    project = result.project
    # Before the report: a send journal that cannot be read is one of its warnings.
    candidates = major_changes_since_last_newsletter(project, problems) if project is not None else None
    if args.format == "json":
        print(problems.as_json())
    else:
        if problems:
            print(problems.report())
        print(problems.summary() if problems else f"No problems found in {result.pages} pages.")
        coming = going_live(project) if project is not None else []
        if coming:
            print("\nGoing live next (publish_at):")
            print("\n".join(f"  {human_moment(moment)}: {path} ({title})" for moment, path, title in coming))
        if candidates and candidates.changes:
            print(f"\nNewsletter candidates: major changes{_since(candidates)}. Feature one with '- page: <path>' "
                  "and 'as_updated: true' under items:")
            print("\n".join(f"  {human(change.date)}: {item.src_uri} ({item.title}): {change.note}"
                             for item, change in candidates.changes))
        if candidates and candidates.unreadable:
            print(f"\nThe send record {', '.join(candidates.unreadable)} could not be read (see the warning above). "
                  "Keep the file, as it may be the only record of who was sent that newsletter, and ask whoever "
                  "looks after protectpress to look at it.")
        if result.newsletters and project is not None and not project.settings.plugin.sending.unsubscribe_url:
            print(f"\nBefore sending to a list: {ONE_CLICK_OFF}")
    if not result.ok and not problems.errors:
        # Stopped for a reason that is not one of our problems (MkDocs' own): say it, in its words.
        print(result.stopped, file=sys.stderr)
        return 1
    return 1 if problems.blocking(strict=args.strict) else 0


def _since(candidates: Candidates) -> str:
    from ..core.foundation.dates import human

    if candidates.since:
        return f" since the last newsletter sent to the list ({human(candidates.since)})"
    if candidates.unreadable:
        return " since the start (a send record could not be read, so when the last newsletter went is not known)"
    return " (no newsletter has been sent to the list yet)"
