"""A person who asks to be forgotten goes from the subscriptions service's store too: their sign-up, consent
record and unsubscribe events, by `protectpress forget --store` (from the project) or `subscribers forget`
(where the service runs), with nothing of them left in SQLite's write-ahead log."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from protectpress.core.foundation.tokens import UnsubscribeRequest
from protectpress.unsubscribe.database import Database
from protectpress.unsubscribe.store import EventStore
from protectpress.unsubscribe.subscribers import Choices, SubscriberStore
from sending_relay import project, run, sending_template  # noqa: F401  (fixtures)
from support import run_in_process

LEAVER = "Leaving.Subscriber@example.com"


def _fill(path) -> None:
    db = Database(path)
    subscribers, events = SubscriberStore(db), EventStore(db)
    for address in (LEAVER, "stays@example.com"):
        signup = subscribers.sign_up(address, Choices(("retail",), "2026-12-06", "https://example.org/subscribe/"))
        assert subscribers.confirm(address, signup.signup)
    assert events.record(UnsubscribeRequest(LEAVER, "2024-01-winter", 1_700_000_000, "k1"))


def _left(path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT address FROM subscribers UNION ALL SELECT address FROM "
                                             "unsubscribes")]


@pytest.mark.parametrize("command", ["subscribers", "project-forget", "unsubscribe"])
def test_forget_erases_the_subscriber_from_the_store_and_its_log(command, project, tmp_path):
    store = tmp_path / "subscriptions.sqlite"
    _fill(store)
    args = {"subscribers": ("subscribers", "forget", LEAVER.upper(), "--store", str(store)),
            "project-forget": ("forget", LEAVER.upper(), "--store", str(store)),
            "unsubscribe": ("unsubscribe", "forget", LEAVER.upper(), "--store", str(store))}[command]
    result = run_in_process(*args, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _left(store) == ["stays@example.com"]
    for path in tmp_path.glob("subscriptions.sqlite*"):  # the database, its -wal and -shm files
        assert b"leaving.subscriber" not in path.read_bytes().lower(), path.name
    if command != "unsubscribe":
        assert "1 subscriber record(s) (sign-up and consent) and 1 unsubscribe event(s)" in result.stdout
