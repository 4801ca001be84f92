"""Parsing a crafted file to the recursion limit does not make unrelated finalizers fail.

Python-Markdown, PyYAML and the email package recurse once per level of nesting, and a crafted page, front
matter, `mkdocs.yml` or bounce takes them to the limit, where the caller catches the RecursionError. If the
garbage collector started at that depth, the finalizers of unrelated objects then ran there and failed:
"Exception ignored in ..." on a comms officer's terminal, and once a CI failure blamed on an unrelated test.
The collector is now paused while such a parse runs (`foundation.deep_parse.collector_paused`).

The test keeps one object with a finalizer always waiting for the collector (each one's finalizer leaves the next)
and makes the collector run at every chance, so without the pause it runs at the parse's deepest point.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from protectpress.core.foundation.config import ConfigError, read_yaml
from protectpress.core.foundation.frontmatter import FrontMatterError, split_front_matter
from protectpress.core.judge.nesting import renders

FINALIZER_FRAMES = 40  # what an ordinary finalizer needs: closing a file, a generator, a socket


def _climb(frames: int) -> None:
    if frames:
        _climb(frames - 1)


class _Litter:
    """A cycle with a finalizer; collecting it leaves another, so one is always waiting."""

    active = False

    def __init__(self) -> None:
        self.itself = self

    def __del__(self) -> None:
        if _Litter.active:
            _Litter()
            _climb(FINALIZER_FRAMES)


@pytest.fixture
def failed_finalizers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    failed: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", failed.append)
    threshold = gc.get_threshold()
    _Litter.active = True
    _Litter()
    gc.set_threshold(1)  # the collector runs at (almost) every allocation
    try:
        yield failed
    finally:
        gc.set_threshold(*threshold)
        _Litter.active = False
        gc.collect()


def _deep_markdown(tmp_path: Path) -> None:
    assert not renders('<div markdown="1">\n' * 400 + "x\n" + "</div>\n" * 400, ["md_in_html"])


# Nesting made by indentation only: nothing for the bracket count to see, so PyYAML itself goes deep.
INDENTED_YAML = "".join(" " * level + f"k{level}:\n" for level in range(3000))


def _deep_front_matter(tmp_path: Path) -> None:
    with pytest.raises(FrontMatterError):
        split_front_matter(f"---\n{INDENTED_YAML}---\nBody\n")


def _deep_settings(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(INDENTED_YAML, encoding="utf-8")
    with pytest.raises(ConfigError):
        read_yaml(tmp_path / "mkdocs.yml")


@pytest.mark.parametrize("parse", [_deep_markdown, _deep_front_matter, _deep_settings],
                         ids=["markdown", "front-matter", "mkdocs.yml"])
def test_no_finalizer_fails_while_a_crafted_file_is_parsed(parse: Callable[[Path], None], tmp_path: Path,
                                                            failed_finalizers: list[object]) -> None:
    parse(tmp_path)
    assert failed_finalizers == []
