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

import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any

from .buildcache import write_json_whole

KEY_FILE_ENV = "PROTECTPRESS_CACHE_KEY_FILE"  # another place for the key file (tests, a CI that keeps one)
KEY_BYTES = 32
FILE_NAME = "sealed.json"
_FORMAT = 1


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
    that way are checked like any other when read)."""

    def __init__(self, path: Path | None, key: bytes | None, *, keep_unused: bool = False) -> None:
        self.path = path if key is not None else None
        self._key = key or b""
        self._stored: dict[str, list[Any]] = _read(self.path) if self.path is not None else {}
        # A preview rebuild renders only the saved pages: what the others used stays for the next full build.
        self._used: dict[str, list[Any]] = dict(self._stored) if keep_unused else {}

    @property
    def active(self) -> bool:
        return self.path is not None

    def get(self, kind: str, text: str) -> Any:
        """The result remembered for `text`, or None: missing, or its seal is not this user's for this input."""
        if not self.active:
            return None
        name = self._name(kind, text)
        entry = self._stored.get(name)
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], str)):
            return None
        if not hmac.compare_digest(entry[1], self._seal(name, entry[0])):
            return None
        self._used[name] = entry
        return entry[0]

    def put(self, kind: str, text: str, value: Any) -> None:
        if self.active:
            name = self._name(kind, text)
            self._used[name] = [value, self._seal(name, value)]

    def save(self) -> None:
        """Write what this build used, whole or not at all, readable by this user only."""
        if self.path is None or self._used == self._stored:
            return
        if write_json_whole(self.path, {"format": _FORMAT, "entries": self._used}):
            self._stored = dict(self._used)

    def _name(self, kind: str, text: str) -> str:
        message = b"name\0" + kind.encode("utf-8") + b"\0" + text.encode("utf-8", "surrogatepass")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _seal(self, name: str, value: Any) -> str:
        encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        message = b"value\0" + name.encode("ascii") + b"\0" + encoded.encode("utf-8", "surrogatepass")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def _read(path: Path) -> dict[str, list[Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("entries"), dict):
        return {}
    return data["entries"]


def code_version(*files: str) -> str:
    """A short digest of source files, for a kind's name: a result made by other code is never read back."""
    digest = hashlib.blake2b(digest_size=8)
    for file in files:
        try:
            digest.update(Path(file).read_bytes())
        except OSError:
            digest.update(secrets.token_bytes(8))  # unreadable: nothing from before can match
    return digest.hexdigest()
