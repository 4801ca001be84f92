"""Splits a Markdown file into its YAML front matter and body, keeping each key's line for messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


@dataclass
class FrontMatter:
    """Parsed front matter. `lines` maps each top-level key to its line in the file (1-based)."""

    data: dict[str, Any]
    body: str
    body_line: int  # the file line on which the body starts
    lines: dict[str, int] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # each scalar as written, for "found ..." messages


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML, except that an impossible unquoted date (2023-02-30) stays text for the schema to explain,
    instead of PyYAML raising a bare ValueError with no line."""

    def construct_yaml_timestamp(self, node):  # noqa: D102 - PyYAML's hook name
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp)

if hasattr(yaml, "CSafeLoader"):
    class _FastFrontMatterLoader(yaml.CSafeLoader):
        """The same rules on libyaml: every page's front matter is read on each build and each `mkdocs serve`
        rebuild, and the pure-Python parser was most of our plugin's time. Mistakes are re-read with the
        pure-Python loader so that messages and lines stay exactly as they are."""

        def construct_yaml_timestamp(self, node):  # noqa: D102 - as _FrontMatterLoader's
            try:
                return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
            except ValueError:
                return self.construct_scalar(node)

    _FastFrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _FastFrontMatterLoader.construct_yaml_timestamp)
else:  # PyYAML built without libyaml
    _FastFrontMatterLoader = _FrontMatterLoader


class FrontMatterError(ValueError):
    def __init__(self, expected: str, found: str | None = None, line: int | None = None) -> None:
        self.expected, self.found, self.line = expected, found, line
        super().__init__(expected)


def _parse_yaml(yaml_text: str):
    """libyaml for speed; on a mistake, the pure-Python loader again, whose messages word it for people."""
    try:
        return _compose_and_construct(yaml_text, _FastFrontMatterLoader)
    except yaml.YAMLError:
        return _compose_and_construct(yaml_text, _FrontMatterLoader)


def split_front_matter(text: str) -> FrontMatter:
    """Read `---` YAML `---` then Markdown. Raises FrontMatterError with the file line of the mistake."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        first = lines[0].strip() if lines else ""
        raise FrontMatterError("expected front matter: a first line '---', then YAML keys, then '---'",
                               repr(first[:60]) if first else "an empty file", line=1)
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            break
    else:
        raise FrontMatterError("expected a closing '---' line after the front matter", "none", line=1)
    yaml_text = "".join(lines[1:index])
    body = "".join(lines[index + 1:])
    try:
        node, data = _parse_yaml(yaml_text)
    except RecursionError:
        # PyYAML builds nested lists and mappings recursively (found by the fuzz tests: 2,000 `[`).
        raise FrontMatterError("expected front matter nested at most a few levels deep",
                               "lists or mappings nested too deeply for YAML", line=2) from None
    except _TAG_MISMATCH:
        # PyYAML's own constructors fail with plain Python errors on `!!int x`, `!!bool x`, `!!timestamp x`.
        raise FrontMatterError("expected valid YAML front matter", "a value that does not fit its !! type tag",
                               line=_first_line_with(yaml_text, "!!")) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "something YAML cannot read"
        raise FrontMatterError("expected valid YAML front matter", problem,
                               line=mark.line + 2 if mark is not None else 2) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("expected front matter of 'key: value' lines", f"a {type(data).__name__}", line=2)
    key_lines: dict[str, int] = {}
    raw: dict[str, str] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_lines.setdefault(key, key_node.start_mark.line + 2)
            if isinstance(value_node, yaml.ScalarNode):
                raw[key] = value_node.value
    return FrontMatter(data={str(k): v for k, v in data.items()}, body=body, body_line=index + 2,
                       lines=key_lines, raw=raw)


_TAG_MISMATCH = (ValueError, KeyError, TypeError, AttributeError, OverflowError)


def _first_line_with(yaml_text: str, needle: str) -> int:
    """The file line (the YAML starts on line 2) of the first YAML line holding `needle`, else line 2."""
    return next((number for number, line in enumerate(yaml_text.splitlines(), start=2) if needle in line), 2)


def _compose_and_construct(yaml_text: str, loader_class) -> tuple[Any, Any]:
    """Compose once and construct from the same node tree: the nodes also give each key's line."""
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else {})
    finally:
        loader.dispose()
