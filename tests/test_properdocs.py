"""A build that outlives MkDocs 1.x: the example site builds with ProperDocs, the maintained fork of MkDocs 1.6,
with our plugin, Material, the feeds, the newsletters and the link check all running under it.

ProperDocs installs as its own `properdocs` package beside mkdocs (the test extra has it); its command points
every `mkdocs.*` import at `properdocs.*`, so the generator line of each page tells which one built it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, copy_project


def properdocs_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    return subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml",
                           "-d", str(site_dir)], cwd=project, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(REPO, tmp_path_factory.mktemp("properdocs") / "project")


def test_the_example_site_builds_with_properdocs(project, tmp_path):
    site = tmp_path / "site"
    result = properdocs_build(project, site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'content="mkdocs-ProperDocs' in home, "the page must have been built by ProperDocs, not MkDocs"
    assert "0800 789 321" in home, "the protectpress footer (emergency line) must be rendered"
    card = (site / "action-cards" / "unattended-and-suspicious-items" / "index.html").read_text(encoding="utf-8")
    assert "Unattended and suspicious items" in card
    for built in ("feeds/rss.xml", "feeds/atom.xml", "feeds/feed.json",
                  "topics/index.html", "newsletters/2023-03-security-and-policing/email.html"):
        assert (site / built).is_file(), built


def test_our_errors_stop_a_properdocs_build_too(project, tmp_path):
    page = project / "docs" / "about.md"
    original = page.read_text(encoding="utf-8")
    try:
        page.write_text(original + "\n[Nowhere](#no-such-heading-anywhere)\n", encoding="utf-8")
        result = properdocs_build(project, tmp_path / "site")
    finally:
        page.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert ("error: docs/about.md:" in result.stderr and "expected a link to a heading or id that exists on about/, "
            "found '#no-such-heading-anywhere'" in result.stderr), result.stderr
