"""Our stylesheets parse: every block closes, none closes twice, and no comment or string runs to the end.

A browser does not report a CSS mistake; it reads everything after an unclosed `{` as part of that rule, so one
lost brace silently switched off every rule below it (the mobile layout, print and dark mode) while the build
and `check` stayed green. This is the quick, whole-file check; the browser tests check what the rules do.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STYLESHEETS = sorted((ROOT / "overrides").rglob("*.css")) + sorted((ROOT / "plugins").rglob("*.css"))


def unbalanced(css: str) -> str | None:
    """Where the stylesheet's blocks, comments or strings do not close as CSS's tokenizer reads them, or None."""
    depth, line, index, opened_at = 0, 1, 0, []
    while index < len(css):
        char = css[index]
        if css.startswith("/*", index):
            end = css.find("*/", index + 2)
            if end < 0:
                return f"line {line}: a comment that never ends"
            line += css.count("\n", index, end)
            index = end + 2
            continue
        if char in "\"'":
            end = index + 1
            while end < len(css) and css[end] != char and css[end] != "\n":
                end += 2 if css[end] == "\\" else 1
            if end >= len(css) or css[end] == "\n":
                return f"line {line}: a string that never ends"
            index = end + 1
            continue
        if char == "\n":
            line += 1
        elif char == "{":
            depth += 1
            opened_at.append(line)
        elif char == "}":
            if depth == 0:
                return f"line {line}: a }} that closes nothing"
            depth -= 1
            opened_at.pop()
        index += 1
    return f"line {opened_at[-1]}: a {{ that never closes" if depth else None


def test_the_checker_finds_each_kind_of_mistake():
    assert unbalanced("a { color: red; }\n@media print {\n  b { color: blue; }\n}\n") is None
    assert unbalanced("a { color: red;\nb { color: blue; }\n") == "line 1: a { that never closes"
    assert unbalanced("a { color: red; }\n}\n") == "line 2: a } that closes nothing"
    assert unbalanced("a { content: '}'; }\n/* { */\n") is None
    assert unbalanced("a { color: red; }\n/* never closed\n") == "line 2: a comment that never ends"


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=[str(path.relative_to(ROOT)) for path in STYLESHEETS])
def test_every_stylesheet_closes_every_block(stylesheet):
    problem = unbalanced(stylesheet.read_text(encoding="utf-8"))
    assert problem is None, f"{stylesheet.relative_to(ROOT)}: {problem}"
