"""`protectpress urls [--update]`: the record of published page addresses (published-urls.txt).

Without --update it compares the record with the pages the content would publish, without building: exit 1
when a recorded address would be gone (and no page redirects from it), listing pages not yet recorded.
With --update it adds every page published now to the record, and keeps every address already in it.
"""

from __future__ import annotations

import argparse
import sys

from .common import Subparsers, add_config_option, settings_or_exit


def register(subparsers: Subparsers) -> None:
    from ..core.checks.published import RECORD_NAME  # named in the help: the one import `urls --help` pays for

    parser = subparsers.add_parser("urls", help=f"check or update {RECORD_NAME}, the record of published addresses",
                                   description=f"Compare {RECORD_NAME} with the pages the site publishes now. "
                                   "A recorded address must stay published (or be redirected with "
                                   "redirect_from); --update records the new pages.")
    add_config_option(parser)
    parser.add_argument("--update", action="store_true", help=f"add the pages published now to {RECORD_NAME}")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..core.checks.published import (
        check_published,
        listed,
        new_addresses,
        published_urls,
        read_record,
        record_path,
        shown,
        updated_record,
        write_record,
    )
    from ..core.foundation.dates import build_now
    from ..core.foundation.problems import Severity
    from ..core.project.reading import load_project
    from ..core.site.redirects import plan_redirects

    settings = settings_or_exit(args)
    project = load_project(settings, now=build_now())
    problems = project.problems
    if problems.errors:
        print(problems.report(problems.errors), file=sys.stderr)
        print("Fix these problems first: the record can only be compared with valid content.", file=sys.stderr)
        return 1
    current = published_urls(settings, project.content, problems)
    redirected = {r.old_path for r in plan_redirects(project.content, settings.links, problems)}
    record = read_record(record_path(settings))
    where = settings.relative(record.path)
    if args.update:
        urls, added = updated_record(record, current)
        write_record(record.path, urls)
        print(f"{where}: {len(added)} new address{'' if len(added) == 1 else 'es'} recorded, {len(urls)} in all.")
        for url in added:
            print(f"  + {shown(url)}")
        return 0
    if not record.exists:
        print(f"{where}: no record yet. Run `protectpress urls --update` and commit the file.", file=sys.stderr)
        return 1
    before = len(problems)
    new = check_published(record, lambda url: url in current or url in redirected, current, problems, settings)
    found = problems.added_since(before)
    if found:
        print(problems.report(found))
    missing = [p for p in found if p.severity is Severity.ERROR]
    if not found:
        print(f"{where}: all {len(record.urls)} published addresses are still published.")
    if new:
        print(f"{where}: {new_addresses(len(new))} not recorded yet: the next `protectpress build` records "
              f"{'it' if len(new) == 1 else 'them'} ({listed(new)}).")
    return 1 if missing else 0

