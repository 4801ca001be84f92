"""What one build remembers for the next: small facts that are slow to work out and cannot make a page wrong.

Kept in `.cache/protectpress/` in the project folder (Material for MkDocs keeps its own in `.cache/` the same
way; both are git-ignored and never published). Only facts that no value read back can make wrong or unsafe
belong here: each reader checks what it reads and works the fact out again when it is missing or not one of
the values it could have been. So a cache from another version, a half-written file or a planted one cannot
put anything wrong on the site, and deleting the folder is always safe.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

CACHE_FOLDER = Path(".cache") / "protectpress"


class BuildMemory:
    """One JSON file of facts by key. Reading never fails (a bad file is an empty memory); saving never fails
    the build either (a read-only project just starts cold next time)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._values: dict[str, Any] = _read(path) if path is not None else {}
        self._changed = False

    def get(self, key: str) -> Any:
        return self._values.get(key)

    def put(self, key: str, value: Any) -> None:
        if self._values.get(key) != value:
            self._values[key] = value
            self._changed = True

    def save(self) -> None:
        """Write the file if anything was learnt: whole or not at all (a temporary file renamed over it)."""
        if self.path is None or not self._changed:
            return
        if write_json_whole(self.path, self._values):
            self._changed = False


def write_json_whole(path: Path, value: Any) -> bool:
    """Write `value` as compact JSON to `path` whole or not at all (a temporary file, readable by this user only,
    renamed over it); False when it could not be written, which never fails a build: the next one starts cold."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        # json.dumps, not json.dump: the one-shot C encoder (json.dump goes through the pure-Python one). Only
        # for small files: the sealed memory, which can hold megabytes, writes entry by entry (sealedmemory.py).
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
        return True
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False


def _read(path: Path) -> dict[str, Any]:
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}
