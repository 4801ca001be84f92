"""The page templates protectpress renders at run time (protectpress/templates/) travel in the wheel: an
installed protectpress without them could not write a redirect page or answer an unsubscribe."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from support import REPO


def test_the_wheel_carries_every_page_template(tmp_path):
    # pip builds in the source folder (build/, *.egg-info): a copy keeps the checkout clean and parallel runs apart.
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "site", ".site-*", "build", "*.egg-info", "__pycache__", ".cache", "node_modules", "tests",
        "benchmarks", "docs", "newsletters"))
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "--wheel-dir", str(wheels), str(source)], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = wheels.glob("protectpress-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = REPO / "plugins" / "protectpress" / "templates"
    expected = {f"protectpress/{p.relative_to(templates.parent).as_posix()}" for p in templates.rglob("*.html")}
    assert len(expected) >= 3 and expected <= names, sorted(expected - names)
