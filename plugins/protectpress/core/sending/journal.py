"""The send journal: one SQLite file per newsletter that makes a bulk send resumable and never-twice.

Each recipient moves pending -> sending -> sent | failed-temporary | failed-permanent. `sending` is
committed (WAL, synchronous=FULL: on disk before we go on) before the SMTP transaction starts, so after a
crash the one row still `sending` is the only message whose fate we do not know: it becomes `unknown` and is
left alone unless the sender asks to resend it. Everything else is either sent or safe to send.

The relay's answer (`record_outcome`) is committed at once too, so it survives this process being killed,
but the wait for the disk itself is left to the next `sending` commit, whose flush of the write-ahead log
carries it (or to closing the journal): one wait for the disk a message instead of two, which on an ordinary
disk was most of a bulk send's time. Only a power cut in between can undo it, and then the row is still
`sending`: `unknown`, never sent twice.
That is the one place the connection is switched to synchronous=NORMAL and back: about 10 µs a message. A
second connection kept at NORMAL for outcomes was tried (2026-12-07) and was slower: each connection drops its
page cache whenever the other has written, so every message read its pages again (10,000 more reads for
1,000 messages, 0.4 ms a message more in wall time).

The journal holds personal data (addresses, names, relay replies): it lives under the git-ignored
`newsletters/.sends/`, and `forget` deletes a person from it. What stays is a salted hash of their address, so
that resuming the send (with them still on the recipients file) does not mail them again. What it records and
the two ways it refuses to open are in journal_records.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ..foundation.dates import read_stored_moment, stored_now
from ..foundation.email_addresses import address_key
from ..foundation.private_files import open_private, private_file, private_folder
from .journal_records import (
    BounceRecord,
    CampaignRecord,
    Delivery,
    JournalBusy,
    JournalUnreadable,
    RunRecord,
    State,
)
from .recipients import Recipient

# One send per newsletter at a time; the OS drops the lock when the process dies, even by kill -9.
if sys.platform == "win32":  # pragma: no cover - Windows
    import msvcrt
else:
    import fcntl


_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaign (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    content_hash TEXT NOT NULL, subject TEXT NOT NULL, started TEXT NOT NULL, relay TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    key TEXT PRIMARY KEY,          -- the address in lower case
    address TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL,     -- order in the recipients file, so a resumed send keeps its order
    state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, reply TEXT NOT NULL DEFAULT '',
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS erased (  -- people erased by `forget`: enough to skip them, not to read them back
    digest TEXT PRIMARY KEY        -- SHA-256 of this journal's salt and the address in lower case
);
CREATE TABLE IF NOT EXISTS bounces (  -- delivery reports about this newsletter, read by `bounces`
    report TEXT PRIMARY KEY,       -- the report's Message-ID (or a digest of it): each is recorded once
    key TEXT NOT NULL,             -- the address in lower case, as in deliveries
    address TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, diagnostic TEXT NOT NULL DEFAULT '',
    received TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bounces_by_key ON bounces (key);  -- one person's soft bounces, across journals
CREATE TABLE IF NOT EXISTS salt (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS message_id_salt (  -- the secret in this newsletter's Message-IDs and VERP tags
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value TEXT NOT NULL            -- '' for a journal begun before they had one: it keeps its unsalted IDs
);
CREATE TABLE IF NOT EXISTS runs (  -- each run that sent (a send resumed three times has four), as it started
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL, relay TEXT NOT NULL,
    live_check TEXT NOT NULL       -- what the pre-send live check found, or that it was skipped
);
CREATE TABLE IF NOT EXISTS run_ends (  -- how each run ended, so `sends` can tell a run that sent nothing
    run INTEGER PRIMARY KEY, sent INTEGER NOT NULL, stopped TEXT NOT NULL  -- "" when it was not stopped
);
"""


PAGE_CACHE_KIB = 512


def journal_path(journal_dir: Path, slug: str) -> Path:
    return journal_dir / f"{slug}.sqlite"


def recorded_slugs(journal_dir: Path) -> list[str]:
    """The newsletters (and notices) with a send journal in `journal_dir`, by name."""
    return sorted(path.stem for path in journal_dir.glob("*.sqlite")) if journal_dir.is_dir() else []


