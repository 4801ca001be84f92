"""The handbook's table of messages stays in step with the code: every message the code can print is in it
(with … where the code fills in a value), and nothing it lists is gone from the code."""

from __future__ import annotations

import ast
import re

from protectpress.core.content.contentset import ACTION_CARD_WORD_LIMIT
from support import REPO

CODE = REPO / "plugins" / "protectpress"
TABLE = REPO / "handbook" / "messages.md"


def _template(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "…" for part in node.values)
    return None


def code_messages() -> set[str]:
    """Every string in the code that starts "expected ": the one form every problem message takes."""
    found = set()
    for path in CODE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inner = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
        for node in ast.walk(tree):
            if id(node) in inner:
                continue
            text = _template(node)
            if text and text.startswith("expected ") and "\n" not in text:
                found.add(" ".join(text.split()))
    return found


def handbook_messages() -> set[str]:
    """The first cell of each row of the message tables, written in backticks."""
    rows = re.findall(r"^\| `(expected [^|]*?)` \|", TABLE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {row.replace("\\|", "|") for row in rows}


def test_every_message_in_the_code_is_in_the_handbook():
    missing = sorted(code_messages() - handbook_messages())
    assert not missing, "add these to handbook/messages.md:\n" + "\n".join(missing)


def test_every_message_in_the_handbook_is_still_in_the_code():
    gone = sorted(handbook_messages() - code_messages())
    assert not gone, "these are in handbook/messages.md but no longer in the code:\n" + "\n".join(gone)


def test_the_handbook_gives_the_action_card_length_the_check_warns_at():
    writing = (TABLE.parent / "writing.md").read_text(encoding="utf-8")
    assert f"keep it to about {ACTION_CARD_WORD_LIMIT} words" in writing
    assert len(re.findall(r"about \d+ words", writing)) == 1  # no other, older figure beside it
