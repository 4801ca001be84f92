"""What a build remembers for the next (core/foundation/buildcache.py): a rebuild reuses each action card's QR mask, and
the site it writes is the same, byte for byte, as a build that started with no memory at all."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import segno

from protectpress.core.foundation.buildcache import CACHE_FOLDER, BuildMemory
from protectpress.core.site.printcard import qr_svg
from support import FIXTURES, at, copy_project, run_protectpress, snapshot

ADDRESS = "https://protectpress.example.org/action-cards/firearms-and-weapons-attacks/"


def test_a_remembered_mask_draws_the_same_code_without_choosing_it_again(tmp_path, monkeypatch):
    memory = BuildMemory(tmp_path / "facts.json")
    cold = qr_svg(ADDRESS, memory)
    memory.save()
    expected_mask = segno.make_qr(ADDRESS, error="m").mask
    chosen = []
    real_make_qr = segno.make_qr
    monkeypatch.setattr(segno, "make_qr", lambda *a, **k: chosen.append(k.get("mask")) or real_make_qr(*a, **k))
    warm = qr_svg(ADDRESS, BuildMemory(tmp_path / "facts.json"))
    assert warm == cold
    assert chosen == [expected_mask]  # drawn once, with the mask it chose before


def test_another_address_is_not_given_the_remembered_mask(tmp_path):
    memory = BuildMemory(tmp_path / "facts.json")
    qr_svg(ADDRESS, memory)
    other = ADDRESS.replace("firearms-and-weapons-attacks", "unattended-and-suspicious-items")
    assert qr_svg(other, memory) == qr_svg(other)  # as drawn with no memory at all


def test_a_memory_that_cannot_be_written_leaves_no_file_and_no_error(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        memory = BuildMemory(folder / "facts.json")
        memory.put("key", 1)
        memory.save()  # the build goes on; the next one starts cold
        if os.geteuid() != 0:  # root writes anywhere: the missing file is only promised to others
            assert list(folder.iterdir()) == []
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_rebuild_with_a_memory_writes_the_same_site(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    moment = at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    first = run_protectpress("build", "--quiet", "--site-dir", str(tmp_path / "cold"), cwd=project, env=moment)
    assert first.returncode == 0, first.stderr
    facts = json.loads((project / CACHE_FOLDER / "facts.json").read_text(encoding="utf-8"))
    assert any(key.startswith("qr-mask ") for key in facts), facts  # the card's mask was remembered
    second = run_protectpress("build", "--quiet", "--site-dir", str(tmp_path / "warm"), cwd=project, env=moment)
    assert second.returncode == 0, second.stderr
    warm, cold = (_without_search_index(snapshot(tmp_path / name)) for name in ("warm", "cold"))
    assert warm == cold and any(path.startswith("action-cards/") for path in warm)
    assert not any(".cache" in path or "facts.json" in path for path in warm)


def _without_search_index(files: dict[str, str]) -> dict[str, str]:
    # Pagefind names and packs its index chunks differently from run to run, from the same pages.
    return {path: digest for path, digest in files.items() if not path.startswith("pagefind/")}