def _sidecars(path: Path) -> tuple[Path, Path]:
    """The write-ahead log and shared-memory files SQLite keeps beside a database in WAL mode."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def bulk_sent_at(journal_dir: Path, slug: str) -> dt.datetime | None:
    """When the send of newsletter `slug` to its list began, if it reached anyone (a test send, a dry run or
    the outbox keeps no journal, or one with nobody sent); None otherwise. Reads only a journal that exists."""
    path = journal_path(journal_dir, slug)
    if not path.is_file():
        return None
    with SendJournal(path) as journal:
        record = journal.campaign()
        if record is None or not journal.counts()[State.SENT]:
            return None
    return read_stored_moment(record.started)


class SendJournal:
    """One newsletter's journal. Use as a context manager; `lock()` before sending."""

    def __init__(self, path: Path | None) -> None:
        """Open (or create) the journal at `path`; None gives a throwaway one in memory, for dry runs."""
        self.path = path
        if path is not None:
            private_folder(path.parent)
            private_file(path)  # SQLite gives the -wal and -shm files it creates the database's own mode...
            for sidecar in _sidecars(path):
                if sidecar.exists():  # ...but ones left by an older version keep theirs until tightened
                    private_file(sidecar)
        # Autocommit mode: every statement below is its own durable transaction unless grouped explicitly.
        self._db = sqlite3.connect(":memory:" if path is None else path, isolation_level=None, timeout=30)
        try:
            self._set_up()
        except sqlite3.DatabaseError as error:
            self._db.close()
            if path is None or isinstance(error, sqlite3.OperationalError):
                raise
            raise JournalUnreadable(path, str(error)) from None
        self._lock_file: IO[Any] | None = None
        self._unsynced: tuple[str, State, str] | None = None  # the last outcome not yet flushed to the disk
        self._erased: set[str] | None = None
        self._erased_salt = ""  # the salt those digests were made with, read with them

    def _set_up(self) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA secure_delete=ON")  # `forget` overwrites a person's row instead of leaving it
        # SQLite's page cache (2 MB by default) would fill as the list grows: the rows are read and written one
        # person at a time, and the operating system caches the file anyway. 512 KiB keeps a send's memory flat.
        self._db.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        self._db.execute(f"PRAGMA temp.cache_size=-{PAGE_CACHE_KIB}")
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> SendJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            if self._unsynced is not None:
                # Written again, flushed: closing flushes the log only when no other program has the journal open.
                self.mark(*self._unsynced)
        finally:
            self._db.close()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def lock(self) -> None:
        """Take the per-newsletter lock, or raise `JournalBusy` if another send holds it."""
        if self.path is None:
            return
        handle = open_private(self.path.with_suffix(".lock"), "a+b")
        try:
            if sys.platform != "win32":
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            handle.close()
            raise JournalBusy(
                f"another send of this newsletter is running (lock: {self.path.with_suffix('.lock').name})"
            ) from None
        self._lock_file = handle

    # -- the campaign -----------------------------------------------------------------------------------

    def campaign(self) -> CampaignRecord | None:
        row = self._db.execute("SELECT content_hash, subject, started, relay FROM campaign WHERE id = 1").fetchone()
        return CampaignRecord(*row) if row else None

    def begin(self, content_hash: str, subject: str, relay: str) -> CampaignRecord:
        """Record the campaign's content the first time; return what was recorded (maybe earlier)."""
        self.message_id_salt()  # settled before the campaign exists: a campaign without one was begun unsalted
        self._db.execute(
            "INSERT OR IGNORE INTO campaign (id, content_hash, subject, started, relay) VALUES (1, ?, ?, ?, ?)",
            (content_hash, subject, stored_now(), relay),
        )
        record = self.campaign()
        if record is None:  # the INSERT made the row unless it was there already: only a broken database
            raise sqlite3.DatabaseError("the send record lost its campaign record")
        return record

    def record_run(self, relay: str, live_check: str) -> RunRecord:
        """One run starting to send, and what the live check said before it (or that it was skipped)."""
        record = RunRecord(stored_now(), relay, live_check)
        self._db.execute("INSERT INTO runs (started, relay, live_check) VALUES (?, ?, ?)",
                         (record.started, record.relay, record.live_check))
        return record

    def end_run(self, sent: int, stopped: str) -> None:
        """How the run last recorded ended: what it sent, and why it stopped ("" when it was not stopped)."""
        self._db.execute("INSERT OR REPLACE INTO run_ends (run, sent, stopped) SELECT MAX(id), ?, ? FROM runs",
                         (sent, stopped))

    def runs(self) -> list[RunRecord]:
        return [RunRecord(*row) for row in self._db.execute(
            "SELECT started, relay, live_check, sent, stopped FROM runs LEFT JOIN run_ends ON run = id ORDER BY id")]

    def plan(self, recipients: Iterable[Recipient]) -> None:
        """Add new recipients as pending, and drop pending rows for people no longer on the audience.

        The audience streams through: who is on it is kept in a temporary table, not in memory.
        """
        now = stored_now()
        with self._transaction():
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS audience (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM temp.audience")
            start = self._db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM deliveries").fetchone()[0]
            for position, recipient in enumerate((r for r in recipients if not self.is_erased(r.key)), start):
                self._db.execute("INSERT OR IGNORE INTO temp.audience (key) VALUES (?)", (recipient.key,))
                self._db.execute(
                    "INSERT OR IGNORE INTO deliveries (key, address, name, position, state, updated) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (recipient.key, recipient.address, recipient.name, position, State.PENDING.value, now))
            self._db.execute("DELETE FROM deliveries WHERE state = ? AND key NOT IN (SELECT key FROM temp.audience)",
                             (State.PENDING.value,))
            self._db.execute("DELETE FROM temp.audience")

    def recover_interrupted(self) -> list[str]:
        """After a crash: the rows left `sending` become `unknown`. Returns their addresses."""
        rows = [
            a for (a,) in self._db.execute("SELECT address FROM deliveries WHERE state = ?", (State.SENDING.value,))
        ]
        self._db.execute("UPDATE deliveries SET state = ?, reply = ?, updated = ? WHERE state = ?",
                         (State.UNKNOWN.value, "interrupted during sending: it may or may not have arrived",
                          stored_now(), State.SENDING.value))
        return rows

    # -- each recipient ---------------------------------------------------------------------------------

    def delivery(self, address: str) -> Delivery | None:
        row = self._db.execute("SELECT address, name, state, attempts, reply, updated FROM deliveries WHERE key = ?",
                               (address_key(address),)).fetchone()
        return Delivery(row[0], row[1], State(row[2]), row[3], row[4], row[5]) if row else None

    def state_of(self, address: str) -> State | None:
        """One person's state (None if not in the journal): a look-up in the key's index, not a copy of it."""
        row = self._db.execute("SELECT state FROM deliveries WHERE key = ?", (address_key(address),)).fetchone()
        return State(row[0]) if row else None

    def mark_sending(self, address: str) -> None:
        """Committed to disk before the SMTP transaction starts: the heart of never-twice. Its flush carries
        the outcome `record_outcome` committed before it."""
        self._db.execute("UPDATE deliveries SET state = ?, attempts = attempts + 1, updated = ? WHERE key = ?",
                         (State.SENDING.value, stored_now(), address_key(address)))
        self._unsynced = None

    def mark(self, address: str, state: State, reply: str = "") -> None:
        """Committed to disk before it returns."""
        self._db.execute("UPDATE deliveries SET state = ?, reply = ?, updated = ? WHERE key = ?",
                         (state.value, reply, stored_now(), address_key(address)))
        self._unsynced = None

    def record_outcome(self, address: str, state: State, reply: str) -> None:
        """What the relay answered about a message: committed at once (any reader, and the next run after this
        process is killed, sees it), flushed to the disk with the next `mark_sending` or `mark`, or on closing."""
        self._db.execute("PRAGMA synchronous=NORMAL")  # in WAL mode: committed, and the flush left to the next
        try:
            self.mark(address, state, reply)
        finally:
            self._db.execute("PRAGMA synchronous=FULL")
        self._unsynced = (address, state, reply)

    def deliveries(self, *states: State) -> list[Delivery]:
        query = "SELECT address, name, state, attempts, reply, updated FROM deliveries"
        params: tuple = ()
        if states:
            query += f" WHERE state IN ({', '.join('?' for _ in states)})"
            params = tuple(s.value for s in states)
        rows = self._db.execute(query + " ORDER BY position", params).fetchall()
        return [Delivery(r[0], r[1], State(r[2]), r[3], r[4], r[5]) for r in rows]

    def counts(self) -> dict[State, int]:
        found = dict(self._db.execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state").fetchall())
        return {state: found.get(state.value, 0) for state in State}

    def forget(self, address: str) -> int:
        """Delete a person's row, keeping only their hash; returns how many rows went (0 or 1)."""
        key = address_key(address)
        with self._transaction():
            deleted = self._db.execute("DELETE FROM deliveries WHERE key = ?", (key,)).rowcount
            self._db.execute("DELETE FROM bounces WHERE key = ?", (key,))  # their bounces name them too
            if deleted:
                self._db.execute("INSERT OR IGNORE INTO erased (digest) VALUES (?)", (_digest(self._salt(), key),))
                self._erased = None
        if deleted:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # so the old row is not left in the WAL file
        return deleted

    def is_erased(self, key: str) -> bool:
        """Whether the person with this address key was erased from this journal by `forget`."""
        if self._erased is None:
            # Read once per journal: the people who asked to be forgotten are few, the list may be long. Their
            # digests were made with the journal's salt, which is written once and never changes.
            self._erased = {digest for (digest,) in self._db.execute("SELECT digest FROM erased")}
            self._erased_salt = self._salt() if self._erased else ""
        if not self._erased:
            return False  # the usual case: no hashing for a list nobody has asked to leave
        return _digest(self._erased_salt, key) in self._erased

    def erased_count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM erased").fetchone()[0]

    # -- delivery reports (bounces) ----------------------------------------------------------------------

    def record_bounce(self, report: str, address: str, kind: str, status: str, diagnostic: str) -> bool:
        """Record one report about one recipient; False if this report was recorded before."""
        return self._db.execute(
            "INSERT OR IGNORE INTO bounces (report, key, address, kind, status, diagnostic, received) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (report, address_key(address), address, kind, status, diagnostic, stored_now()),
        ).rowcount == 1

    def bounces(self, address: str | None = None) -> list[BounceRecord]:
        """The reports recorded, oldest first; only one person's when `address` is given."""
        query = "SELECT address, kind, status, diagnostic, received FROM bounces"
        params: tuple[str, ...] = ()
        if address is not None:
            query, params = query + " WHERE key = ?", (address_key(address),)
        return [BounceRecord(*row) for row in self._db.execute(query + " ORDER BY received, rowid", params)]

    def message_id_salt(self) -> str:
        """The secret mixed into this newsletter's Message-IDs (and VERP tags), chosen once and kept.

        Without it anyone who knows a partner's address and the newsletter's slug could work out the ID and
        forge a bounce report that suppresses them. It never changes, so a resumed send reuses each person's ID.
        A journal begun before IDs were salted (it has a campaign, or sent, but no secret) keeps its unsalted
        IDs: '' here, so its resumed sends and its own reports still match.
        """
        row = self._db.execute("SELECT value FROM message_id_salt WHERE id = 1").fetchone()
        if row is not None:
            return row[0]
        begun_unsalted = self._db.execute(
            "SELECT EXISTS (SELECT 1 FROM campaign) OR EXISTS (SELECT 1 FROM deliveries WHERE state != ?)",
            (State.PENDING.value,)).fetchone()[0]
        self._db.execute("INSERT OR IGNORE INTO message_id_salt (id, value) VALUES (1, ?)",
                         ("" if begun_unsalted else secrets.token_hex(16),))
        return self._db.execute("SELECT value FROM message_id_salt WHERE id = 1").fetchone()[0]

    def _salt(self) -> str:
        # One per journal: the same address hashes differently in each, and no precomputed table applies.
        self._db.execute("INSERT OR IGNORE INTO salt (id, value) VALUES (1, ?)", (secrets.token_hex(16),))
        return self._db.execute("SELECT value FROM salt WHERE id = 1").fetchone()[0]

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


def _digest(salt: str, key: str) -> str:
    return hashlib.sha256(f"{salt}\n{key}".encode()).hexdigest()


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")

