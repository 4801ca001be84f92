"""`python -m benchmarks` (`make bench`): build, preview, newsletter and sending benchmarks in one table.

    make bench                                  # 300, 1,000 and 3,000 pages: takes a while (see README)
    make bench BENCH_ARGS=--quick               # 100 and 300 pages: a smoke run of a few minutes
    make bench BENCH_ARGS="--sizes 500,2000"    # any sizes; growth is largest over the one before
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .suite import FULL_SIZES, QUICK_SIZES, VARIANTS, Options, machine, run

RESULTS = Path(__file__).resolve().parent / "results"  # git-ignored
PARTS = ("builds", "preview", "newsletter", "sending", "subscriptions")


def parse(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"sizes {', '.join(map(str, QUICK_SIZES))} and "
                        "100/1,000 recipients: a smoke run")
    parser.add_argument("--sizes", help="comma-separated page counts (default: %(default)s)",
                        default=",".join(map(str, FULL_SIZES)))
    parser.add_argument("--recipients", help="comma-separated recipient counts for sending (default: %(default)s)",
                        default="1000,10000")
    parser.add_argument("--signups", type=int, default=500,
                        help="addresses that sign up and confirm, per store (default: %(default)s; --quick: 100)")
    parser.add_argument("--only", help=f"comma-separated parts to run, of: {', '.join(PARTS)}")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated builds to measure, of: %(default)s (the floor and ours always; "
                        "leaving out stock also leaves out the search transfer rows)")
    parser.add_argument("--preview", default="protectpress,mkdocs",
                        help="comma-separated preview servers for edit-to-preview, of: %(default)s")
    parser.add_argument("--repeat", type=int, default=1, help="builds per measurement; the fastest is kept")
    parser.add_argument("--workdir", type=Path, help="where to generate corpora (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora and sites")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where latest.md and latest.json go "
                        "(default: benchmarks/results/, git-ignored)")
    args = parser.parse_args(argv)
    sizes = QUICK_SIZES if args.quick else tuple(int(s) for s in args.sizes.split(","))
    recipients = (100, 1000) if args.quick else tuple(int(s) for s in args.recipients.split(","))
    parts = frozenset(p.strip() for p in args.only.split(",")) if args.only else frozenset(PARTS)
    # rebuild: ours, again; check: what comms staff run before every build, measured beside it.
    chosen = {x.strip() for x in args.variants.split(",")} | {"floor", "ours", "rebuild", "check"}
    variants = tuple(v for v in VARIANTS if v in chosen)
    kinds = tuple(k.strip() for k in args.preview.split(",") if k.strip())
    if any(k not in ("protectpress", "mkdocs") for k in kinds):
        parser.error(f"unknown preview servers in {args.preview!r}")
    unknown = parts - set(PARTS)
    if unknown or any(n < 1 for n in sizes + recipients):
        parser.error(f"unknown parts {sorted(unknown)}" if unknown else "sizes must be positive")
    return Options(sizes=tuple(sorted(sizes)), parts=parts, repeat=max(args.repeat, 1), workdir=args.workdir,
                   keep=args.keep, recipients=tuple(sorted(recipients)), results=args.results,
                   variants=variants, preview_kinds=kinds, signups=100 if args.quick else max(1, args.signups))


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    description = machine()
    table = run(options)
    text = f"Machine: {description}\n\n{table.markdown()}\n\nTargets:\n{table.targets()}\n"
    print(text)
    options.results.mkdir(parents=True, exist_ok=True)
    (options.results / "latest.md").write_text(text, encoding="utf-8")
    (options.results / "latest.json").write_text(
        json.dumps({"machine": description, "rows": table.as_json()}, indent=2), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
