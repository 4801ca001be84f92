"""Who signed up, who confirmed, and what they agreed to: the subscriptions service's record of each person.

One row per address (compared without case). A sign-up writes its choices as *pending*, with the id of that
sign-up (`signup`), which the confirmation link names; confirming moves the pending choices into the
confirmed ones in one conditional `UPDATE` that also clears the id, so a link works once, and of two
simultaneous presses exactly one wins. A second sign-up before confirming keeps the same id (so the email
already sent still works) and takes the newer choices.

The consent record is what the person agreed to and where: when they signed up and confirmed, the version of
the consent wording they were shown (its words are in `core/subscriptions/consent.py`), the page the form was
on and their sectors. No IP address is kept.

"At most one confirmation email a day" is one conditional `UPDATE` of `emailed_at`: of many sign-ups of one
address at once, exactly one is told to send.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from ..core.foundation.dates import clock
from ..core.foundation.email_addresses import address_key
from .database import Database
from .store import moment_text

_COLUMNS = """
    address_key TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    status TEXT NOT NULL,
    sectors TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL DEFAULT '',
    source_page TEXT NOT NULL DEFAULT '',
    signed_up_at TEXT,
    confirmed_at TEXT,
    unsubscribed_at TEXT,
    pending_sectors TEXT NOT NULL DEFAULT '',
    pending_consent TEXT NOT NULL DEFAULT '',
    pending_source TEXT NOT NULL DEFAULT '',
    pending_at TEXT,
    signup TEXT,
    emailed_at TEXT,
    changed_at TEXT NOT NULL
"""
_SCHEMA = f"CREATE TABLE IF NOT EXISTS subscribers ({_COLUMNS})"

PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"
EMAIL_INTERVAL = dt.timedelta(days=1)


@dataclass(frozen=True)
class Choices:
    """What a sign-up or the preferences page asks for: the sectors (none means all) and the consent shown."""

    sectors: tuple[str, ...]
    consent_version: str
    source_page: str


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did: the id its confirmation link names, and whether this request may email it."""

    signup: str
    send_email: bool


@dataclass(frozen=True)
class Subscriber:
    address: str
    status: str
    sectors: tuple[str, ...]
    consent_version: str
    source_page: str
    signed_up_at: str | None
    confirmed_at: str | None
    unsubscribed_at: str | None
    pending: bool  # a sign-up waits for its confirmation
    emailed_at: str | None


def _sectors(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class SubscriberStore:
    """The subscribers table in the service's store; every call is one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.schema(_SCHEMA)

    def sign_up(self, address: str, choices: Choices, now: dt.datetime | None = None) -> SignUp:
        """Record a sign-up (new, repeated, or after an unsubscribe) as pending; say whether to email it now."""
        moment = now or clock()
        at, key, sectors = moment_text(moment), address_key(address), " ".join(choices.sectors)
        fresh = secrets.token_urlsafe(12)
        pending = (sectors, choices.consent_version, choices.source_page, at)
        with self.db.transaction() as tx:
            tx.execute("INSERT INTO subscribers (address_key, address, status, changed_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT DO NOTHING", (key, address, PENDING, at))
            tx.execute("UPDATE subscribers SET pending_sectors = ?, pending_consent = ?, pending_source = ?, "
                       "pending_at = ?, signup = COALESCE(signup, ?), changed_at = ? WHERE address_key = ?",
                       (*pending, fresh, at, key))
            cutoff = moment_text(moment - EMAIL_INTERVAL)
            send = tx.execute("UPDATE subscribers SET emailed_at = ? WHERE address_key = ? AND "
                              "(emailed_at IS NULL OR emailed_at <= ?)", (at, key, cutoff)).rowcount == 1
            signup = tx.execute("SELECT signup FROM subscribers WHERE address_key = ?", (key,)).fetchone()[0]
        return SignUp(signup=str(signup), send_email=send)

    def confirm(self, address: str, signup: str, now: dt.datetime | None = None) -> bool:
        """Confirm the sign-up `signup` of `address`: True once; False for a used, replaced or unknown one."""
        at = moment_text(now)
        with self.db.transaction() as tx:
            return tx.execute(
                "UPDATE subscribers SET status = ?, sectors = pending_sectors, consent_version = pending_consent, "
                "source_page = pending_source, signed_up_at = pending_at, confirmed_at = ?, unsubscribed_at = NULL, "
                "pending_sectors = '', pending_consent = '', pending_source = '', pending_at = NULL, signup = NULL, "
                "changed_at = ? WHERE address_key = ? AND signup = ?",
                (CONFIRMED, at, at, address_key(address), signup)).rowcount == 1

    def change_sectors(self, address: str, sectors: tuple[str, ...], now: dt.datetime | None = None) -> bool:
        """A confirmed subscriber's new choice of sectors (the preferences page); False for anyone else."""
        at = moment_text(now)
        with self.db.transaction() as tx:
            return tx.execute("UPDATE subscribers SET sectors = ?, changed_at = ? WHERE address_key = ? AND status = ?",
                              (" ".join(sectors), at, address_key(address), CONFIRMED)).rowcount == 1

    def unsubscribe(self, address: str, now: dt.datetime | None = None) -> bool:
        """They leave: never listed again until they sign up and confirm anew. False when they were not subscribed."""
        at = moment_text(now)
        with self.db.transaction() as tx:
            return tx.execute("UPDATE subscribers SET status = ?, unsubscribed_at = ?, signup = NULL, changed_at = ? "
                              "WHERE address_key = ? AND status <> ?",
                              (UNSUBSCRIBED, at, at, address_key(address), UNSUBSCRIBED)).rowcount == 1

    def find(self, address: str) -> Subscriber | None:
        with self.db.transaction() as tx:
            row = tx.execute("SELECT address, status, sectors, consent_version, source_page, signed_up_at, "
                             "confirmed_at, unsubscribed_at, signup, emailed_at FROM subscribers "
                             "WHERE address_key = ?", (address_key(address),)).fetchone()
        if row is None:
            return None
        return Subscriber(address=row[0], status=row[1], sectors=_sectors(row[2]), consent_version=row[3],
                          source_page=row[4], signed_up_at=row[5], confirmed_at=row[6], unsubscribed_at=row[7],
                          pending=row[8] is not None, emailed_at=row[9])

    def confirmed(self, after: str, limit: int) -> list[dict[str, object]]:
        """Up to `limit` confirmed subscribers whose key sorts after `after`, in that order (for the export)."""
        with self.db.transaction() as tx:
            rows = tx.execute("SELECT address_key, address, sectors, confirmed_at FROM subscribers WHERE status = ? "
                              "AND address_key > ? ORDER BY address_key LIMIT ?", (CONFIRMED, after, limit)).fetchall()
        return [{"key": row[0], "address": row[1], "sectors": _sectors(row[2]), "confirmed_at": row[3]}
                for row in rows]

    def forget(self, address: str) -> int:
        """Erase the person's row (a request to be forgotten); 1 when there was one."""
        with self.db.transaction() as tx:
            deleted = tx.execute("DELETE FROM subscribers WHERE address_key = ?", (address_key(address),)).rowcount
        self.db.after_erasure()
        return deleted

    def counts(self) -> dict[str, int]:
        with self.db.transaction() as tx:
            rows = tx.execute("SELECT status, COUNT(*) FROM subscribers GROUP BY status").fetchall()
        return {str(row[0]): int(row[1]) for row in rows}
