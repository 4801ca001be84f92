"""Front matter: reads a Markdown source, splits it into its YAML and body, keeping each key's line for
messages. Pages, newsletters and the urgent notice are all read through here; `fields.py` then reads their keys."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .deep_parse import collector_paused
from .problems import Problems
from .yaml_depth import DEEPEST_NESTING, key_above, line_nested_too_deep
from .yaml_words import yaml_problem_in_words

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
_TOO_DEEP = (f"expected brackets or lists inside each other at most {DEEPEST_NESTING} levels deep",
             "more levels than that")


@dataclass
class FrontMatter:
    """Parsed front matter. `lines` maps each top-level key to its line in the file (1-based), and each entry of
    a top-level list (`items[2]`) or key of a top-level mapping (`search.boost`) to its own."""

    data: dict[str, Any]
    body: str
    body_line: int  # the file line on which the body starts
    lines: dict[str, int] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # each scalar as written, for "found ..." messages
    # YAML slips read past (`split_front_matter(recover=True)`): each one's key block was left out, so that
    # the rest of the file is still checked; `broken_keys` are the keys in those blocks, not to be called missing.
    slips: list[FrontMatterError] = field(default_factory=list)
    broken_keys: frozenset[str] = frozenset()
    # The YAML between the fences, and whether `data` is exactly what PyYAML's safe loader gives for it
    # (`yaml.load(yaml_text, CSafeLoader)`, what MkDocs reads a page's meta with): not when this reading differed
    # from that in any way (a slip read past, an impossible date kept as text, a key that is not text), nor when
    # it is not a mapping. MkDocs is then given `data` instead of parsing the same YAML again
    # (mkdocs_plugins/page_source.py).
    yaml_text: str = ""
    safe_loaded: bool = False

    @property
    def closing_line(self) -> int:
        """The closing `---` line: where a missing key belongs, so a message about one points there."""
        return self.body_line - 1


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML, except that an impossible unquoted date (2023-02-30) stays text for the schema to explain,
    instead of PyYAML raising a bare ValueError with no line."""

    # The stubs type this constructor as returning a date; PyYAML takes any value, and text is the point here.
    kept_text = False  # whether a date was kept as text, where the plain safe loader raises

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date | str:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            self.kept_text = True
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp)

_FastFrontMatterLoader: type[_FrontMatterLoader] | type[yaml.CSafeLoader]
_RESOLVED: dict[tuple[str, Any], str] = {}  # a scalar's tag by its text and (plain, quoted): _CFrontMatterLoader
_RESOLVED_LENGTH, _RESOLVED_LIMIT = 64, 20_000  # longer texts (titles, summaries) seldom come back
if hasattr(yaml, "CSafeLoader"):
    class _CFrontMatterLoader(yaml.CSafeLoader):
        """The same rules on libyaml: every page's front matter is read on each build and each `mkdocs serve`
        rebuild, and the pure-Python parser was most of our plugin's time. Mistakes are re-read with the
        pure-Python loader so that messages and lines stay exactly as they are."""

        kept_text = False

        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date | str:  # type: ignore[override]
            try:
                return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
            except ValueError:
                self.kept_text = True
                return self.construct_scalar(node)

        def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
            # libyaml asks for each scalar's tag, and the resolver tries its patterns on it in Python: a third of
            # composing the nodes. A tag depends only on the scalar's text and whether it was plain or quoted
            # (the resolvers are the class's, and a safe loader has no path resolvers), and the same short texts
            # (every key, the types, tags, dates) come back on every page, so each is worked out once.
            if kind is yaml.ScalarNode and len(value) <= _RESOLVED_LENGTH:
                key = (value, implicit)
                tag = _RESOLVED.get(key)
                if tag is None:
                    if len(_RESOLVED) >= _RESOLVED_LIMIT:
                        _RESOLVED.clear()
                    tag = _RESOLVED[key] = super().resolve(kind, value, implicit)
                return tag
            return super().resolve(kind, value, implicit)

    _CFrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _CFrontMatterLoader.construct_yaml_timestamp)
    _FastFrontMatterLoader = _CFrontMatterLoader
