"""Running one measured process: wall-clock seconds and peak memory, and what a built site weighs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = Path("/usr/bin/time")
BIN = Path(sys.executable).parent
# Measure the peak memory of one child when GNU time is missing: a fresh wrapper per run, so that
# RUSAGE_CHILDREN covers just that one command.
_RUSAGE_WRAPPER = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
                   "usage = resource.getrusage(resource.RUSAGE_CHILDREN); "
                   "print('PEAK_KB', usage.ru_maxrss, 'CPU_S', usage.ru_utime + usage.ru_stime, file=sys.stderr); "
                   "sys.exit(code)")


# `protectpress build` run in this wrapper also reports the peak memory and CPU seconds of its own Python process:
# GNU time gives the largest process of the whole tree (Pagefind's when the site is indexed) and the CPU of all.
OWN_PEAK_WRAPPER = ("import resource, runpy, sys\nsys.argv = sys.argv[1:]\ncode = 0\n"
                    "try:\n    runpy.run_module('protectpress.cli', run_name='__main__')\n"
                    "except SystemExit as exit:\n    code = exit.code\n"
                    "own = resource.getrusage(resource.RUSAGE_SELF)\n"
                    "print('OWN_PEAK_KB', own.ru_maxrss, 'OWN_CPU_S', own.ru_utime + own.ru_stime, file=sys.stderr)\n"
                    "sys.exit(code)")


class CommandFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Measured:
    seconds: float  # wall clock
    peak_mb: float
    cpu_seconds: float  # user + system: what the work cost, barely moved by other processes on the machine
    own_peak_mb: float | None = None  # the measured Python process alone, without its children (OWN_PEAK_WRAPPER)
    own_cpu_seconds: float | None = None  # the same, in CPU seconds


def environment() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def measure(command: list[str], *, cwd: Path) -> Measured:
    """Run `command` once; its wall-clock time and its peak resident memory."""
    if GNU_TIME.exists():
        wrapped = [str(GNU_TIME), "-f", "PEAK_KB %M CPU_S %U+%S", *command]
    else:
        wrapped = [sys.executable, "-c", _RUSAGE_WRAPPER, *command]
    started = time.perf_counter()
    done = subprocess.run(wrapped, cwd=cwd, env=environment(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise CommandFailed(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    usage = re.findall(r"^PEAK_KB (\d+) CPU_S ([\d.]+)\+?([\d.]*)$", done.stderr, re.MULTILINE)
    if not usage:
        raise CommandFailed(f"no resource usage in the output of {' '.join(command)}:\n{done.stderr[-500:]}")
    peak_kb, user, system = usage[-1]  # kilobytes on Linux
    own = re.findall(r"^OWN_PEAK_KB (\d+) OWN_CPU_S ([\d.]+)$", done.stderr, re.MULTILINE)
    return Measured(seconds, int(peak_kb) / 1024, float(user) + float(system or 0),
                    own_peak_mb=int(own[-1][0]) / 1024 if own else None,
                    own_cpu_seconds=float(own[-1][1]) if own else None)


@dataclass(frozen=True)
class SiteWeight:
    site_mb: float
    mean_page_kb: float
    search_index_kb: float | None
    pages: int


def weigh(site_dir: Path) -> SiteWeight:
    """Total size, mean HTML page size and search index size of a built site (or the floor's output)."""
    total, html_total, pages = 0, 0, 0
    for path in site_dir.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                html_total += size
                pages += 1
    return SiteWeight(total / 1e6, html_total / max(pages, 1) / 1e3, _search_index_kb(site_dir), pages)


# Files Pagefind writes beside its index for its own ready-made search UIs, which our search box does not use.
_PAGEFIND_UI = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")


def _search_index_kb(site_dir: Path) -> float | None:
    """Material's whole index (every reader downloads it), or Pagefind's index on disk (a search downloads a
    few of its chunks); None when the site has neither."""
    material = site_dir / "search" / "search_index.json"
    if material.exists():
        return material.stat().st_size / 1e3
    pagefind = site_dir / "pagefind"
    if not pagefind.is_dir():
        return None
    return (
        sum(p.stat().st_size for p in pagefind.rglob("*") if p.is_file() and not p.name.startswith(_PAGEFIND_UI)) / 1e3
    )
