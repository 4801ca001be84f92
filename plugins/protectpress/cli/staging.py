"""Clearing the temporary folders that a killed build left beside `site/`.

A build killed mid-way (Ctrl-C twice, a CI timeout, the machine stopping) leaves its `.site-building-*` folder,
a whole site's worth of files, and one killed while swapping leaves `.site-previous-<pid>`; nothing else would
ever remove them. Every build holds a shared lock on the folder that contains `site/` for as long as it runs
(the system releases it when the process ends, however it ends). A build that can take that lock exclusively
knows that no other build there is running, so every such folder is a leftover: it removes them, then shares
the lock like any build, and only then makes its own temporary folder. A build running at the same time as
another clears nothing, so it can never remove a folder that is being written.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no advisory locks, so only folders old enough to be abandoned are cleared
    fcntl = None  # type: ignore[assignment]

# Where there are no locks, a folder untouched this long belongs to no running build.
ABANDONED_AFTER = 24 * 60 * 60


def building_prefix(target: Path) -> str:
    return f".{target.name}-building-"


def previous_name(target: Path) -> str:
    return f".{target.name}-previous-{os.getpid()}"


class BuildLock:
    """Held (shared) from before a build makes its temporary folder until after it swaps `site/` in."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._fd: int | None = os.open(target.parent, os.O_RDONLY) if fcntl is not None else None

    def clear_leftovers(self) -> list[Path]:
        """Remove what killed builds left, when no other build is running here; then hold the lock shared."""
        if self._fd is None:
            return _remove_leftovers(self.target, older_than=ABANDONED_AFTER)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            removed = []  # another build is running: its folder is not ours to judge
        else:
            removed = _remove_leftovers(self.target, older_than=0)
        fcntl.flock(self._fd, fcntl.LOCK_SH)  # waits only while another build clears
        return removed

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def _remove_leftovers(target: Path, *, older_than: float) -> list[Path]:
    # Only names our builds make: mkdtemp's random suffix, or the previous site kept during a swap.
    ours = re.compile(re.escape(building_prefix(target)) + r"[A-Za-z0-9_]+|" + re.escape(f".{target.name}-previous-")
                      + r"\d+")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if not ours.fullmatch(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
        # A real folder (never a link) that this user made.
        if stat.S_ISDIR(info.st_mode) and mine and time.time() - info.st_mtime >= older_than:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed
