"""The unsubscribe service's record: one row per person and newsletter they unsubscribed from.

It lives in the service's store (`database.py`: a SQLite file, or PostgreSQL). A repeated unsubscribe (a
replayed POST, a second click) is the same row, so the export never shows a person twice for one newsletter.
`how` tells a mail program's one-click POST from the button on our page and the preferences page, so the
suppression list says which it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.foundation.dates import stored_moment, stored_now
from ..core.foundation.email_addresses import address_key
from ..core.foundation.tokens import UnsubscribeRequest
from .database import COUNTED_KEY, Database

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS unsubscribes (
    id {COUNTED_KEY},
    at TEXT NOT NULL,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL,
    newsletter TEXT NOT NULL,
    key_id TEXT NOT NULL,
    how TEXT NOT NULL DEFAULT '',
    UNIQUE (address_key, newsletter)
)
"""

# How an unsubscribe came: a mail program's one-click POST, the button on the link's page, the preferences page.
ONE_CLICK, LINK_PAGE, PREFERENCES = "one-click", "link", "preferences"


def moment_text(at: dt.datetime | None = None) -> str:
    """A moment as the service records it (core.foundation.dates.stored_moment): `at`, else the clock."""
    return stored_moment(at) if at is not None else stored_now()


class EventStore:
    """Unsubscribe events; each call is its own transaction, so server threads never share one."""

    def __init__(self, store: Path | Database) -> None:
        self.db = store if isinstance(store, Database) else Database(store)
        self.path = self.db.path
        self.db.schema(_SCHEMA)
        if "how" not in self.db.columns("unsubscribes"):  # a store made before `how` was recorded
            with self.db.transaction() as tx:
                tx.execute("ALTER TABLE unsubscribes ADD COLUMN how TEXT NOT NULL DEFAULT ''")

    def record(self, request: UnsubscribeRequest, at: dt.datetime | None = None, how: str = ONE_CLICK) -> bool:
        """Record one unsubscribe; False when it was already recorded (nothing changes)."""
        with self.db.transaction() as tx:
            cursor = tx.execute(
                "INSERT INTO unsubscribes (at, address, address_key, newsletter, key_id, how) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (moment_text(at), request.address, address_key(request.address), request.newsletter, request.key_id,
                 how))
            return cursor.rowcount == 1

    def since(self, last_id: int, limit: int) -> list[dict[str, object]]:
        """Up to `limit` events after `last_id`, oldest first."""
        with self.db.transaction() as tx:
            rows = tx.execute("SELECT id, at, address, newsletter, key_id, how FROM unsubscribes WHERE id > ? "
                              "ORDER BY id LIMIT ?", (last_id, limit)).fetchall()
        return [{"id": row[0], "at": row[1], "address": row[2], "newsletter": row[3], "key_id": row[4],
                 "how": row[5]} for row in rows]

    def about(self, address: str) -> list[dict[str, object]]:
        """Every event naming `address` (for a subject access request)."""
        with self.db.transaction() as tx:
            rows = tx.execute("SELECT at, newsletter, how FROM unsubscribes WHERE address_key = ? ORDER BY id",
                              (address_key(address),)).fetchall()
        return [{"at": row[0], "newsletter": row[1], "how": row[2]} for row in rows]

    def forget(self, address: str) -> int:
        """Erase every event naming `address` (a request to be forgotten); returns how many went.

        The deleted rows are checkpointed out of SQLite's WAL file, so the address is not left on disk there.
        """
        with self.db.transaction() as tx:
            deleted = tx.execute("DELETE FROM unsubscribes WHERE address_key = ?", (address_key(address),)).rowcount
        self.db.after_erasure()
        return deleted

    def count(self) -> int:
        with self.db.transaction() as tx:
            return int(tx.execute("SELECT COUNT(*) FROM unsubscribes").fetchone()[0])
