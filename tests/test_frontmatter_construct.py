"""Front matter's plain trees built directly (core/foundation/frontmatter.py `_construct_plain`, issue 29): the
same value, the same exception and the same `kept_text` as PyYAML's `construct_document`, with both loaders, for
every tree it takes, and every other tree left to PyYAML."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.foundation import frontmatter
from protectpress.core.foundation.frontmatter import (
    _compose_and_construct,
    _FrontMatterLoader,
    _plain_tree,
    split_front_matter,
)

LOADERS = [_FrontMatterLoader, *([frontmatter._CFrontMatterLoader] if hasattr(yaml, "CSafeLoader") else [])]


def by_pyyaml(yaml_text: str, loader_class: Any) -> tuple[Any, bool]:
    """What `_compose_and_construct` gave before: PyYAML's own construction of the whole document."""
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
        return data, node is not None and not getattr(loader, "kept_text", False)
    finally:
        loader.dispose()


def outcome(read: Any) -> tuple[str, Any]:
    try:
        value = read()
    except Exception as error:  # the kind of failure is what _read_yaml words
        return "raised", type(error)
    return "value", typed(value)


def typed(value: Any, seen: dict[int, int] | None = None) -> Any:
    """The value with every type spelt out (1 == True == 1.0 in Python, but not in front matter), and each list or
    mapping numbered by where it was first met, so that one reached twice (an alias) shows as the same one."""
    seen = {} if seen is None else seen
    if isinstance(value, (dict, list)):
        if id(value) in seen:
            return ("again", seen[id(value)])
        seen[id(value)] = len(seen)
    if isinstance(value, dict):
        return ("dict", [(typed(key, seen), typed(item, seen)) for key, item in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [typed(item, seen) for item in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def same_as_pyyaml(yaml_text: str) -> None:
    for loader_class in LOADERS:
        ours = outcome(lambda loader_class=loader_class: _compose_and_construct(yaml_text, loader_class)[1:])
        assert ours == outcome(lambda loader_class=loader_class: by_pyyaml(yaml_text, loader_class)), yaml_text


PIECES = ["title: ", "x", '"quoted"', "'single'", "1", "0x1f", "1_000", "1.5", ".nan", "-.inf", "true", "no", "~",
          "null", "2025-03-15", "2023-02-30", "2025-03-15 10:00:00", "!!int x", "!!str 5", "!!bool maybe",
          "!!timestamp x", "!!float 1", "!!binary aGk=", "!foo bar", "&a ", "*a", "<<: *a", "<<: {m: 1}", "= : 1",
          "[", "]", "{", "}", ", ", "- ", ": ", "\n", "\n  ", "\n- ", "tags", "1: ", "true: ", "? [a, b]\n: c",
          "!!set {a, b}", "!!omap [a: 1]", "? ", "|\n  text", ">-\n  folded"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
@example("title: A\ntype: page\ndate: 2025-03-15\ntags: [a, b]\nchanges:\n- {date: 2025-04-01, note: x, major: true}\n")
@example("a: &x [1, 2]\nb: *x\n")
@example("a: &x one\nb: *x\n")
@example("base: &b {k: 1}\nmore:\n  <<: *b\n  j: 2\n")
@example("1: one\ntrue: two\n1.0: three\n")
@example("title: x\ntitle: y\n")
@example("date: 2023-02-30\nn: !!int x\n")
@example("n: !!int x\nm: !foo y\n")
@example("m: !foo y\nn: !!int x\n")
@example("? [a]\n: b\n")
@example("a: !!set {x, y}\n")
def test_a_tree_is_constructed_as_pyyaml_constructs_it(yaml_text):
    same_as_pyyaml(yaml_text)


def test_trees_that_are_not_plain_are_left_to_pyyaml():
    def plain(yaml_text: str) -> bool:
        return _plain_tree(yaml.compose(yaml_text, Loader=_FrontMatterLoader), 0, set())

    assert plain("title: A\ntags: [a, b]\nsearch: {exclude: true}\nchanges:\n- {date: 2025-01-01, note: x}\n")
    for not_plain in ("a: &x [1]\nb: *x\n", "b: &b {k: 1}\nc:\n  <<: *b\n", "a: !!set {x}\n", "a: !foo x\n",
                      "? [a]\n: b\n", "= : 1\n", "a: !!binary aGk=\n"):
        assert not plain(not_plain), not_plain
    deep = "a: " + "[" * (frontmatter.DEEPEST_NESTING + 1) + "]" * (frontmatter.DEEPEST_NESTING + 1)
    assert not plain(deep)


@pytest.mark.parametrize("loader_class", LOADERS)
def test_text_is_the_node_value_as_the_loaders_own_constructor_makes_it(loader_class):
    # _construct_plain reads a text's node value instead of calling the constructor: only while it is this one.
    assert loader_class.yaml_constructors[frontmatter._STR_TAG] is yaml.constructor.SafeConstructor.construct_yaml_str


def test_a_page_reads_as_before():
    text = ("---\ntitle: A card\ntype: action-card\nsummary: What to do\ndate: 2025-03-15\nupdated: 2025-04-01\n"
            "tags: [training]\nsectors: [retail, all]\nbad: 2023-02-30\n---\n\nBody\n")
    front = split_front_matter(text)
    assert front.data["date"] == dt.date(2025, 3, 15) and front.data["bad"] == "2023-02-30"
    assert front.safe_loaded is False  # a date kept as text: the plain safe loader would have raised
    assert front.lines == {"title": 2, "type": 3, "summary": 4, "date": 5, "updated": 6, "tags": 7, "tags[1]": 7,
                           "sectors": 8, "sectors[1]": 8, "sectors[2]": 8, "bad": 9}


SCALARS = ["", "~", "null", "Null", "NULL", "true", "True", "yes", "no", "on", "OFF", "1", "-1", "0x1f", "0o17",
           "1_000", "1.5", "1e3", ".inf", "-.Inf", ".NaN", "2025-03-15", "2025-3-5", "2025-03-15 10:00:00",
           "2025-03-15T10:00:00Z", "=", "<<", "title", "martyns-law", "10:40", "1:30:00", "+12", "0b101", "x" * 64,
           "1" * 65, "12:30:45.5"]


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML without libyaml")
@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.sampled_from(SCALARS), st.text(alphabet="0123456789.:-_+eE xTtrunlYNo~<=", max_size=70)),
       st.tuples(st.booleans(), st.booleans()))
def test_a_scalars_tag_is_the_one_the_safe_resolver_gives_each_time(value, implicit):
    expected = yaml.SafeLoader("").resolve(yaml.ScalarNode, value, implicit)
    loader = frontmatter._CFrontMatterLoader("")
    try:
        assert loader.yaml_path_resolvers == {}  # the tag depends on the text alone only without path resolvers
        assert loader.resolve(yaml.ScalarNode, value, implicit) == expected
        assert loader.resolve(yaml.ScalarNode, value, implicit) == expected  # once remembered
    finally:
        loader.dispose()


def split_by_all_lines(text: str) -> tuple[Any, ...]:
    """What split_front_matter found before it split only the start of a text: every line of the whole text."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        first = lines[0].strip() if lines else ""
        return ("no opening", repr(first[:60]) if first else "an empty file")
    for index in range(1, len(lines)):
        if frontmatter._FENCE.match(lines[index]):
            return ("yaml", "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2,
                    "".join(lines[: index + 1]))
    return ("no closing",)


def split_now(text: str) -> tuple[Any, ...]:
    try:
        front = split_front_matter(text, recover=True)
    except frontmatter.FrontMatterError as error:
        if error.expected.startswith("expected front matter:"):
            return ("no opening", error.found)
        if error.expected.startswith("expected a closing"):
            return ("no closing",)
        front = None
    return ("yaml", None if front is None else front.body, front.body_line if front else None)


LINE_PIECES = ["---", "...", "--- ", "---\t", "title: x", "a", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85",
               "\u2028", "  ", "\ufeff", "# Body", "x" * 9]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(LINE_PIECES), max_size=20).map("".join), st.sampled_from([1, 2, 3, 5, 8, 4096]))
@example("---\ntitle: x\n---\r\n\nBody\n", 11)
@example("---\r\n---\r\n", 4)
@example("\ufeff---\na: 1\n...\nBody", 2)
@example("", 1)
def test_a_text_is_split_as_splitting_all_its_lines_split_it(text, first_read):
    saved = frontmatter._FIRST_READ
    frontmatter._FIRST_READ = first_read
    try:
        before, now = split_by_all_lines(text), split_now(text)
        written = frontmatter.front_matter_text(text)
    finally:
        frontmatter._FIRST_READ = saved
    if before[0] != "yaml":
        assert written is None and now == before
        return
    assert written == before[4]
    if now[1] is not None:  # the YAML read (else a YAML mistake was raised, as before)
        assert now == ("yaml", before[2], before[3])
