"""Where the subscriptions service keeps its records: a SQLite file (the default, nothing to install) or a
PostgreSQL database (`postgresql://...`, through psycopg 3), so several instances behind a load balancer share one.

The stores write their SQL once, with `?` placeholders and only what both databases understand
(`INSERT ... ON CONFLICT DO NOTHING`, conditional `UPDATE`s whose row count says who won a race); this module
turns `?` into psycopg's `%s` and writes each store's one table definition for the database in use.

A SQLite file holds email addresses: it is created 0600 (SQLite gives its -wal and -shm files the same mode),
in WAL mode so reads go on while a write happens; each transaction takes the write lock at its start
(`BEGIN IMMEDIATE`), so two threads never deadlock upgrading a read to a write. As SQLite lets only one such
transaction run at a time anyway, the threads of one process take turns on a lock of their own over one kept
connection: a thread waiting in SQLite's busy handler slept up to 100 ms between tries, and a connection opened
for each transaction and closed after it wrote the log back into the database file, with a wait for the disk,
whenever it was the only one open. Under a burst of sign-ups both cost far more than the writes themselves.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from ..core.foundation.private_files import private_file

POSTGRES_SCHEMES = ("postgresql", "postgres")
_POOL_SIZE = 8
# The one column the two databases spell differently, written so in a table definition: a primary key that counts
# up by itself, never reusing a number (an export reads events after the last id it saw).
COUNTED_KEY = "<counted primary key>"
_COUNTED_KEY = {False: "INTEGER PRIMARY KEY AUTOINCREMENT", True: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"}


class StoreError(Exception):
    """The store cannot be opened or used: a plain sentence naming it (never its password)."""


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction:
    """One transaction's statements, written with `?` placeholders for either database."""

    def __init__(self, connection: Any, postgres: bool) -> None:
        self._connection = connection
        self._postgres = postgres

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> Cursor:
        if self._postgres:
            return self._connection.execute(sql.replace("?", "%s"), parameters)
        return self._connection.execute(sql, parameters)


class Database:
    """A store's address, opened on demand; `transaction()` is the one way in."""

    def __init__(self, address: str | Path) -> None:
        text = str(address)
        self.postgres = text.split(":", 1)[0].lower() in POSTGRES_SCHEMES and "://" in text
        self.address = text
        self.path = None if self.postgres else Path(text)
        self.shown = _without_password(text) if self.postgres else text
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None  # kept open, used by one thread at a time...
        self._sqlite_turn = threading.Lock()  # ...the one holding this
        self._sqlite_pid = os.getpid()
        if self.path is not None:
            try:
                private_file(self.path)
                with closing(sqlite3.connect(self.path, timeout=15)) as db:
                    db.execute("PRAGMA journal_mode=WAL")
            except (OSError, sqlite3.Error) as error:
                raise StoreError(f"the store {self.shown} cannot be used ({_reason(error)})") from None
        else:
            self._release(self._connect())  # fail now, at start, not on a reader's first click

    @property
    def kind(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"

    def schema(self, definition: str) -> None:
        """Create a store's tables (each statement `IF NOT EXISTS`) in the database in use, from the one
        definition both databases read (`COUNTED_KEY` written where they spell a column differently)."""
        with self.transaction() as tx:
            if self.postgres:
                tx.execute("SELECT pg_advisory_xact_lock(7314)")  # two instances starting at once: one creates
            for statement in definition.replace(COUNTED_KEY, _COUNTED_KEY[self.postgres]).split(";"):
                if statement.strip():
                    tx.execute(statement)

    def columns(self, table: str) -> set[str]:
        with self.transaction() as tx:
            if self.postgres:
                rows = tx.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                                  "AND table_schema = current_schema()", (table,)).fetchall()
                return {row[0] for row in rows}
            return {row[1] for row in tx.execute(f"PRAGMA table_info({table})").fetchall()}

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        if self.path is not None:
            with self._sqlite_turn:
                db = self._sqlite_connection()
                try:
                    db.execute("BEGIN IMMEDIATE")  # another process (a `subscribers forget`): up to the time-out
                    try:
                        yield Transaction(db, False)
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
                    db.execute("COMMIT")
                finally:
                    if db.in_transaction:  # its COMMIT or ROLLBACK failed: not handed to the next transaction
                        self._sqlite = None
                        db.close()
            return
        connection = self._take()
        try:
            with connection.transaction():
                yield Transaction(connection, True)
        except BaseException:
            connection.close()  # a connection that failed is not given to the next request
            raise
        self._release(connection)

    def after_erasure(self) -> None:
        """Erased rows leave no copy behind in SQLite's write-ahead log (PostgreSQL's own VACUUM does that)."""
        if self.path is not None:
            with self._sqlite_turn:
                self._sqlite_connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._sqlite_turn:
            if self._sqlite is not None and self._sqlite_pid == os.getpid():
                self._sqlite.close()
            self._sqlite = None
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _sqlite_connection(self) -> sqlite3.Connection:
        """The kept SQLite connection (call holding `_sqlite_turn`), opened on first use in this process."""
        if self._sqlite is None or self._sqlite_pid != os.getpid():
            # A connection must not cross a fork (a WSGI host's workers): the child opens its own, and leaves the
            # parent's alone, as closing it would drop the parent's locks on the file.
            assert self.path is not None
            self._sqlite = sqlite3.connect(self.path, timeout=15, isolation_level=None, check_same_thread=False)
            self._sqlite_pid = os.getpid()
        return self._sqlite

    def _connect(self) -> Any:
        try:
            import psycopg  # only a PostgreSQL store needs it
        except ImportError:
            raise StoreError(f"the store {self.shown} is a PostgreSQL address, and that needs psycopg 3: "
                             "pip install 'psycopg[binary]'") from None
        try:
            return psycopg.connect(self.address, connect_timeout=15, autocommit=True)
        except psycopg.Error as error:
            raise StoreError(f"could not open the store {self.shown} ({_reason(error)})") from None

    def _take(self) -> Any:
        with self._lock:
            while self._idle:
                connection = self._idle.pop()
                if not connection.closed:
                    return connection
        return self._connect()

    def _release(self, connection: Any) -> None:
        with self._lock:
            if len(self._idle) < _POOL_SIZE and not connection.closed:
                self._idle.append(connection)
                return
        connection.close()


def store_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a store's database raises, for callers that turn them into a plain sentence."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error, StoreError, OSError)
    return (sqlite3.Error, psycopg.Error, StoreError, OSError)


def _without_password(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the PostgreSQL address given"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:300]
