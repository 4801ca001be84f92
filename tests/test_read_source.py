"""Reading a source file (core/foundation/frontmatter.py `read_source`, issue 29): given the path as text, as
MkDocs holds it, the same text or the same problem as given a Path, which it read with `Path.read_bytes`."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from protectpress.core.foundation.frontmatter import read_source
from protectpress.core.foundation.problems import Problems

FILES = {
    "plain.md": b"---\ntitle: Plain\n---\nBody\n",
    "bom.md": codecs.BOM_UTF8 + b"---\ntitle: Marked\n---\nBody\n",
    "utf16.md": codecs.BOM_UTF16_LE + "---\n".encode("utf-16-le"),
    "latin1.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1"),
    "empty.md": b"",
}


def read(file: Path | str) -> tuple[str | None, list[str]]:
    problems = Problems()
    text = read_source(file, "docs/x.md", problems)
    return text, [str(problem) for problem in problems.added_since(0)]


@pytest.mark.parametrize("name", [*FILES, "missing.md", "folder"])
def test_a_path_as_text_reads_as_a_path_does(tmp_path, name):
    for file_name, data in FILES.items():
        (tmp_path / file_name).write_bytes(data)
    (tmp_path / "folder").mkdir()
    assert read(str(tmp_path / name)) == read(tmp_path / name)
    text, problems = read(str(tmp_path / name))
    if name in ("plain.md", "bom.md"):
        assert problems == [] and text == FILES[name].decode("utf-8-sig")
    else:
        assert text is None if name != "empty.md" else text == ""
