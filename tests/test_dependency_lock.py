"""The lock and pyproject.toml agree, the venv holds exactly the lock, and the code imports only what it declares.

A fresh machine must install today what the suite passed with yesterday (the reproducible set-up issue): every
package `make build` and `make test` install is pinned with its hashes in requirements.lock, made from
pyproject.toml by `make lock`. These tests fail when the two drift apart (a dependency added to one and not the
other), when a lock entry has no hash, when the venv is off the lock, and when the code imports a distribution
that only arrives because some other package happens to need it.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# How uv names the two sources `make lock` compiles from.
FROM_PYPROJECT = "protectpress (pyproject.toml)"
FROM_BUILD_SYSTEM = "-r .venv/build-requirements.in"


@dataclass(frozen=True)
class LockedPackage:
    name: str  # canonical
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]
    via: tuple[str, ...]

    def applies_here(self) -> bool:
        return self.marker is None or self.marker.evaluate()


def read_lock(text: str) -> list[LockedPackage]:
    """The entries of a uv (requirements.txt-style) lock: `name==version ; marker`, its hashes, its `# via`."""
    packages: list[LockedPackage] = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        lines = block.splitlines()
        if not lines or lines[0].startswith("#"):
            continue
        requirement = Requirement(lines[0].rstrip(" \\"))
        (pin,) = requirement.specifier
        assert pin.operator == "==", f"requirements.lock: {lines[0]!r} is not pinned with =="
        via = [line.strip().removeprefix("# via").removeprefix("#").strip() for line in lines if "#" in line]
        packages.append(LockedPackage(
            name=canonicalize_name(requirement.name),
            version=Version(pin.version),
            marker=requirement.marker,
            hashes=tuple(re.findall(r"--hash=sha256:([0-9a-f]{64})", block)),
            via=tuple(source for source in via if source),
        ))
    return packages


LOCKED = read_lock(LOCK.read_text())


def declared(group: str) -> list[Requirement]:
    if group == "runtime":
        return [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
    if group == "build":
        return [Requirement(text) for text in PYPROJECT["build-system"]["requires"]]
    return [Requirement(text) for text in PYPROJECT["project"]["optional-dependencies"][group]]


def test_the_lock_reader_sees_every_entry():
    # The reader is what every other test here trusts: it must find as many pins as the file has.
    assert len(LOCKED) == len(re.findall(r"^[A-Za-z0-9][^\s=]*==", LOCK.read_text(), re.MULTILINE)) > 40


def test_every_locked_package_has_its_hashes():
    unhashed = [package.name for package in LOCKED if not package.hashes]
    assert not unhashed, f"requirements.lock: no --hash for {unhashed}: run `make lock`"


@pytest.mark.parametrize("group", ["runtime", "test", "build"])
def test_every_declared_dependency_is_locked_within_its_range(group):
    problems = []
    for requirement in declared(group):
        name = canonicalize_name(requirement.name)
        entries = [package for package in LOCKED if package.name == name]
        if not entries:
            problems.append(f"{requirement} is in pyproject.toml but not in requirements.lock")
        for entry in entries:
            if not requirement.specifier.contains(entry.version, prereleases=True):
                problems.append(f"{requirement}: the lock has {entry.version}")
    assert not problems, "run `make lock`:\n" + "\n".join(problems)


def test_the_lock_holds_nothing_pyproject_no_longer_asks_for():
    """Each entry uv says comes straight from pyproject.toml (or the build backend) is still declared there."""
    direct = {canonicalize_name(r.name) for group in ("runtime", "test") for r in declared(group)}
    build = {canonicalize_name(r.name) for r in declared("build")}
    stale = sorted({package.name for package in LOCKED if FROM_PYPROJECT in package.via} - direct)
    stale += sorted({package.name for package in LOCKED if FROM_BUILD_SYSTEM in package.via} - build)
    assert not stale, f"requirements.lock pins {stale}, which pyproject.toml no longer declares: run `make lock`"
    # And every entry is there for a reason the lock names: pyproject.toml, the build backend or another entry.
    names = {package.name for package in LOCKED}
    for package in LOCKED:
        reasons = {canonicalize_name(v) if v not in (FROM_PYPROJECT, FROM_BUILD_SYSTEM) else v for v in package.via}
        assert reasons & (names | {FROM_PYPROJECT, FROM_BUILD_SYSTEM}), f"{package.name}: nothing needs it"


@pytest.mark.skipif(bool(os.environ.get("PROTECTPRESS_LATEST")),
                    reason="make test-latest runs off the lock on purpose (the newest allowed versions)")
def test_the_venv_holds_exactly_the_locked_versions():
    installed = {canonicalize_name(d.metadata["Name"]): Version(d.version) for d in importlib.metadata.distributions()}
    wanted = {package.name: package.version for package in LOCKED if package.applies_here()}
    # pip comes with the venv (Python's own ensurepip), protectpress is the project itself.
    extra = sorted(set(installed) - set(wanted) - {"pip", "protectpress"})
    wrong = sorted(f"{name} {installed.get(name)} (locked {version})"
                   for name, version in wanted.items() if installed.get(name) != version)
    assert not extra and not wrong, (f"{sys.prefix} is off requirements.lock: not locked {extra}, "
                                     f"wrong or missing {wrong}: run `make clean build`")


def _third_party_imports(folder: Path) -> dict[str, str]:
    """Each top-level module the folder's Python imports that is neither standard library nor its own, with one
    file that imports it."""
    # Our own modules: the folder's, and those of tests/ and benchmarks/, which import each other's helpers.
    own = {path.stem for part in (folder, ROOT / "tests", ROOT / "benchmarks") for path in part.rglob("*.py")}
    own |= {path.name for path in folder.rglob("*") if path.is_dir()} | {path.name for path in ROOT.iterdir()}
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in own and top != "protectpress":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("folder, groups", [
    ("plugins", ("runtime",)),
    ("tests", ("runtime", "test")),
    ("benchmarks", ("runtime", "test")),
])
def test_every_imported_distribution_is_declared(folder, groups):
    distributions = importlib.metadata.packages_distributions()
    allowed = {canonicalize_name(r.name) for group in groups for r in declared(group)}
    undeclared = []
    for module, where in _third_party_imports(ROOT / folder).items():
        providers = {canonicalize_name(name) for name in distributions.get(module, [])}
        assert providers, f"{where} imports {module}, which no installed distribution provides"
        if not providers & allowed:
            undeclared.append(f"{where} imports {module} (from {sorted(providers)})")
    assert not undeclared, "declare these in pyproject.toml, then `make lock`:\n" + "\n".join(undeclared)


def test_pip_refuses_a_file_whose_hash_is_not_the_locked_one(tmp_path):
    """A changed file on an index or a mirror is refused by the install `make build` runs (--require-hashes)."""
    (segno,) = [package for package in LOCKED if package.name == "segno"]
    pin = LOCK.read_text().split(f"segno=={segno.version}", 1)[1].split("\n    #", 1)[0]
    (tmp_path / "one.lock").write_text(f"segno=={segno.version}{pin}\n")
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    with zipfile.ZipFile(wheels / f"segno-{segno.version}-py3-none-any.whl", "w") as planted:
        planted.writestr("segno/__init__.py", "raise SystemExit('planted')\n")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--require-hashes", "--no-deps",
         "--no-index", "--find-links", str(wheels), "--target", str(tmp_path / "target"),
         "-r", str(tmp_path / "one.lock")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "PIP_CONFIG_FILE": os.devnull},
    )
    assert result.returncode != 0
    assert "DO NOT MATCH THE HASHES" in result.stderr, result.stderr
    # Refused because of the lock's hashes (pip names them as expected), not a broken command line.
    assert any(f"Expected sha256 {digest}" in result.stderr for digest in segno.hashes), result.stderr
