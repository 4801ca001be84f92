"""The test-send log: when each content of a newsletter was test-sent, and to whom.

Kept beside the journal (never in it: a test is not part of the campaign), so that a live send can show when
this exact content was last test-sent, and to whom. It holds addresses, so it is private like the journals
(`jsonlines.py`) and `forget` erases from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..foundation.dates import stored_now
from ..foundation.email_addresses import address_key
from .jsonlines import JsonLinesLog


@dataclass(frozen=True)
class TestSend:
    __test__ = False  # a domain name, not a pytest class

    at: str  # ISO 8601 UTC
    content_hash: str
    addresses: tuple[str, ...]
    via: str  # "smtp://relay:587" or "outbox"


TEST_LOG_SUFFIX = ".test-sends.jsonl"


def tested_slugs(journal_dir: Path) -> list[str]:
    """The newsletters with a test-send log in `journal_dir`, by name."""
    found = journal_dir.glob(f"*{TEST_LOG_SUFFIX}") if journal_dir.is_dir() else []
    return sorted(path.name.removesuffix(TEST_LOG_SUFFIX) for path in found)


class TestSendLog(JsonLinesLog[TestSend]):
    """`<journal_dir>/<slug>.test-sends.jsonl`: one JSON line per test send."""

    __test__ = False

    def __init__(self, journal_dir: Path, slug: str) -> None:
        super().__init__(journal_dir / f"{slug}{TEST_LOG_SUFFIX}", _fields, _test_send)

    def record(self, content_hash: str, addresses: list[str], via: str) -> TestSend:
        return self.append(TestSend(at=stored_now(), content_hash=content_hash, addresses=tuple(addresses), via=via))

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
            self.rewrite(kept)
        return changed


def _fields(entry: TestSend) -> dict[str, Any]:
    return {"at": entry.at, "content_hash": entry.content_hash, "addresses": list(entry.addresses), "via": entry.via}


def _test_send(fields: Any) -> TestSend:
    return TestSend(fields["at"], fields["content_hash"], tuple(fields["addresses"]), fields["via"])