else:  # PyYAML built without libyaml
    _FastFrontMatterLoader = _FrontMatterLoader


class FrontMatterError(ValueError):
    def __init__(self, expected: str, found: str | None = None, line: int | None = None, *,
                 slip: bool = False, key: str | None = None) -> None:
        self.expected, self.found, self.line, self.key = expected, found, line, key
        self.slip = slip  # a YAML syntax slip on one line, which the rest of the front matter can be read past
        super().__init__(expected)


def _parse_yaml(yaml_text: str) -> tuple[yaml.Node | None, Any, bool]:
    """libyaml for speed; on a mistake, the pure-Python loader again, whose messages word it for people. The
    last value says whether the value is the one the plain safe loader gives (see FrontMatter.safe_loaded)."""
    try:
        return _compose_and_construct(yaml_text, _FastFrontMatterLoader)
    except yaml.YAMLError:
        node, data, _ = _compose_and_construct(yaml_text, _FrontMatterLoader)
        return node, data, False


def split_front_matter(text: str, *, recover: bool = False) -> FrontMatter:
    """Read `---` YAML `---` then Markdown. Raises FrontMatterError with the file line of the mistake.

    With `recover`, a YAML slip does not end the reading: the key it is in (its whole block) is left out, the
    rest read again, and each slip kept in `slips`, so every other key and the body are still checked."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines, index = _front_lines(text)
    if not lines or lines[0].strip() != "---":
        first = lines[0].strip() if lines else ""
        raise FrontMatterError("expected front matter: a first line '---', then YAML keys, then '---'",
                               repr(first[:60]) if first else "an empty file", line=1)
    if index is None:
        raise FrontMatterError("expected a closing '---' line after the front matter", "none", line=1)
    yaml_text = "".join(lines[1:index])
    body = text[sum(map(len, lines)):]
    slips: list[FrontMatterError] = []
    broken: set[str] = set()
    while True:
        try:
            node, data, as_safe_load = _read_yaml(yaml_text)
            break
        except FrontMatterError as slip:
            left_out = (_without_block(yaml_text, slip.line - 2) if recover and slip.slip and slip.line is not None
                        else None)
            if left_out is None or len(slips) >= _MAX_SLIPS:
                raise (slips[0] if slips else slip) from None
            slips.append(slip)
            yaml_text, keys = left_out
            broken |= keys
    front = _front_matter(node, data, body, index + 2)
    front.slips, front.broken_keys = slips, frozenset(broken)
    front.yaml_text = yaml_text
    # `front.data` is the very dict read when every key is text (`_front_matter`), else one with keys made text.
    front.safe_loaded = as_safe_load and not slips and front.data is data
    return front


def front_matter_text(text: str) -> str | None:
    """The front matter exactly as written, fences included (by `split_front_matter`'s rule), without reading
    the YAML; None when the text does not open with front matter. Two texts with the same front matter differ
    only in their bodies."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines, index = _front_lines(text)
    if not lines or lines[0].strip() != "---" or index is None:
        return None
    return "".join(lines)


# How much of a text is split into lines first: the front matter is near the start, and splitting a whole page
# (and joining its body again) only to find the closing fence was most of the time split_front_matter took
# outside YAML.
_FIRST_READ = 4096


def _front_lines(text: str) -> tuple[list[str], int | None]:
    """The text's first lines, as `text.splitlines(keepends=True)` gives them, up to its closing fence, and that
    fence's index: None when the first line is no `---` (then that line alone; no line for an empty text) or no
    fence closes it (then every line). Read from a growing start of the text, every line of which but the last
    is a whole line of the text (the last may go on, or its "\r" be half of a "\r\n")."""
    size = _FIRST_READ
    while True:
        whole = size >= len(text)
        lines = text.splitlines(keepends=True) if whole else text[:size].splitlines(keepends=True)[:-1]
        if lines and lines[0].strip() != "---":
            return lines[:1], None
        for index in range(1, len(lines)):
            if _FENCE.match(lines[index]):
                return lines[: index + 1], index
        if whole:
            return lines, None
        size *= 4


_MAX_SLIPS = 20
_KEY = re.compile(r"^\s*(?:-\s+)?([\w-]+)\s*:")


def _without_block(yaml_text: str, at: int) -> tuple[str, set[str]] | None:
    """`yaml_text` with the top-level key block holding line `at` (0-based) made blank, keeping every line's
    number, and the keys named in it; None when there is nothing left to leave out."""
    lines = yaml_text.splitlines(keepends=True)
    if not 0 <= at < len(lines):
        return None
    start = at
    while start > 0 and (not lines[start].strip() or lines[start][:1].isspace()):
        start -= 1
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1].isspace()):
        end += 1
    if not any(line.strip() for line in lines[start:end]):
        return None
    keys = {match.group(1) for line in lines[start:end] if (match := _KEY.match(line))}
    blank = ["\n" if line.endswith("\n") else "" for line in lines[start:end]]
    return "".join(lines[:start] + blank + lines[end:]), keys


