"""The test-send log: when each content of a newsletter was test-sent, and to whom.

Kept beside the journal (never in it: a test is not part of the campaign), so that a live send can show when
this exact content was last test-sent, and to whom. It holds addresses, so it is private like the journals and
`forget` erases from it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..foundation.email_addresses import address_key
from ..foundation.private_files import open_private, private_folder, replace_private
from .journal import _now


@dataclass(frozen=True)
class TestSend:
    __test__ = False  # a domain name, not a pytest class

    at: str  # ISO 8601 UTC
    content_hash: str
    addresses: tuple[str, ...]
    via: str  # "smtp://relay:587" or "outbox"


class TestSendLog:
    """`<journal_dir>/<slug>.test-sends.jsonl`: one JSON line per test send."""

    __test__ = False

    def __init__(self, journal_dir: Path, slug: str) -> None:
        self.path = journal_dir / f"{slug}.test-sends.jsonl"

    def record(self, content_hash: str, addresses: list[str], via: str) -> TestSend:
        entry = TestSend(at=_now(), content_hash=content_hash, addresses=tuple(addresses), via=via)
        private_folder(self.path.parent)
        with open_private(self.path, "a", encoding="utf-8") as handle:
            handle.write(_json_line(entry))
            handle.flush()
            os.fsync(handle.fileno())
        return entry

    def entries(self) -> list[TestSend]:
        if not self.path.exists():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
                entries.append(TestSend(data["at"], data["content_hash"], tuple(data["addresses"]), data["via"]))
            except (ValueError, KeyError, TypeError):
                continue  # a torn last line after a crash: the other records still count
        return entries

    def last(self, content_hash: str | None = None) -> TestSend | None:
        chosen = [e for e in self.entries() if content_hash is None or e.content_hash == content_hash]
        return chosen[-1] if chosen else None

    def forget(self, address: str) -> int:
        """Remove an address from every record (a record left with no address goes). Returns records changed."""
        key, changed, kept = address_key(address), 0, []
        for entry in self.entries():
            remaining = tuple(a for a in entry.addresses if address_key(a) != key)
            if remaining != entry.addresses:
                changed += 1
            if remaining:
                kept.append(TestSend(entry.at, entry.content_hash, remaining, entry.via))
        if changed:
            replace_private(self.path, "".join(_json_line(e) for e in kept).encode("utf-8"))
        return changed


def _json_line(entry: TestSend) -> str:
    """One record of the test-send log, written the same way by `record` and `forget`."""
    return json.dumps({"at": entry.at, "content_hash": entry.content_hash, "addresses": list(entry.addresses),
                       "via": entry.via}) + "\n"

