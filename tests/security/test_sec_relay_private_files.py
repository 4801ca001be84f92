"""Issue 11, item 7: everything sending writes that holds addresses is 0600, in 0700 folders, whatever the umask.

The real commands run with a permissive umask (022) against a real relay on 127.0.0.1: a test send, a live
send (journal, lock, test-send log, an automatic suppression), an outbox send, `suppress` and `forget`. Files
left readable by others by an older version are tightened when written to.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from sending_relay import Relay, ScriptedHandler, project, run, sending_template, write_recipients  # noqa: F401

SLUG = "2023-03-security-and-policing"


@pytest.fixture
def permissive_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(root: Path, project: Path) -> dict[str, str]:
    """Path in the project -> octal mode, for `root` and everything under it."""
    return {str(path.relative_to(project)): oct(stat.S_IMODE(path.stat().st_mode))
            for path in [root, *sorted(root.rglob("*"))]}


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_personal_data_is_private_whatever_the_umask(project, run, permissive_umask):
    sends, suppressed = project / "newsletters/.sends", project / "newsletters/suppressed.csv"
    sends.mkdir(mode=0o755)  # as an older version left them
    os.chmod(sends, 0o755)
    suppressed.write_text("email,reason,added\nold@example.com,unsubscribed,2026-01-01\n", encoding="utf-8")
    os.chmod(suppressed, 0o644)
    write_recipients(project / "recipients.csv",
                     ["gone@example.com,Gone,Org,", "ana@example.com,Ana,Org,", "bo@example.com,Bo,Org,"])
    relay = Relay(ScriptedHandler(rcpt_replies={"gone@example.com": "550 5.1.1 no such mailbox"}))
    try:
        smtp = ("--smtp", relay.url())
        assert run("send", SLUG, "--test", "editor@example.org", *smtp)[0] == 0
        assert run("send", "--skip-live-check", SLUG, "--to", "recipients.csv", *smtp, "--rate", "0",
                   "--yes")[0] == 1  # gone failed
    finally:
        relay.stop()
    assert run("send", SLUG, "--test", "reviewer@example.org")[0] == 0  # to outbox/<slug>/tests/
    assert run("send", SLUG, "--to", "recipients.csv")[0] == 0  # to outbox/<slug>/
    assert run("suppress", "cy@example.com")[0] == 0
    assert "gone@example.com" in suppressed.read_text(encoding="utf-8")  # the relay's 5.1.1 was recorded
    assert run("forget", "editor@example.org")[0] == 0  # rewrites the test-send log
    # A dry run signs in to the relay (none listens on port 1: status 2) and writes nothing.
    assert run("send", SLUG, "--test", "editor@example.org", "--smtp", "smtp://127.0.0.1:1", "--dry-run")[0] == 2

    with sqlite3.connect(sends / f"{SLUG}.sqlite") as reader:  # a reader makes SQLite write its -shm/-wal files
        reader.execute("SELECT COUNT(*) FROM deliveries").fetchone()
        found = {**modes(sends, project), **modes(project / "outbox", project), **modes(suppressed, project)}
    assert f"newsletters/.sends/{SLUG}.sqlite-shm" in found
    assert f"newsletters/.sends/{SLUG}.test-sends.jsonl" in found
    assert f"outbox/{SLUG}/tests/reviewer@example.org.eml" in found
    assert f"outbox/{SLUG}/ana@example.com.eml" in found
    wide = {path: mode for path, mode in found.items()
            if mode != (oct(0o700) if (project / path).is_dir() else oct(0o600))}
    assert wide == {}
