"""`protectpress check`: validate the whole content set without building, and list every problem."""

from __future__ import annotations

import argparse

from ..core.dates import human, human_moment
from ..core.project import going_live, load_project, major_changes_since_last_newsletter
from .common import add_config_option, settings_or_exit


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="check every page and newsletter without building",
                                   description="Check every page and newsletter, listing each problem once.")
    add_config_option(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="how to print the problems")
    parser.add_argument("--strict", action="store_true", help="warnings fail the check too")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    project = load_project(settings)
    problems = project.problems
    if args.format == "json":
        print(problems.as_json())
    else:
        if problems:
            print(problems.report())
        print(problems.summary() if problems else f"No problems found in {len(project.content.items)} pages.")
        coming = going_live(project)
        if coming:
            print("\nGoing live next (publish_at):")
            print("\n".join(f"  {human_moment(moment)}: {path} ({title})" for moment, path, title in coming))
        since, candidates = major_changes_since_last_newsletter(project)
        if candidates:
            after = f" since the last newsletter ({human(since)})" if since else ""
            print(f"\nNewsletter candidates: major changes{after}. Feature one with '- page: <path>' and "
                  "'as_updated: true' under items:")
            print("\n".join(f"  {human(change.date)}: {item.src_uri} ({item.title}): {change.note}"
                             for item, change in candidates))
    blocking = problems.blocking(strict=args.strict)
    return 1 if blocking else 0
