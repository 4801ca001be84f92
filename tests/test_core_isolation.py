"""The core must outlive MkDocs 1.x and Material: it may not import either, directly or indirectly."""

import subprocess
import sys

from support import REPO

PROBE = r"""
import sys, importlib, pkgutil
# Make MkDocs and Material unimportable, as they will be once we move off them.
for name in ("mkdocs", "material"):
    sys.modules[name] = None
import protectpress.core as core
imported = []
for module in pkgutil.walk_packages(core.__path__, prefix="protectpress.core."):
    importlib.import_module(module.name)
    imported.append(module.name)
from protectpress.core.foundation.config import load_settings
from protectpress.core.project.reading import load_project
project = load_project(load_settings("mkdocs.yml"))
assert project.content.items, "no pages read"
assert not [m for m in sys.modules if m.startswith(("mkdocs.", "material."))]
print(len(imported), len(project.content.items))
"""


def test_core_imports_and_reads_the_project_without_mkdocs():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    modules, pages = map(int, result.stdout.split())
    assert modules >= 10  # every core module was imported, not just the package
    assert pages >= 15


def test_the_probe_really_blocks_mkdocs():
    # Guards the test above: if blocking stopped working it would pass vacuously.
    result = subprocess.run([sys.executable, "-c", "import sys; sys.modules['mkdocs'] = None; import mkdocs"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr
