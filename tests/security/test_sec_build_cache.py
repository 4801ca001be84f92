"""What a build remembers for the next (`.cache/protectpress/facts.json`) is an input like any other: a planted,
stale or broken file must not change what is published. The printed card's QR code is drawn with a
remembered mask only when it is one of the eight the QR standard allows; anything else is worked out again."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from protectpress.core.foundation.buildcache import CACHE_FOLDER
from support import FIXTURES, at, copy_project, run_in_process

CARD = "action-cards/parcels/index.html"
MOMENT = at(dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    project = copy_project(FIXTURES / "site-basic", tmp_path_factory.mktemp("cold") / "project")
    done = run_in_process("build", "--quiet", cwd=project, env=MOMENT)
    assert done.returncode == 0, done.stderr
    facts = json.loads((project / CACHE_FOLDER / "facts.json").read_text(encoding="utf-8"))
    return project, (project / "site" / CARD).read_text(encoding="utf-8"), facts


@pytest.mark.parametrize("planted", [
    '"<svg onload=alert(1)></svg>"', "99", "-1", "true", "2.0", '{"mask": 1}', "null",
])
def test_a_planted_mask_is_ignored(cold, tmp_path, planted):
    project, card, facts = cold
    rebuilt = copy_project(project, tmp_path / "project")
    text = json.dumps(dict.fromkeys(facts, 0)).replace("0", "PLANT").replace("PLANT", planted)
    (rebuilt / CACHE_FOLDER / "facts.json").write_text(text, encoding="utf-8")
    done = run_in_process("build", "--quiet", cwd=rebuilt, env=MOMENT)
    assert done.returncode == 0, done.stderr
    assert (rebuilt / "site" / CARD).read_text(encoding="utf-8") == card
    assert "onload" not in (rebuilt / CACHE_FOLDER / "facts.json").read_text(encoding="utf-8")  # learnt again


@pytest.mark.parametrize("broken", ["{not json", "[1, 2]", "", "\x00\xff"])
def test_a_broken_memory_file_is_a_cold_build(cold, tmp_path, broken):
    project, card, _ = cold
    rebuilt = copy_project(project, tmp_path / "project")
    (rebuilt / CACHE_FOLDER / "facts.json").write_text(broken, encoding="utf-8", errors="surrogateescape")
    done = run_in_process("build", "--quiet", cwd=rebuilt, env=MOMENT)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert (rebuilt / "site" / CARD).read_text(encoding="utf-8") == card
