"""What one build leaves the next that a planted file must not be able to forge: results sealed with a key that only
this user holds.

`buildcache.BuildMemory` keeps facts that no value read back can make wrong. Some slow results are not like that: a
QR code's drawing (a planted one could send a printed card's readers anywhere), a page's HTML or a compiled template
(mkdocs_plugins/kept_work.py), the search index (core/site/kept_search.py). Those are kept here, each entry sealed
with an HMAC-SHA256 under a 32-byte secret in a file of the user's own (`$PROTECTPRESS_CACHE_KEY_FILE`, else
`$XDG_CONFIG_HOME/protectpress/cache-key`, else `~/.config/protectpress/cache-key`; mode 0600, outside the project,
so a `.cache/` copied from CI, another machine or a pull request carries no key). The active-content judge's
verdicts are never kept on disk. An entry is used only if its seal is right for this key, this kind of result and
this input; its name is itself an HMAC of the input, so nobody without the key can even tell which input an entry is
for. Anything else (no key, a key file another user owns or others can read, a missing, broken or planted entry) is
worked out again, as on a first build. See SECURITY.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import json
import os
import re
import secrets
import stat
import tempfile
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

KEY_FILE_ENV = "PROTECTPRESS_CACHE_KEY_FILE"  # another place for the key file (tests, a CI that keeps one)
KEY_BYTES = 32
FILE_NAME = "sealed.json"


def key_path() -> Path:
    override = os.environ.get(KEY_FILE_ENV)
    if override:
        return Path(override)
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "protectpress" / "cache-key"


def user_key(path: Path | None = None) -> bytes | None:
    """This user's secret, made the first time; None when it cannot be had safely (then nothing is sealed or
    read back, and every result is worked out)."""
    path = path or key_path()
    key = _read_key(path)
    if key is not None or path.exists():
        return key
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".cache-key.", dir=path.parent)  # mode 0600
        try:
            os.write(handle, secrets.token_bytes(KEY_BYTES))
        finally:
            os.close(handle)
        try:
            os.link(temporary, path)  # never over a key another build made at the same moment
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    except OSError:
        return None
    return _read_key(path)


def _read_key(path: Path) -> bytes | None:
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid():
            return None  # a key others can read, or another user's, seals nothing
        key = os.read(handle, KEY_BYTES + 1)
    finally:
        os.close(handle)
    return key if len(key) == KEY_BYTES else None


class SealedMemory:
    """Results by (kind, input), sealed with the user's key. Reading never fails (a bad file is an empty
    memory); saving never fails the build. A save keeps only what this build used, so it never grows stale
    (`keep_unused`: everything read as well, for a preview rebuild that renders only some pages; entries kept
    that way are checked like any other when read).

    Memory stays flat however large the site (issue 29): opening a file notes where each entry lies and reads
    no value; `get` reads its one entry; `put` writes its entry to the next file at once and keeps nothing of
    it; `save` copies across the entries this build read back, untouched, and puts the finished file in place."""

    def __init__(self, path: Path | None, key: bytes | None, *, keep_unused: bool = False) -> None:
        self.path = path if key is not None else None
        self._key = key or b""
        self._mac = hmac.new(self._key, digestmod=hashlib.sha256)  # each seal and name is a copy of it
        self._keep_unused = keep_unused
        self._stored = _SealedFile.open(self.path) if self.path is not None else _SealedFile(None, {})
        self._used: set[str] = set()  # stored entries read back in this build: kept by the save
        self._next: _Writer | None = None  # the next file, with every entry put so far; made at the first put
        self._broken = False  # the next file could not be written: this build keeps nothing new

    @property
    def active(self) -> bool:
        return self.path is not None

    def get(self, kind: str, text: str) -> Any:
        """The result remembered for `text`, or None: missing, or its seal is not this user's for this input."""
        if not self.active or self._stored.empty:
            return None  # a first build: no key's name is worth hashing (a page's is its whole Markdown)
        name = self._name(kind, text)
        found = self._stored.read(name)
        if found is None:
            return None
        seal, encoded = found
        if not hmac.compare_digest(seal, self._seal_encoded(name, encoded)):
            return None
        try:
            value = json.loads(encoded)
        except ValueError:
            return None
        self._used.add(name)
        return value

    def put(self, kind: str, text: str, value: Any) -> None:
        if self.path is None or self._broken:
            return
        name = self._name(kind, text)
        encoded = _encode(value)
        try:
            if self._next is None:
                self._next = _Writer(self.path)
            self._next.add(name, self._seal_encoded(name, encoded), encoded)
        except OSError:
            self._give_up()

    def save(self) -> None:
        """Write what this build used, whole or not at all, readable by this user only."""
        if self.path is None or self._broken:
            return
        written = self._next.names if self._next is not None else set()
        kept = (self._stored.names() if self._keep_unused else self._used) - written
        if self._next is None and kept == self._stored.names():
            return  # nothing new and nothing dropped: the file in place is the one this save would write
        try:
            writer = self._next or _Writer(self.path)
            for name in sorted(kept):
                writer.copy(name, self._stored.line(name))
            self._stored.close()  # before the file is replaced (Windows replaces no file that is open)
            self._stored = writer.finish()
        except (OSError, ValueError):
            self._give_up()
            self._broken = False  # a later build, or a later save of this one, may try again
            self._stored = _SealedFile(None, {})
            return
        self._next, self._used = None, self._stored.names()

    def _give_up(self) -> None:
        if self._next is not None:
            self._next.discard()
        self._next, self._broken = None, True

    def _name(self, kind: str, text: str) -> str:
        return self._hmac(b"name\0" + kind.encode("utf-8") + b"\0" + text.encode("utf-8", "surrogatepass"))

    def _seal(self, name: str, value: Any) -> str:
        return self._seal_encoded(name, _encode(value))

    def _seal_encoded(self, name: str, encoded: bytes) -> str:
        return self._hmac(b"value\0" + name.encode("ascii") + b"\0" + encoded)

    def _hmac(self, message: bytes) -> str:
        """HMAC-SHA256 of `message` under the user's key, as hex. A copy of one HMAC keyed once: an HMAC made
        afresh for each seal and name (two for each entry put) set up OpenSSL's digest contexts each time: amid a
        build's work, a page's name took a third longer."""
        mac = self._mac.copy()
        mac.update(message)
        return mac.hexdigest()


def _encode(value: Any) -> bytes:
    """A value as the seal covers it and the file holds it: one line of compact JSON, keys sorted, all ASCII.
    ASCII: putting the 1,000-page corpus's kept pages takes 35 ms so, against 41 as UTF-8 (a kept page is mostly
    plain ASCII markup either way), and a lone surrogate reads back as it was put. Entries written as UTF-8 before
    are read as ever: the seal covers the bytes in the file, whichever they are."""
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")


# The file: JSON Lines. A first line naming the format, an entry a line (its name, its seal, then its value
# exactly as the seal covers it), and a last line counting the entries, without which nothing in it is read: a
# file cut short (a build killed while saving, a full disk) is an empty memory, never half of one.
_HEADER = b'{"protectpress":"sealed memory","format":2}\n'
_ENTRY = re.compile(rb'\["([0-9a-f]{64})","([0-9a-f]{64})",')
_VALUE_AT = len(b'["') + 64 + len(b'","') + 64 + len(b'",')  # where the value starts in an entry's line


def _end(count: int) -> bytes:
    return b'{"end":%d}\n' % count


def _entry(line: bytes) -> tuple[str, str, bytes] | None:
    """An entry's line read: its name, its seal and its value's bytes; None when it is not one."""
    found = _ENTRY.match(line)
    if found is None or not line.endswith(b"]\n"):
        return None
    return found[1].decode("ascii"), found[2].decode("ascii"), line[_VALUE_AT:-2]


class _SealedFile:
    """A file of entries as it was when opened (kept open, so where files open can be replaced, another build's
    save changes nothing read here): where each entry's line lies, read only when asked for."""

    def __init__(self, file: BinaryIO | None, lines: dict[str, tuple[int, int]]) -> None:
        self._file, self._lines = file, lines  # name -> (offset, length) of its line
        self._closer = weakref.finalize(self, file.close) if file is not None else None

    @classmethod
    def open(cls, path: Path) -> _SealedFile:
        try:
            file = open(path, "rb")  # noqa: SIM115  # kept open for the build: closed by close() or the finaliser
        except OSError:
            return cls(None, {})
        try:
            lines = _index(file)
        except (OSError, ValueError):
            lines = None
        if lines is None:
            file.close()
            return cls(None, {})
        return cls(file, lines)

    def names(self) -> set[str]:
        return set(self._lines)

    @property
    def empty(self) -> bool:
        return not self._lines

    def line(self, name: str) -> bytes:
        assert self._file is not None
        offset, length = self._lines[name]
        self._file.seek(offset)
        line = self._file.read(length)
        if len(line) != length:
            raise OSError(f"{name}: the file was cut short")
        return line

    def read(self, name: str) -> tuple[str, bytes] | None:
        """An entry's seal and value bytes, unchecked; None when there is none by that name."""
        if name not in self._lines:
            return None
        try:
            entry = _entry(self.line(name))
        except (OSError, ValueError):  # the file cut short since it was read, or closed
            return None
        return (entry[1], entry[2]) if entry is not None and entry[0] == name else None

    def close(self) -> None:
        if self._closer is not None:
            self._closer()