def _read_yaml(yaml_text: str) -> tuple[yaml.Node | None, Any, bool]:
    """The YAML's node tree and value; a slip as a FrontMatterError at its file line (the YAML starts on
    line 2)."""
    if (line := line_nested_too_deep(yaml_text)) is not None:
        raise FrontMatterError(*_TOO_DEEP, line=line + 2, key=key_above(yaml_text, line))
    try:
        with collector_paused():
            return _parse_yaml(yaml_text)
    except RecursionError:
        # Nesting that only indentation makes (no bracket, dash or colon to count) can still go that deep.
        raise FrontMatterError(*_TOO_DEEP, line=2) from None
    except _TAG_MISMATCH:
        # PyYAML's own constructors fail with plain Python errors on `!!int x`, `!!bool x`, `!!timestamp x`.
        raise FrontMatterError("expected valid YAML front matter", "a value that does not fit its !! type tag",
                               line=_first_line_with(yaml_text, "!!")) from None
    except yaml.YAMLError as error:
        line, expected, found = yaml_problem_in_words(error, yaml_text)
        raise FrontMatterError(expected, found, line=line + 1, slip=True) from None


def _front_matter(node: yaml.Node | None, data: Any, body: str, body_line: int) -> FrontMatter:
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
            elif isinstance(value_node, yaml.SequenceNode):  # `items[2]`: each entry's own line
                for number, entry in enumerate(value_node.value, start=1):
                    key_lines.setdefault(f"{key}[{number}]", entry.start_mark.line + 2)
                    if isinstance(entry, yaml.MappingNode):  # `items[2].full`: a newsletter item's setting
                        for inner_key, inner_value in entry.value:
                            name = f"{key}[{number}].{inner_key.value}"
                            key_lines.setdefault(name, inner_key.start_mark.line + 2)
                            if isinstance(inner_value, yaml.ScalarNode):
                                raw.setdefault(name, inner_value.value)
            elif isinstance(value_node, yaml.MappingNode):  # `search.boost`: a setting on its own line
                for inner_key, _ in value_node.value:
                    key_lines.setdefault(f"{key}.{inner_key.value}", inner_key.start_mark.line + 2)
    if not all(type(key) is str for key in data):
        data = {str(k): v for k, v in data.items()}
    return FrontMatter(data=data, body=body, body_line=body_line, lines=key_lines, raw=raw)


def read_source(file: Path | str, path: str, problems: Problems) -> str | None:
    """A source file's text, or None with an error when it is not UTF-8 (a UTF-8 byte-order mark is dropped,
    as MkDocs drops it). `file` may be the path as text, as MkDocs holds it: a Path made of it for each page only
    to open it was a tenth of reading the pages."""
    try:
        with open(file, "rb") as handle:  # what Path.read_bytes does
            data = handle.read()
    except OSError as error:
        problems.error(path, "expected a file the build can read", error.strerror or type(error).__name__)
        return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.error(path, "expected UTF-8 text (save the file as UTF-8)", "UTF-16 text", line=1)
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.error(path, "expected UTF-8 text (save the file as UTF-8)",
                       f"a byte {data[error.start]:#04x} that is not UTF-8", line=line)
        return None


