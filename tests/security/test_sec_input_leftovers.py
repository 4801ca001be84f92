"""A killed build's temporary folder does not stay forever (issue 11, item 10), and clearing it never touches the
folder of a build that is running at the same time."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from support import FIXTURES, PROTECTPRESS, REPO, copy_project, run_protectpress


def start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen([*PROTECTPRESS, "build", "--quiet"], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def wait_for_staging(project: Path, build: subprocess.Popen, *, holding: str) -> Path:
    """The running build's temporary folder, once it holds `holding` (a file the build writes mid-way)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        for folder in project.glob(".site-building-*"):
            if (folder / holding).exists():
                return folder
        time.sleep(0.01)
    raise AssertionError(f"the build never wrote {holding} into a temporary folder: {build.communicate()}")


def test_the_next_build_clears_what_a_killed_build_left(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    killed = start_build(project)
    left = wait_for_staging(project, killed, holding="assets")
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    swap_left = project / ".site-previous-999999999"  # a build killed while swapping, by a pid long gone
    (swap_left / "guidance").mkdir(parents=True)
    unrelated = project / ".site-building-notes.txt"
    unrelated.write_text("not a folder of ours")
    assert left.is_dir() and any(left.rglob("*"))

    result = run_protectpress("build", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not left.exists() and not swap_left.exists()
    assert unrelated.read_text() == "not a folder of ours"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == [unrelated.name]
    assert (project / "site" / "index.html").is_file()


def test_a_build_running_at_the_same_time_keeps_its_folder(tmp_path):
    # The example site takes a few seconds, so the second build starts and finishes while the first one writes.
    project = copy_project(REPO, tmp_path / "project")
    first = start_build(project)
    wait_for_staging(project, first, holding="assets")
    second = run_protectpress("build", "--quiet", cwd=project)
    assert second.returncode == 0, second.stderr
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert (project / "site" / "index.html").is_file()
    assert not list(project.glob(".site-building-*")) and not list(project.glob(".site-previous-*"))
