"""Shared test fixtures: real builds of the example site and of small fixture projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import FIXTURES, NOTICE, REPO, NoticeSite, at, copy_project, run_protectpress


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example site built once per test session with `protectpress build --strict`: its site/ folder."""
    project = copy_project(REPO, tmp_path_factory.mktemp("example") / "project")
    result = run_protectpress("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture
def fixture_project(tmp_path):
    """Copy `tests/fixtures/<name>/` into a temporary folder and return its path."""

    def make(name: str) -> Path:
        return copy_project(FIXTURES / name, tmp_path / name)

    return make


@pytest.fixture(scope="module")
def newsletter_project(tmp_path_factory) -> Path:
    """A copy of tests/fixtures/newsletter-basic shared by one test module: tests that add a file remove it."""
    return copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("newsletter-basic") / "project")


@pytest.fixture(scope="session")
def notice_site(tmp_path_factory) -> NoticeSite:
    """Shared by the build tests (tests/test_notice.py) and the browser tests of the banner."""
    project = copy_project(REPO, tmp_path_factory.mktemp("notice") / "project")
    (project / "docs" / "notice.md").write_text(NOTICE, encoding="utf-8")
    result = run_protectpress("build", "--strict", "--quiet", "-d", "site-live", cwd=project,
                              env=at(NoticeSite.live_at))
    assert result.returncode == 0, result.stdout + result.stderr
    return NoticeSite(project, project / "site-live")
