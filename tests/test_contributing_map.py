"""CONTRIBUTING.md's map of the code names every module of plugins/protectpress, so a reader finds each one from
the map and a new module cannot slip in unnamed (the first-time comms officer's trial found report.py,
compose.py, livecheck.py and progress.py missing).

A module counts as named when the map gives its path (`core/sending/report.py`, or from inside the core,
`sending/report.py`), or its file name (`report.py`) in its own folder's row of the Layout or layers table."""

from __future__ import annotations

import re

from support import REPO

PACKAGE = REPO / "plugins" / "protectpress"
CONTRIBUTING = REPO / "CONTRIBUTING.md"


def the_map() -> str:
    """From "### Layout" to "### Tests": the tables and the notes on how the parts fit together."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    start, end = text.index("### Layout"), text.index("### Tests")
    return text[start:end]


def folder_rows(text: str) -> dict[str, str]:
    """Each table row by the folder it is about (`plugins/protectpress/cli/` or a layer's `sending/`), as
    `cli` or `core/sending`."""
    rows: dict[str, str] = {}
    for match in re.finditer(r"^\| `([\w/]+)/` \|.*$", text, flags=re.MULTILINE):
        folder = match.group(1).removeprefix("plugins/protectpress/")
        if (PACKAGE / "core" / folder).is_dir() and not (PACKAGE / folder).is_dir():
            folder = f"core/{folder}"
        rows[folder] = rows.get(folder, "") + match.group(0)
    return rows


def unnamed_modules(text: str) -> list[str]:
    rows = folder_rows(text)
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py":
            continue  # a package is named by its folder
        inside = path.relative_to(PACKAGE).as_posix()
        folder = path.parent.relative_to(PACKAGE).as_posix()
        paths = {inside, inside.removeprefix("core/")}
        if any(re.search(rf"[`/]{re.escape(p)}`", text) for p in paths if "/" in p):
            continue
        if f"`{path.name}`" in rows.get(folder, ""):
            continue
        missing.append(inside)
    return missing


def test_contributing_names_every_module():
    missing = unnamed_modules(the_map())
    assert not missing, "name these in CONTRIBUTING.md's map (its folder's row, or its path):\n" + "\n".join(missing)


def test_the_check_sees_a_module_the_map_leaves_out():
    text = the_map()
    assert {"cli", "core/sending", "core/foundation", "mkdocs_plugins", "unsubscribe"} <= set(folder_rows(text))
    assert unnamed_modules(text.replace("`progress.py`", "the bar")) == ["core/sending/progress.py"]
    # A name in another folder's row does not count: `page.py` of the service is not the Subscribe page's.
    without = text.replace("its HTML pages (`page.py`)", "its HTML pages")
    assert unnamed_modules(without) == ["unsubscribe/page.py"]
