"""Reading Pagefind's answers as they arrive (search.py's PageIndexer talks to `pagefind --service`): each is base64
of JSON, and the last one holds the whole index, so a long answer is decoded into a temporary file as it comes
and its files are read one at a time when they are written, instead of being held whole twice over."""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Iterator
from typing import Any

SPILL_BYTES = 1 << 20  # an answer from Pagefind longer than this is decoded into a temporary file (the index)


class IncomingAnswer:
    """One message from Pagefind as it arrives: base64 of JSON. Short ones are kept and read whole; past
    SPILL_BYTES, the base64 is decoded as it comes into a temporary file."""

    def __init__(self) -> None:
        self.pending = bytearray()  # base64 not yet decoded
        self.spilled: Any = None  # the temporary file, once the message is long
        self.start = b""  # its first bytes, to name an answer that could not be read

    def add(self, part: bytes) -> None:
        if not self.start:
            self.start = bytes(part[:200])
        self.pending += part
        if self.spilled is None and len(self.pending) <= SPILL_BYTES:
            return
        if self.spilled is None:
            self.spilled = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the answer: SpilledFiles)
        whole = len(self.pending) - len(self.pending) % 4  # base64 decodes in groups of four
        with memoryview(self.pending) as view:
            self.spilled.write(base64.b64decode(view[:whole], validate=True))
        del self.pending[:whole]

    def answer(self) -> dict[str, Any]:
        if self.spilled is None:
            answer = json.loads(base64.b64decode(self.pending, validate=True))
        else:
            self.spilled.write(base64.b64decode(self.pending, validate=True))
            self.spilled.flush()
            answer = _read_spilled(self.spilled)
        if not isinstance(answer, dict):
            raise TypeError("not a JSON object")
        return answer


_WINDOW = 1 << 16


class _FileBytes:
    """The bytes of a file, sliced as `bytes` are, each slice read from the file when asked for. Not `mmap`: every
    page of a mapped file that has been read counts in the process's resident memory until it is unmapped, so
    walking the whole index through a map raised the build's peak by the index's size (12.7 MB at 3,000
    pages); read this way, only the slice at hand is held."""

    def __init__(self, file: Any) -> None:
        self._fd = file.fileno()
        self._size = os.fstat(self._fd).st_size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, part: slice) -> bytes:
        start, stop, _ = part.indices(self._size)
        return os.pread(self._fd, max(stop - start, 0), start) if stop > start else b""


def _read_spilled(file: Any) -> Any:
    """A long answer, decoded into `file`: its JSON value, with the `files` list of the payload left where it
    lies in the file (`SpilledFiles`), each entry read only when the index is written."""
    data = _FileBytes(file)
    value, end = _spilled_value(data, _skip_space(data, 0), file)
    if _skip_space(data, end) != len(data):
        raise ValueError(f"text after the JSON value at byte {end}")
    return value


def _spilled_value(data: _FileBytes, at: int, file: Any, key: str | None = None) -> tuple[Any, int]:
    """The JSON value starting at byte `at`, and the byte after it. Objects are walked key by key, so that only
    the list named `files` is large, and it is read entry by entry; every other value is read whole."""
    if data[at:at + 1] == b"{":
        found: dict[str, Any] = {}
        at = _skip_space(data, at + 1)
        if data[at:at + 1] == b"}":
            return found, at + 1
        while True:
            name, at = _small_value(data, at)
            at = _skip_space(data, at)
            if not isinstance(name, str) or data[at:at + 1] != b":":
                raise ValueError(f"a JSON object key at byte {at}")
            found[name], at = _spilled_value(data, _skip_space(data, at + 1), file, name)
            at = _skip_space(data, at)
            if data[at:at + 1] == b"}":
                return found, at + 1
            if data[at:at + 1] != b",":
                raise ValueError(f"',' or '}}' at byte {at}")
            at = _skip_space(data, at + 1)
    if key == "files" and data[at:at + 1] == b"[":
        entries: list[tuple[int, int]] = []
        at = _skip_space(data, at + 1)
        while data[at:at + 1] != b"]":
            _, end = _small_value(data, at)  # read to find where it ends, and let go of at once
            entries.append((at, end))
            at = _skip_space(data, end)
            if data[at:at + 1] == b",":
                at = _skip_space(data, at + 1)
            elif data[at:at + 1] != b"]":
                raise ValueError(f"',' or ']' at byte {at}")
        return SpilledFiles(file, data, entries), at + 1
    return _small_value(data, at)


def _small_value(data: _FileBytes, at: int) -> tuple[Any, int]:
    """One JSON value read whole from byte `at`: the window read grows until the value fits in it."""
    window = _WINDOW
    while True:
        raw = data[at:at + window]
        try:
            text = raw.decode("utf-8")
            value, end = _DECODER.raw_decode(text)
        except (UnicodeDecodeError, json.JSONDecodeError):
            if at + window >= len(data):
                raise
            window *= 4
            continue
        return value, at + len(text[:end].encode("utf-8"))


def _skip_space(data: _FileBytes, at: int) -> int:
    while data[at:at + 1] in (b" ", b"\t", b"\n", b"\r"):
        at += 1
    return at


_DECODER = json.JSONDecoder()


class SpilledFiles:
    """The index files of a long answer, read one at a time from the temporary file it was decoded into."""

    def __init__(self, file: Any, data: _FileBytes, entries: list[tuple[int, int]]) -> None:
        self.file, self.data, self.entries = file, data, entries

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Any]:
        try:
            for start, end in self.entries:
                yield json.loads(self.data[start:end])
        finally:
            self.file.close()
