"""Files and folders that hold personal data (journals, outbox messages, the suppression list, test-send logs).

On POSIX they are readable by their owner only: files 0600, folders 0700, whatever the umask, and an existing
file or folder is tightened when we write to it (it may come from an older version, or a copy that lost its
modes). Every writer of personal data goes through here, so the rule is kept in one place. On Windows the
folder's own permissions apply.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import IO, Any

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_POSIX = os.name == "posix"

_FLAGS = {  # the open() modes our writers use, as os.open flags
    "a": os.O_WRONLY | os.O_APPEND,
    "w": os.O_WRONLY | os.O_TRUNC,
    "a+": os.O_RDWR | os.O_APPEND,
}


def private_folder(folder: Path) -> Path:
    """Make `folder`, and each parent it has to create, 0700; an existing `folder` is tightened to 0700.

    Existing parents are left as they are: `newsletters/` holds content, not personal data.
    """
    missing = []
    walk = folder
    while not walk.exists():
        missing.append(walk)
        walk = walk.parent
    for created in reversed(missing):
        created.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
    _tighten(folder, PRIVATE_FOLDER)
    return folder


def open_private(path: Path, mode: str = "a", *, encoding: str | None = None, newline: str | None = None) -> IO[Any]:
    """Open `path` for writing ("a", "w" or "a+", with "b" for bytes) as a 0600 file, created if missing."""
    _private_parent(path)
    flags = _FLAGS[mode.replace("b", "")] | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, PRIVATE_FILE)  # the mode only counts for a new file, after the umask...
    try:
        if _POSIX:
            # Someone else's file in a shared project (PermissionError) is theirs to decide.
            with contextlib.suppress(PermissionError):
                os.fchmod(descriptor, PRIVATE_FILE)  # ...so set it outright, which also tightens an existing file
        return os.fdopen(descriptor, mode, encoding=encoding, newline=newline)
    except BaseException:
        os.close(descriptor)
        raise


def replace_private(path: Path, data: bytes) -> None:
    """Write `data` to a 0600 temporary file beside `path`, then put it in place in one step."""
    temporary = path.with_name(path.name + ".tmp")
    with open_private(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def private_file(path: Path) -> Path:
    """Create `path` empty as a 0600 file if it is missing, or tighten it; for files another library writes
    (SQLite gives a database's -wal and -shm files the database file's own mode)."""
    open_private(path, "ab").close()
    return path


def _private_parent(path: Path) -> None:
    if not path.parent.exists():
        private_folder(path.parent)


def _tighten(path: Path, mode: int) -> None:
    if _POSIX and path.stat().st_mode & 0o777 != mode:
        # Someone else's folder in a shared project (PermissionError) is theirs to decide.
        with contextlib.suppress(PermissionError):
            os.chmod(path, mode)