def read_front_matter(file: Path, path: str, problems: Problems) -> FrontMatter | None:
    """A source file's front matter and body, or None with the problem named (`path` as messages show it):
    what a newsletter and the urgent notice read first, one file at a time. A YAML slip is reported and read
    past (`front.slips`), so the rest is still checked; the caller treats the file as invalid."""
    text = read_source(file, path, problems)
    return front_matter_of(text, path, problems) if text is not None else None


def front_matter_of(text: str, path: str, problems: Problems) -> FrontMatter | None:
    """A source text's front matter and body, or None with the problem named: every file of ours (a page, a
    newsletter, the notice) is split here. A YAML slip is reported and read past (`front.slips`), so the rest is
    still checked; the caller treats the file as invalid."""
    try:
        front = split_front_matter(text, recover=True)
    except FrontMatterError as error:
        problems.error(path, error.expected, error.found, line=error.line, key=error.key)
        return None
    for slip in front.slips:
        problems.error(path, slip.expected, slip.found, line=slip.line, key=slip.key)
    return front


_TAG_MISMATCH = (ValueError, KeyError, TypeError, AttributeError, OverflowError)


def _first_line_with(yaml_text: str, needle: str) -> int:
    """The file line (the YAML starts on line 2) of the first YAML line holding `needle`, else line 2."""
    return next((number for number, line in enumerate(yaml_text.splitlines(), start=2) if needle in line), 2)


def _compose_and_construct(
    yaml_text: str, loader_class: type[_FrontMatterLoader] | type[yaml.CSafeLoader]
) -> tuple[yaml.Node | None, Any, bool]:
    """Compose once and construct from the same node tree: the nodes also give each key's line. The last value:
    whether no date was kept as text (the plain safe loader gives what this one did)."""
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            data: Any = {}
        elif _plain_tree(node, 0, set()):
            data = _construct_plain(loader, node)
        else:
            data = loader.construct_document(node)
        return node, data, node is not None and not getattr(loader, "kept_text", False)
    finally:
        loader.dispose()


# Constructing the node tree was nearly half of reading a page's YAML: PyYAML's constructor defers each list and
# mapping through a generator and keeps a table of every node it made (for aliases), work a tree of plain keys,
# lists and scalars never needs. Such a tree (every tag one of these, no list or mapping reached twice, no merge
# `<<` or value `=` key, which carry tags of their own, and no deeper than front matter may nest) is built
# directly here, each scalar by the loader's own constructor for its tag (text is the node's value, which is all
# SafeConstructor's does), keys and values in the order PyYAML builds them, so the value, and whatever a
# scalar's constructor raises or notes (`kept_text`), is exactly what `construct_document` gives; any other tree
# is left to it. tests/test_frontmatter_construct.py compares the two.
_STR_TAG = "tag:yaml.org,2002:str"
_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp"))
_SEQUENCE_TAG, _MAPPING_TAG = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _plain_tree(node: yaml.Node, depth: int, seen: set[int]) -> bool:
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.tag in _SCALAR_TAGS
    if depth >= DEEPEST_NESTING or id(node) in seen:
        return False
    seen.add(id(node))
    if kind is yaml.SequenceNode:
        return node.tag == _SEQUENCE_TAG and all(_plain_tree(entry, depth + 1, seen) for entry in node.value)
    if kind is yaml.MappingNode and node.tag == _MAPPING_TAG:
        return all(type(key) is yaml.ScalarNode and key.tag in _SCALAR_TAGS and _plain_tree(value, depth + 1, seen)
                   for key, value in node.value)
    return False


def _construct_plain(loader: Any, node: yaml.Node) -> Any:
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.value if node.tag == _STR_TAG else loader.yaml_constructors[node.tag](loader, node)
    if kind is yaml.SequenceNode:
        return [_construct_plain(loader, entry) for entry in node.value]
    mapping = {}
    for key_node, value_node in node.value:
        key = _construct_plain(loader, key_node)
        mapping[key] = _construct_plain(loader, value_node)
    return mapping
