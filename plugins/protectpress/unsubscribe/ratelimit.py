"""A per-client limit on sign-ups, so a bot cannot turn the service into a mail cannon or a sign-up bomb.

Each client (its network address, as the server saw it) may make `limit` sign-ups in any `window` seconds.
Only a keyed hash of the address is held, in memory, for at most one window: nothing is written down.
Behind a load balancer each instance counts its own clients; the store's one-email-a-day rule holds for all.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque


class RateLimit:
    def __init__(self, limit: int = 10, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._key = secrets.token_bytes(16)
        self._seen: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = 0.0

    def allow(self, client: str) -> bool:
        """Count one request from `client`; False when it is over the limit (the request is not counted)."""
        now = time.monotonic()
        key = hashlib.blake2b(client.encode("utf-8", "replace"), key=self._key, digest_size=16).digest()
        with self._lock:
            if now - self._last_sweep > self.window:
                self._sweep(now)
            moments = self._seen.setdefault(key, deque())
            while moments and now - moments[0] > self.window:
                moments.popleft()
            if len(moments) >= self.limit:
                return False
            moments.append(now)
            return True

    def retry_after(self) -> int:
        return int(self.window)

    def _sweep(self, now: float) -> None:
        self._seen = {k: m for k, m in self._seen.items() if m and now - m[-1] <= self.window}
        self._last_sweep = now
