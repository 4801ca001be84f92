"""The unsubscribe service's record: one row per person and newsletter they unsubscribed from, in SQLite.

WAL mode lets the export read while a POST writes. The file holds email addresses: it is created 0600 (and
SQLite gives its -wal and -shm files the same mode). A repeated unsubscribe (a replayed POST, a second click)
is the same row, so the export never shows a person twice for one newsletter.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

from ..core.sending.private_files import private_file
from ..core.sending.recipients import address_key
from ..core.unsubscribe.tokens import UnsubscribeRequest

_SCHEMA = """
CREATE TABLE IF NOT EXISTS unsubscribes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL,
    newsletter TEXT NOT NULL,
    key_id TEXT NOT NULL,
    UNIQUE (address_key, newsletter)
)
"""


class EventStore:
    """Unsubscribe events; each call opens its own connection, so server threads never share one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        private_file(path)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=15)

    def record(self, request: UnsubscribeRequest, at: dt.datetime | None = None) -> bool:
        """Record one unsubscribe; False when it was already recorded (nothing changes)."""
        moment = (at or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        with closing(self._connect()) as db, db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO unsubscribes (at, address, address_key, newsletter, key_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (moment, request.address, address_key(request.address), request.newsletter, request.key_id))
            return cursor.rowcount == 1

    def since(self, last_id: int, limit: int) -> list[dict[str, object]]:
        """Up to `limit` events after `last_id`, oldest first."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT id, at, address, newsletter, key_id FROM unsubscribes WHERE id > ? "
                              "ORDER BY id LIMIT ?", (last_id, limit)).fetchall()
        return [{"id": row[0], "at": row[1], "address": row[2], "newsletter": row[3], "key_id": row[4]}
                for row in rows]

    def forget(self, address: str) -> int:
        """Erase every event naming `address` (a request to be forgotten); returns how many went.

        The deleted rows are checkpointed out of the WAL file, so the address is not left on disk there.
        """
        with closing(self._connect()) as db:
            with db:
                deleted = db.execute("DELETE FROM unsubscribes WHERE address_key = ?",
                                     (address_key(address),)).rowcount
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def count(self) -> int:
        with closing(self._connect()) as db:
            return int(db.execute("SELECT COUNT(*) FROM unsubscribes").fetchone()[0])
