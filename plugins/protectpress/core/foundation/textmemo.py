"""Results of a pure function of a text, remembered by a hash of the text within one process.

A page body is judged for active content when the page is built, again when a feed carries it and when a
newsletter features it; a feed entry's body is scanned for links in each of the feeds that repeat it. The same
text always gives the same result, so a remembered one is never stale. Keys are BLAKE2b digests, not the texts,
so the memory holds a few bytes per text; it is emptied when full rather than grow without bound under `serve`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")


class TextMemo(Generic[Result]):
    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._results: dict[bytes, Result] = {}

    def get(self, text: str, make: Callable[[], Result]) -> Result:
        """`make()`'s result for `text`, made only the first time this text is seen."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).digest()
        if key not in self._results:
            if len(self._results) >= self.limit:
                self._results.clear()
            self._results[key] = make()
        return self._results[key]
