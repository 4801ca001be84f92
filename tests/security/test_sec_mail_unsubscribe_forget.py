"""A person who asks to be forgotten goes from the unsubscribe service's own store too.

The service may run on another machine than the project, so `protectpress forget` cannot reach it; the service's
`protectpress unsubscribe forget` erases every event naming the person, and leaves nothing of them in SQLite's
write-ahead log either."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from protectpress.core.foundation.tokens import UnsubscribeRequest
from protectpress.unsubscribe.store import EventStore
from support import run_in_process

LEAVER = "Leaving.Partner@example.com"


def _events(store) -> list[str]:
    with closing(sqlite3.connect(store)) as db:
        return [row[0] for row in db.execute("SELECT address FROM unsubscribes ORDER BY id")]


def test_unsubscribe_forget_erases_the_person_from_the_store_and_its_log(tmp_path):
    store = tmp_path / "unsubscribes.sqlite"
    events = EventStore(store)
    for address, newsletter in ((LEAVER, "2024-01-winter"), ("stays@example.com", "2024-01-winter"),
                                (LEAVER, "2024-02-spring")):
        assert events.record(UnsubscribeRequest(address, newsletter, 1_700_000_000, "k1"))

    result = run_in_process("unsubscribe", "forget", LEAVER.upper(), "--store", str(store), cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Erased {LEAVER.upper()} from the store {store}: 2 unsubscribe event(s)." in result.stdout
    assert _events(store) == ["stays@example.com"]
    for path in tmp_path.glob("unsubscribes.sqlite*"):  # the database, its -wal and -shm files
        assert b"leaving.partner" not in path.read_bytes().lower(), path.name


def test_unsubscribe_forget_without_a_store_says_where_it_looked(tmp_path):
    result = run_in_process("unsubscribe", "forget", LEAVER, "--store", "missing.sqlite", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == ("protectpress: unsubscribe forget: expected the service's store at "
                                     "missing.sqlite, found no such file (give its place with --store PATH)")
    assert not (tmp_path / "missing.sqlite").exists()
