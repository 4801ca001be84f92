"""What a build keeps for the next that a planted file could abuse (`.cache/protectpress/sealed.json`: each printed
card's QR drawing) is read back only under the seal of the user's own key, kept outside the project with mode
0600 (core/foundation/sealedmemory.py). A `.cache/` from CI, another machine or a pull request carries no key:
whatever it holds, the build draws its own codes, and a planted drawing never reaches a page."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from protectpress.core.foundation.buildcache import CACHE_FOLDER
from protectpress.core.foundation.sealedmemory import (
    FILE_NAME,
    KEY_FILE_ENV,
    SealedMemory,
    read_entries,
    user_key,
    write_entries,
)
from protectpress.core.site import printcard
from support import FIXTURES, at, copy_project, run_in_process, run_protectpress

CARD = "action-cards/parcels/index.html"
ADDRESS = "https://fixture.example.org/guides/action-cards/parcels/"  # the card's address in site-basic
PLANTED = '<svg onload="alert(1)"><a href="https://evil.example/">scan me</a></svg>'


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    base = tmp_path_factory.mktemp("cold")
    key_file = base / "key"
    project = copy_project(FIXTURES / "site-basic", base / "project")
    env = {**at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)), KEY_FILE_ENV: str(key_file)}
    done = run_protectpress("build", "--quiet", cwd=project, env=env)
    assert done.returncode == 0, done.stderr
    assert (project / CACHE_FOLDER / FILE_NAME).exists() and os.stat(key_file).st_mode & 0o777 == 0o600
    return project, (project / "site" / CARD).read_text(encoding="utf-8"), env


def _plant(project, key: bytes | None) -> None:
    """A sealed.json whose entry for the card is a hostile drawing, sealed with `key`."""
    planted = SealedMemory(project / CACHE_FOLDER / FILE_NAME, key)
    planted.put(printcard._DRAWING, ADDRESS, [0, PLANTED])
    planted.save()


def test_a_drawing_sealed_with_another_key_is_not_published(cold, tmp_path):
    project, card, env = cold
    rebuilt = copy_project(project, tmp_path / "project")
    _plant(rebuilt, b"k" * 32)  # the attacker's own key: they cannot have the user's
    done = run_in_process("build", "--quiet", cwd=rebuilt, env=env)
    assert done.returncode == 0, done.stderr
    assert (rebuilt / "site" / CARD).read_text(encoding="utf-8") == card
    assert "evil.example" not in (rebuilt / CACHE_FOLDER / FILE_NAME).read_text(encoding="utf-8")  # drawn again


def test_an_entry_moved_to_another_address_is_not_read_back(tmp_path):
    key = b"u" * 32
    memory = SealedMemory(tmp_path / FILE_NAME, key)
    memory.put("kind", "https://a.example/", "drawing of a")
    memory.put("kind", "https://b.example/", "drawing of b")
    memory.save()
    entries = read_entries(tmp_path / FILE_NAME)
    first, second = entries
    entries[first], entries[second] = entries[second], entries[first]
    write_entries(tmp_path / FILE_NAME, entries)
    swapped = SealedMemory(tmp_path / FILE_NAME, key)
    assert swapped.get("kind", "https://a.example/") is None and swapped.get("kind", "https://b.example/") is None
    assert SealedMemory(tmp_path / FILE_NAME, b"v" * 32).get("kind", "https://a.example/") is None


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_others_can_read_seals_nothing(tmp_path, mode):
    key_file = tmp_path / "key"
    key_file.write_bytes(b"s" * 32)
    key_file.chmod(mode)
    assert user_key(key_file) is None
    memory = SealedMemory(tmp_path / FILE_NAME, user_key(key_file))
    memory.put("kind", "text", "value")
    memory.save()
    assert memory.get("kind", "text") is None and not (tmp_path / FILE_NAME).exists()


def test_a_key_file_that_is_a_link_is_not_followed(tmp_path):
    real = tmp_path / "real"
    real.write_bytes(b"s" * 32)
    real.chmod(0o600)
    (tmp_path / "key").symlink_to(real)
    assert user_key(tmp_path / "key") is None
