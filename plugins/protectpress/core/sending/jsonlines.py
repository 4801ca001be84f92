"""A private log of one JSON object a line, kept beside the send journals: the one way such a record is kept.

Two logs use it: the test sends (`testsends.py`) and the changes made to the suppression list by hand
(`suppression.py`). Both hold addresses, so the file is private (0600, in a 0700 folder) like the journals.
Each record is on disk before `append` returns (flushed and synced: it must survive a crash straight after
it); a torn last line left by a crash is passed over when reading, so the records before it still count;
`rewrite` (for `forget`) replaces the whole file at once, never leaving it half-written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..foundation.private_files import open_private, private_folder, replace_private

Entry = TypeVar("Entry")


class JsonLinesLog(Generic[Entry]):
    """`path`, one record a line: `fields` gives a record's JSON object, `entry` makes a record from one (and
    raises ValueError, KeyError or TypeError for a line that is not a whole record)."""

    def __init__(self, path: Path, fields: Callable[[Entry], dict[str, Any]], entry: Callable[[Any], Entry]) -> None:
        self.path = path
        self._fields = fields
        self._entry = entry

    def append(self, entry: Entry) -> Entry:
        """Add one record, on disk before this returns."""
        private_folder(self.path.parent)
        with open_private(self.path, "a", encoding="utf-8") as handle:
            handle.write(self._line(entry))
            handle.flush()
            os.fsync(handle.fileno())
        return entry

    def entries(self) -> list[Entry]:
        """Every whole record, oldest first."""
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(self._entry(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line after a crash: the other records still count
        return entries

    def rewrite(self, entries: list[Entry]) -> None:
        """Replace every record with `entries` (what `forget` keeps), in one step."""
        replace_private(self.path, "".join(self._line(entry) for entry in entries).encode("utf-8"))

    def _line(self, entry: Entry) -> str:
        return json.dumps(self._fields(entry)) + "\n"
