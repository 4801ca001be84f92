"""Part 6: sending a newsletter to a local aiosmtpd sink with the journal on, at two list sizes.

The send is the real `protectpress send --to list.csv --smtp smtp://127.0.0.1:PORT --rate 0 --yes`, run and
measured as its own process (wall-clock seconds from start to exit, including rendering the email once, and
peak memory); the sink counts what it accepts so that a short send cannot pass for a fast one.
"""

from __future__ import annotations

import csv
import socket
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from .corpus import SECTORS, generate
from .run import BIN, measure
from .table import Row, Table

MESSAGES_A_SECOND_TARGET = 100
MEMORY_GROWTH_TARGET = 1.10


class CountingSink:
    """Accepts every message and keeps only a count, so the sink's own memory stays flat."""

    def __init__(self) -> None:
        self.accepted = 0
        self.first: float | None = None  # when the first and the last message arrived
        self.last: float | None = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.accepted += len(envelope.rcpt_tos)
            self.last = time.perf_counter()
            self.first = self.first or self.last
        return "250 2.0.0 OK"

    @property
    def rate(self) -> float:
        """Messages a second while sending: start-up and rendering the email once are not counted."""
        if self.accepted < 2 or self.first is None or self.last is None or self.last <= self.first:
            return float("nan")
        return (self.accepted - 1) / (self.last - self.first)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_recipients(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "name", "organisation", "sectors"])
        for number in range(count):
            writer.writerow([f"partner{number:06d}@example.org", f"Partner {number}", f"Venue {number % 97}",
                             SECTORS[number % len(SECTORS)]])


def measure_into(table: Table, root: Path, recipients: tuple[int, ...], *, log=print) -> None:
    peaks = {}
    for count in recipients:
        log(f"[bench] sending to {count} recipients")
        # A fresh project each time: the journal rightly refuses to send a newsletter twice to one person.
        corpus = generate(root / f"send-{count}", 50, newsletters=1)
        newsletter = next((corpus.root / "newsletters").glob("*.md"))
        sink = CountingSink()
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            csv_file = corpus.root / f"recipients-{count}.csv"
            write_recipients(csv_file, count)
            measured = measure([str(BIN / "protectpress"), "send", "-f", str(corpus.config("ours")), "--to",
                                str(csv_file), "--smtp", f"smtp://127.0.0.1:{port}", "--rate", "0", "--yes",
                                # The live check fetches the corpus's made-up site_url: not what is measured here.
                                "--skip-live-check",
                                newsletter.relative_to(corpus.root).as_posix()], cwd=corpus.root)
        finally:
            controller.stop()
        if sink.accepted != count:
            raise RuntimeError(f"the sink accepted {sink.accepted} of {count} messages")
        peaks[count] = measured.peak_mb
        rate = sink.rate
        table.add(
            Row(
                "sending with the journal on: messages a second at the sink; seconds = whole command",
                f"{count:,} recipients",
                seconds=measured.seconds,
                cpu_seconds=measured.cpu_seconds,
                per_second=rate,
                peak_mb=measured.peak_mb,
                target=f"≥ {MESSAGES_A_SECOND_TARGET}/s",
                met=rate >= MESSAGES_A_SECOND_TARGET,
            )
        )
    if len(recipients) >= 2:
        small, large = recipients[0], recipients[-1]
        growth = peaks[large] / peaks[small]
        table.add(Row(f"sending: peak memory {large:,} ÷ {small:,} recipients", f"{large:,}/{small:,} recipients",
                      ratio=growth, target=f"≤ {MEMORY_GROWTH_TARGET:.2f}", met=growth <= MEMORY_GROWTH_TARGET))
