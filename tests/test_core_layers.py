"""The core's folders are layers (`protectpress.core.LAYERS`, lowest first): no import runs back up.

Read from the source with `ast`, so an import inside a function or under `TYPE_CHECKING` counts as much as
one at the top of a module: each is a dependency all the same.
"""

import ast
import shutil
from pathlib import Path

import pytest

from protectpress.core import LAYERS
from support import REPO

PACKAGE = REPO / "plugins" / "protectpress"
CORE = PACKAGE / "core"
ADAPTERS = ("cli", "mkdocs_plugins", "unsubscribe")


def module_name(path: Path, parent: Path = PACKAGE.parent) -> str:
    """The dotted name of the module at `path`, for a package in the folder `parent`."""
    parts = list(path.relative_to(parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, parent: Path = PACKAGE.parent) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in the file, relative ones resolved."""
    name = module_name(path, parent)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from ..foundation import dates` names a module, not only a package
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names
                      if (parent / f"{target}.{alias.name}".replace(".", "/")).with_suffix(".py").exists()]
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["protectpress", "core"] or len(parts) < 3:
        return None
    return parts[2]


def layer_violations(core: Path) -> list[str]:
    """Each import in the `core` folder (of a `protectpress` package) that runs up a layer or out to an adapter."""
    parent = core.parent.parent
    violations = []
    for path in sorted(core.rglob("*.py")):
        own = layer_of(module_name(path, parent))
        if own is None:
            continue
        where = path.relative_to(parent.parent)
        for line, target in imported_modules(path, parent):
            if target.startswith("protectpress.") and not target.startswith("protectpress.core"):
                violations.append(f"{where}:{line} imports the adapter {target}")
                continue
            other = layer_of(target)
            if other is not None and LAYERS.index(other) > LAYERS.index(own):
                violations.append(f"{where}:{line}: {own}/ imports {target}, a higher layer")
    return violations


def test_every_core_module_sits_in_a_layer():
    loose = [p.name for p in CORE.glob("*.py") if p.name != "__init__.py"]
    folders = sorted(p.name for p in CORE.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert not loose, f"core modules outside any layer folder: {loose}"
    assert folders == sorted(LAYERS)


def test_no_core_import_runs_up_a_layer_or_out_to_an_adapter():
    assert layer_violations(CORE) == []


def test_the_check_sees_an_upward_import(tmp_path):
    # Guards the test above against passing vacuously: a foundation module importing the site layer, planted in
    # a copy of the core (in the real one, tests on the other worker reading the package would meet it).
    copy = tmp_path / "plugins" / "protectpress" / "core"
    shutil.copytree(CORE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "foundation" / "_planted_upward_import.py").write_text(
        "from ..site import listings\nfrom protectpress.cli import main\n")
    found = layer_violations(copy)
    assert any("_planted_upward_import.py:1: foundation/ imports protectpress.core.site" in v for v in found)
    assert any("_planted_upward_import.py:2 imports the adapter protectpress.cli" in v for v in found)


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_adapters_exist_above_the_core(adapter):
    # The adapters may import any layer; the core never imports them (checked above).
    assert (PACKAGE / adapter / "__init__.py").exists()


MOST_LINES = 400  # a module past this is doing more than one job: split it by job, as CONTRIBUTING says


def test_no_module_of_the_package_grows_past_one_job():
    lines = {str(p.relative_to(REPO)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    assert len(lines) > 100  # the whole package was read
    assert {path: n for path, n in lines.items() if n > MOST_LINES} == {}
