"""Shared test fixtures: real builds of the example site and of small fixture projects.

Under pytest-xdist (`make test` runs two workers) a session fixture is made once per worker; the built sites
that read-only tests share are made once per run instead (`shared_folder`): the first worker to ask builds,
the others wait for it and read the same folder. A test that changes a site gets a copy of its own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from support import FIXTURES, NOTICE, REPO, NoticeSite, ask_for_palette_toggle, at, copy_project, run_in_process

try:
    import fcntl
except ImportError:  # not POSIX: each worker makes its own (slower, never wrong)
    fcntl = None  # type: ignore[assignment]


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name`, made by `make(folder)` once for the whole run and shared by every xdist worker.

    The workers of one run share the parent of their temporary folders; a lock file there lets the first worker
    make the folder while the others wait, and a marker written last says it is complete (a worker that failed
    half-way leaves none, so the next one starts again and reports the same failure).
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if fcntl is not None and base.name.startswith("popen-gw") else base
    folder = shared / f"shared-{name}"
    done = shared / f"shared-{name}.done"
    with (shared / f"shared-{name}.lock").open("w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            make(folder)
            done.touch()
    return folder


# Room the test run's temporary folders take in memory (a failed test's are kept: pyproject.toml), with plenty to
# spare.
MEMORY_FOR_TEMPORARY_FOLDERS = 8 * 2**30
MEMORY_FOLDER = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary folders (tmp_path and the shared builds) in memory where the machine has room for them:
    the send journal, the stores and the atomic site swap sync every write to disk (fsync), as they must for comms
    staff, and on a disk shared with other work those waits were a third of the run's wall clock (the security
    tests and the build and sending modules took 208-244 s on disk, 143 s in memory, alternating runs). What the
    tests prove is the same: nothing asserts that a write reached a disk. A --basetemp or PYTEST_DEBUG_TEMPROOT
    given is kept, and a machine with a small /dev/shm (a container's 64 MB) keeps the disk. Under xdist the
    workers inherit the choice from the controller, which makes their folders."""
    if config.option.basetemp or "PYTEST_DEBUG_TEMPROOT" in os.environ or "PYTEST_XDIST_WORKER" in os.environ:
        return
    try:
        room = os.statvfs(MEMORY_FOLDER)
    except OSError:
        return
    if room.f_bavail * room.f_frsize >= MEMORY_FOR_TEMPORARY_FOLDERS and os.access(MEMORY_FOLDER, os.W_OK):
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_FOLDER)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    """A test marked `alone` (one that measures speed) runs while no other xdist worker runs a test: every test
    holds a shared lock on one file of the run from before its fixtures are set up until after they are torn down,
    and an `alone` test holds it exclusively. Outermost, so the wait is not counted in the test's time limit."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if fcntl is None or run is None:
        yield  # one process: nothing else runs anyway
        return
    alone = item.get_closest_marker("alone") is not None
    folder = Path(tempfile.gettempdir())
    # A turnstile first, so the `alone` test is not starved: while it waits for the running test to end, holding
    # the turnstile, no other test may start (a lock shared again at once would always win over a waiting one).
    with (folder / f"protectpress-tests-{run}.turnstile").open("a") as turnstile, \
            (folder / f"protectpress-tests-{run}.lock").open("a") as lock:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        if alone:
            fcntl.flock(lock, fcntl.LOCK_EX)
        else:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
            fcntl.flock(lock, fcntl.LOCK_SH)
        yield


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order the two workers are handed modules in (`--dist loadscope` hands them out one module at a time,
    in this order, to whichever worker is free; `--no-loadscope-reorder` in pyproject.toml keeps xdist from
    re-sorting): modules marked `long` first, then the rest with the most tests first.

    A run ends when its last module does, so the long modules must not be left to the end. By its number of tests
    alone (xdist's own order) a module of two or three long tests (Lighthouse, the judge in a browser, the
    benchmark's smoke run) was handed out last and ran for a minute on one worker while the other had nothing
    left. The tests of a module keep their order. A run in one process keeps pytest's own order: nothing to share."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)

    def first_to_start(tests: list[pytest.Item]) -> tuple[bool, int]:
        return not any(test.get_closest_marker("long") for test in tests), -len(tests)

    items[:] = [test for tests in sorted(modules.values(), key=first_to_start) for test in tests]


def build_example(project: Path, *args: str, env: dict | None = None) -> None:
    result = run_in_process("build", "--strict", "--quiet", *args, cwd=project, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example site built once per test run with `protectpress build --strict`: its site/ folder. Shared by
    every worker and every test that reads it: never write into it (copy it, or build your own)."""

    def make(folder: Path) -> None:
        build_example(copy_project(REPO, folder / "project"))

    return shared_folder(tmp_path_factory, "example", make) / "project" / "site"


@pytest.fixture(scope="session")
def basic_project(tmp_path_factory) -> Path:
    """tests/fixtures/site-basic built once per test run with `protectpress build --strict`: the project, its site/
    beside it. Shared by every worker and every test that reads it: never write into it (`copy_project` it first:
    the copy leaves site/ out)."""

    def make(folder: Path) -> None:
        build_example(copy_project(FIXTURES / "site-basic", folder / "site-basic"))

    return shared_folder(tmp_path_factory, "site-basic", make) / "site-basic"


@pytest.fixture
def fixture_project(tmp_path):
    """Copy `tests/fixtures/<name>/` into a temporary folder and return its path."""

    def make(name: str) -> Path:
        return copy_project(FIXTURES / name, tmp_path / name)

    return make


@pytest.fixture
def newsletter_project(tmp_path) -> Path:
    """A copy of tests/fixtures/newsletter-basic of the test's own (a copy takes milliseconds), so what one test
    changes can never reach another, whichever worker runs it and whether or not it puts things back."""
    return copy_project(FIXTURES / "newsletter-basic", tmp_path / "newsletter-basic")


@pytest.fixture(scope="session")
def palette_toggle_site(tmp_path_factory) -> Path:
    """The example site built (`--strict`) from a mkdocs.yml that asks for Material's light/dark toggle: its site/
    folder, shared read-only by the build test and the browser test of the toggle."""

    def make(folder: Path) -> None:
        project = copy_project(REPO, folder / "project")
        ask_for_palette_toggle(project)
        build_example(project)

    return shared_folder(tmp_path_factory, "palette-toggle", make) / "project" / "site"


@pytest.fixture(scope="session")
def notice_site(tmp_path_factory) -> NoticeSite:
    """Shared by the build tests (tests/test_notice.py) and the browser tests of the banner, across workers: the
    project and its site built while the notice is live are read-only (tests/test_notice.py copies the project
    before it builds or sends anything)."""

    def make(folder: Path) -> None:
        project = copy_project(REPO, folder / "project")
        (project / "docs" / "notice.md").write_text(NOTICE, encoding="utf-8")
        build_example(project, "-d", "site-live", env=at(NoticeSite.live_at))

    project = shared_folder(tmp_path_factory, "notice", make) / "project"
    return NoticeSite(project, project / "site-live")


