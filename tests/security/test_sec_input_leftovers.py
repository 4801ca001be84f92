"""A killed build's temporary folder does not stay forever (issue 11, item 10), and clearing it never touches the
folder of a build that is running at the same time."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from support import FIXTURES, PROTECTPRESS, copy_project, run_protectpress, wait_until


def start_build(project: Path) -> subprocess.Popen:
    return subprocess.Popen([*PROTECTPRESS, "build", "--quiet"], cwd=project, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def wait_for_staging(project: Path, build: subprocess.Popen, *, holding: str) -> Path:
    """The running build's temporary folder, once it holds `holding` (a file the build writes mid-way)."""
    return wait_until(lambda: next((folder for folder in project.glob(".site-building-*")
                                    if (folder / holding).exists()), None),
                      seconds=120, step=0.01, process=build, what=f"the build writing {holding} into a folder",
                      output=lambda: build.communicate() if build.poll() is not None else "(still running)")


def paused(process: subprocess.Popen) -> bool:
    """Whether the kernel has stopped `process` (state T in /proc), so it writes nothing until SIGCONT."""
    return Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T"


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
    # The first build is paused (SIGSTOP) mid-way, while it writes its temporary folder, so the second build
    # certainly starts and finishes while the first one runs, however fast or busy the machine is.
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    first = start_build(project)
    try:
        staging = wait_for_staging(project, first, holding="assets")
        first.send_signal(signal.SIGSTOP)
        wait_until(lambda: paused(first), seconds=30, what="the first build pausing")
        written = sorted(p.relative_to(staging) for p in staging.rglob("*"))
        second = run_protectpress("build", "--quiet", cwd=project)
        assert second.returncode == 0, second.stderr
        # The overlap happened: the first build was still running, all through the second one.
        assert first.poll() is None
        assert (project / "site" / "index.html").is_file()  # the second build's site, swapped in
        # ...and its folder, which the second build found beside site/, is as the first build left it.
        assert staging.is_dir() and sorted(p.relative_to(staging) for p in staging.rglob("*")) == written
    finally:
        first.send_signal(signal.SIGCONT)
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert (project / "site" / "index.html").is_file()
    assert not list(project.glob(".site-building-*")) and not list(project.glob(".site-previous-*"))