def _index(file: BinaryIO) -> dict[str, tuple[int, int]] | None:
    """Where each entry's line lies, read line by line (one entry's bytes at a time); None unless the file is
    one whole file of this format."""
    if file.readline() != _HEADER:
        return None
    lines: dict[str, tuple[int, int]] = {}
    offset, count = len(_HEADER), 0
    for line in file:
        if line.startswith(b'{"end":'):
            return lines if line == _end(count) and not file.read(1) else None
        entry = _entry(line)
        if entry is None:
            return None
        lines[entry[0]] = (offset, len(line))  # a name twice: the later line, as a dict of them would have it
        offset, count = offset + len(line), count + 1
    return None  # no last line: cut short


_WRITE_BUFFER = 256 * 1024  # a kept page is 5 to 50 KB: a write call for every few, not one or two for each


class _Writer:
    """The next file, written entry by entry beside the one in place (readable by this user only) and renamed
    over it only when whole; removed if never finished (a build that failed, a process that ends)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
        self.path, self._temporary = path, temporary
        self._file = os.fdopen(handle, "w+b", buffering=_WRITE_BUFFER)
        self._remover = weakref.finalize(self, _remove, self._file, temporary)
        self._lines: dict[str, tuple[int, int]] = {}
        self._offset = self._count = 0
        self._write_line(None, _HEADER)

    @property
    def names(self) -> set[str]:
        return set(self._lines)

    def add(self, name: str, seal: str, encoded: bytes) -> None:
        # In pieces, not one line formatted first: a kept page's value is copied once, into the file's buffer.
        start = b'["%s","%s",' % (name.encode("ascii"), seal.encode("ascii"))
        self._file.write(start)
        self._file.write(encoded)
        self._write_line(name, b"]\n", len(start) + len(encoded))

    def copy(self, name: str, line: bytes) -> None:
        self._write_line(name, line)

    def finish(self) -> _SealedFile:
        """Put the file in place; what it holds, read from there (a file replaced meanwhile by another build's
        save reads as other bytes, which no seal of these entries fits)."""
        self._file.write(_end(self._count))
        self._file.close()  # before the rename: Windows renames no file that is open
        os.replace(self._temporary, self.path)
        self._remover.detach()
        try:
            file = open(self.path, "rb")  # noqa: SIM115  # kept open for the build, as _SealedFile.open does
        except OSError:
            return _SealedFile(None, {})
        return _SealedFile(file, self._lines)

    def discard(self) -> None:
        self._remover()

    def _write_line(self, name: str | None, line: bytes, written: int = 0) -> None:
        """Write the end of a line (`line`) whose first `written` bytes are written already."""
        self._file.write(line)
        length = written + len(line)
        if name is not None:
            self._lines[name] = (self._offset, length)
            self._count += 1
        self._offset += length


def _remove(file: BinaryIO, temporary: str) -> None:
    with contextlib.suppress(OSError):
        file.close()
    with contextlib.suppress(OSError):
        os.unlink(temporary)


def read_entries(path: Path) -> dict[str, tuple[Any, str]]:
    """Every entry of the file at `path` as it stands, unchecked: name -> (value, seal). Empty when it is not one
    whole file of this format. (For tests that plant entries, and for looking into a cache by hand.)"""
    stored = _SealedFile.open(path)
    try:
        found = {}
        for name in stored.names():
            entry = stored.read(name)
            if entry is not None:
                found[name] = (json.loads(entry[1]), entry[0])
        return found
    finally:
        stored.close()


def write_entries(path: Path, entries: Mapping[str, tuple[Any, str]]) -> None:
    """Write `entries` (name -> (value, seal)) as they are, seals unchecked: what an edited or planted file
    holds."""
    writer = _Writer(path)
    for name, (value, seal) in entries.items():
        writer.add(name, seal, _encode(value))
    writer.finish().close()


def code_version(*files: str) -> str:
    """A short digest of source files, for a kind's name: a result made by other code is never read back."""
    digest = hashlib.blake2b(digest_size=8)
    for file in files:
        try:
            digest.update(Path(file).read_bytes())
        except OSError:
            digest.update(secrets.token_bytes(8))  # unreadable: nothing from before can match
    return digest.hexdigest()


def installed_versions(*packages: str) -> str:
    """The installed version of each package ("mkdocs 1.6.1", "name none" when it is not installed), for a kind's
    name or a key: a result made by other versions of the code that made it is never read back."""
    found = []
    for package in packages:
        try:
            found.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{package} none")
    return ", ".join(found)
