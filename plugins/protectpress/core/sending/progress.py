"""The progress display of a bulk send: a one-line bar on a terminal, plain lines in a log or pipe.

It writes to stderr, so the summary on stdout stays clean for scripts.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO

BAR_WIDTH = 24
PLAIN_EVERY_SECONDS = 10.0


@dataclass
class Counts:
    """What the bar shows: this run's results so far."""

    done: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0


def time_left(elapsed: float, done: int, total: int) -> str:
    """`about 3 min left`, from the average time per recipient so far."""
    if done == 0 or done >= total:
        return ""
    seconds = elapsed / done * (total - done)
    if seconds < 60:
        return f"about {max(1, round(seconds))} s left"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min left"
    return f"about {seconds / 3600:.1f} h left"


@dataclass(frozen=True)
class ProgressWords:
    """What the bar says it is doing, and what it calls a message done: a relay sends, the outbox writes."""

    label: str
    done: str


SENDING = ProgressWords("Sending", "sent")


def writing_to(folder: str) -> ProgressWords:
    """The outbox's words: `Writing messages to outbox/<newsletter>/ [###---] 3/6 (written 3)`."""
    return ProgressWords(f"Writing messages to {folder}/", "written")


class Progress:
    def __init__(self, total: int, *, stream: TextIO | None = None, words: ProgressWords = SENDING) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.words = words
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self._started = time.monotonic()
        self._last_plain = float("-inf")
        self._last_done_shown = -1

    def update(self, counts: Counts, *, final: bool = False) -> None:
        if self.total == 0:
            return
        line = self._line(counts)
        if self.interactive:
            self.stream.write("\r" + line + "\x1b[K" + ("\n" if final else ""))
            self.stream.flush()
            return
        now = time.monotonic()
        step = max(1, self.total // 10)
        due = final or counts.done % step == 0 or now - self._last_plain >= PLAIN_EVERY_SECONDS
        if due and counts.done != self._last_done_shown:
            self.stream.write(line + "\n")
            self.stream.flush()
            self._last_plain, self._last_done_shown = now, counts.done

    def _line(self, counts: Counts) -> str:
        filled = round(BAR_WIDTH * counts.done / self.total)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        parts = [f"{self.words.done} {counts.sent:,}"]
        if counts.failed:
            parts.append(f"failed {counts.failed:,}")
        if counts.unknown:
            parts.append(f"unknown {counts.unknown:,}")
        left = time_left(time.monotonic() - self._started, counts.done, self.total)
        tail = f", {left}" if left else ""
        return f"{self.words.label} [{bar}] {counts.done:,}/{self.total:,} ({', '.join(parts)}){tail}"
