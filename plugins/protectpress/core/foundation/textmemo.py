"""Results of a pure function of a text, remembered by a hash of the text within one process.

A page body is judged for active content when the page is built, again when a feed carries it and when a
newsletter features it; a feed entry's body is scanned for links in each of the feeds that repeat it. The same
text always gives the same result, so a remembered one is never stale. Keys are SHA-256 digests, not the texts,
so the memory holds a few bytes per text; it is emptied when full rather than grow without bound under `serve`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")


def text_digest(text: str) -> str:
    """The one digest of a text that protectpress keys things by (here, the kept pages' settings, the kept search
    index's pages, the kept link scans): SHA-256, as hex; any text, even one with lone surrogates, has one.
    SHA-256, not BLAKE2b: a build hashes every page two or three times over (about 60 MB at 1,000 pages), and on
    processors with SHA instructions (this project's machines, most since 2017) OpenSSL's SHA-256 does it in about
    half the time (tests/test_textmemo.py)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class TextMemo(Generic[Result]):
    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._results: dict[str, Result] = {}

    def get(self, text: str, make: Callable[[], Result]) -> Result:
        """`make()`'s result for `text`, made only the first time this text is seen."""
        key = text_digest(text)
        if key not in self._results:
            if len(self._results) >= self.limit:
                self._results.clear()
            self._results[key] = make()
        return self._results[key]
