"""What the send journal (journal.py) records and says: each person's state, the campaign, run and bounce rows as
they are read back, and the two ways a journal can refuse to open."""

from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class State(str, enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED_TEMPORARY = "failed-temporary"
    FAILED_PERMANENT = "failed-permanent"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class JournalBusy(Exception):
    """Another `protectpress send` of this newsletter is running."""


@dataclass(frozen=True)
class CampaignRecord:
    content_hash: str
    subject: str
    started: str  # ISO 8601 UTC
    relay: str


@dataclass(frozen=True)
class BounceRecord:
    address: str
    kind: str  # "hard", "soft", "delayed", "delivered" (dsn.BounceKind)
    status: str
    diagnostic: str
    received: str


@dataclass(frozen=True)
class RunRecord:
    started: str  # ISO 8601 UTC
    relay: str
    live_check: str
    sent: int | None = None  # None: how the run ended was not recorded (interrupted, or an older journal)
    stopped: str | None = None  # why it stopped ("Stopped: ..."), or "" when it was not stopped


@dataclass(frozen=True)
class Delivery:
    address: str
    name: str
    state: State
    attempts: int
    reply: str
    updated: str


class JournalUnreadable(sqlite3.DatabaseError):
    """A file where a send journal should be that SQLite cannot read as a database (damaged, or not one at all):
    (path, what SQLite said). Not a lock or a busy database: those stay sqlite3.OperationalError."""

    EXPECTED = "expected a send record (the SQLite database protectpress keeps of who was sent what)"

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(path, why)
        self.path, self.why = path, why

    def found(self) -> str:
        return f"a file SQLite cannot read as one ({self.why})"
