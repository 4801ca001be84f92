"""Every build may now add new addresses to published-urls.txt (issue 27, item 11): a record that is a symlink,
planted in a repository, is replaced by the file and never followed to overwrite what it points at."""

from __future__ import annotations

from support import FIXTURES, copy_project, run_in_process

PAGE = """---
title: Evacuation routes
type: guidance
summary: Plan two ways out for everyone.
date: 2024-02-01
sectors: [Retail]
---

Plan two ways out.
"""


def test_a_record_that_is_a_symlink_is_replaced_never_written_through(tmp_path):
    project = copy_project(FIXTURES / "hardening-published", tmp_path / "project")
    record = project / "published-urls.txt"
    # Outside the project, a file the build must never write (here: one that reads as the same record).
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(record.read_text(encoding="utf-8"), encoding="utf-8")
    before = outside.read_bytes()
    record.unlink()
    record.symlink_to(outside)
    (project / "docs" / "guidance" / "evacuation-routes.md").write_text(PAGE, encoding="utf-8")
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Recorded 1 new address in published-urls.txt" in result.stdout
    assert outside.read_bytes() == before
    assert not record.is_symlink() and "/guidance/evacuation-routes/" in record.read_text(encoding="utf-8")
    assert not list(project.glob(".published-urls.txt.*"))  # no temporary file left beside it
