"""Front matter: reads a Markdown source, splits it into its YAML and body, keeping each key's line for messages,
and reads the keys with the one schema engine that pages, newsletters and the urgent notice share."""

from __future__ import annotations

import codecs
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .dates import DateError, parse_date, parse_moment
from .problems import Problems, Severity, describe
from .slugs import slugify

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


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


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML, except that an impossible unquoted date (2023-02-30) stays text for the schema to explain,
    instead of PyYAML raising a bare ValueError with no line."""

    # The stubs type this constructor as returning a date; PyYAML takes any value, and text is the point here.
    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date | str:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp)

_FastFrontMatterLoader: type[_FrontMatterLoader] | type[yaml.CSafeLoader]
if hasattr(yaml, "CSafeLoader"):
    class _CFrontMatterLoader(yaml.CSafeLoader):
        """The same rules on libyaml: every page's front matter is read on each build and each `mkdocs serve`
        rebuild, and the pure-Python parser was most of our plugin's time. Mistakes are re-read with the
        pure-Python loader so that messages and lines stay exactly as they are."""

        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> dt.date | str:  # type: ignore[override]
            try:
                return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)
            except ValueError:
                return self.construct_scalar(node)

    _CFrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _CFrontMatterLoader.construct_yaml_timestamp)
    _FastFrontMatterLoader = _CFrontMatterLoader
else:  # PyYAML built without libyaml
    _FastFrontMatterLoader = _FrontMatterLoader


class FrontMatterError(ValueError):
    def __init__(self, expected: str, found: str | None = None, line: int | None = None, *,
                 slip: bool = False) -> None:
        self.expected, self.found, self.line = expected, found, line
        self.slip = slip  # a YAML syntax slip on one line, which the rest of the front matter can be read past
        super().__init__(expected)


def _parse_yaml(yaml_text: str) -> tuple[yaml.Node | None, Any]:
    """libyaml for speed; on a mistake, the pure-Python loader again, whose messages word it for people."""
    try:
        return _compose_and_construct(yaml_text, _FastFrontMatterLoader)
    except yaml.YAMLError:
        return _compose_and_construct(yaml_text, _FrontMatterLoader)


def split_front_matter(text: str, *, recover: bool = False) -> FrontMatter:
    """Read `---` YAML `---` then Markdown. Raises FrontMatterError with the file line of the mistake.

    With `recover`, a YAML slip does not end the reading: the key it is in (its whole block) is left out, the
    rest read again, and each slip kept in `slips`, so every other key and the body are still checked."""
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
    slips: list[FrontMatterError] = []
    broken: set[str] = set()
    while True:
        try:
            node, data = _read_yaml(yaml_text)
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
    return front


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


def _read_yaml(yaml_text: str) -> tuple[yaml.Node | None, Any]:
    """The YAML's node tree and value; a slip as a FrontMatterError at its file line (the YAML starts on
    line 2)."""
    try:
        return _parse_yaml(yaml_text)
    except RecursionError:
        # PyYAML builds nested lists and mappings recursively (found by the fuzz tests: 2,000 `[`).
        raise FrontMatterError("expected front matter nested at most a few levels deep",
                               "lists or mappings nested too deeply for YAML", line=2) from None
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
            elif isinstance(value_node, yaml.MappingNode):  # `search.boost`: a setting on its own line
                for inner_key, _ in value_node.value:
                    key_lines.setdefault(f"{key}.{inner_key.value}", inner_key.start_mark.line + 2)
    return FrontMatter(data={str(k): v for k, v in data.items()}, body=body, body_line=body_line,
                       lines=key_lines, raw=raw)


def read_source(file: Path, path: str, problems: Problems) -> str | None:
    """A source file's text, or None with an error when it is not UTF-8 (a UTF-8 byte-order mark is dropped,
    as MkDocs drops it)."""
    try:
        data = file.read_bytes()
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
    if text is None:
        return None
    try:
        front = split_front_matter(text, recover=True)
    except FrontMatterError as error:
        problems.error(path, error.expected, error.found, line=error.line)
        return None
    for slip in front.slips:
        problems.error(path, slip.expected, slip.found, line=slip.line)
    return front


def yaml_problem_in_words(error: yaml.YAMLError, yaml_text: str, what: str = "YAML front matter"
                          ) -> tuple[int, str, str]:
    """(line within `yaml_text`, expected, found) for a YAML syntax error, in words for comms staff: PyYAML's
    own ("mapping values are not allowed here") names the parser's state, not the author's usual slip."""
    lines = yaml_text.splitlines()
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or "something YAML cannot read"
    index = problem_mark.line if problem_mark is not None else 0
    if index >= len(lines) and context_mark is not None:
        index = context_mark.line  # PyYAML points past the end when a key never got its colon
    index = min(index, max(len(lines) - 1, 0))
    text = lines[index] if lines else ""
    found = repr(text.strip()[:80]) if text.strip() else problem

    def answer(expected: str, at: int = index) -> tuple[int, str, str]:
        shown = lines[at].strip()[:80] if 0 <= at < len(lines) else ""
        return at + 1, f"expected valid {what}: {expected}", repr(shown) if shown else problem

    if "\t" in text[: len(text) - len(text.lstrip())] or "'\\t'" in problem:
        return answer("indent with spaces, not a tab")
    for at in (index, index - 1):
        if 0 <= at < len(lines) and re.match(r"^\s*-[^\s-]", lines[at]):
            return answer("a space after each - in a list, like '- retail'", at)
    if problem.startswith("mapping values are not allowed"):
        if text.count(":") >= 2:
            return answer(COLON_IN_VALUE)
        if index > 0 and ":" not in lines[index - 1]:
            return answer("a colon after each key, like 'title: My page'", index - 1)
        above = _line_above(lines, index)
        if above is not None and _indent(text) > _indent(lines[above]):
            if re.match(r"^\s*[\w-]+:(\s|$)", text) and _indent(lines[above]) == 0:
                # `summary:` pushed in under `title: ...`: YAML reads it as more of the title.
                return answer(INDENTED_KEY)
            return answer(COLON_IN_VALUE + " (the whole value, when it runs onto a second line)", above)
    if "<document start>" in problem and lines and lines[0][:1].isspace():
        return answer(INDENTED_KEY, 0)
    if "<block end>" in problem and re.search(r"block (mapping|collection)",
                                                       str(getattr(error, "context", ""))):
        return answer("the lines of one entry lined up, each indented by the same spaces as the one above it "
                      "(under changes:, '  - date: ...' then '    note: ...')")
    if "could not find expected ':'" in problem:
        return answer("a colon after each key, like 'title: My page'")
    if "quoted scalar" in str(getattr(error, "context", "")):
        start = context_mark.line if context_mark is not None else index
        return answer("a closing quote for each opening quote", start)
    if "alias" in problem or "anchor" in problem:
        return answer("quotes around a value that starts with * or &")
    if "flow sequence" in str(getattr(error, "context", "")) or "flow mapping" in str(getattr(error, "context", "")):
        return answer(
            at=context_mark.line if context_mark is not None else index,
            expected="a list written like [retail, hospitality], with its closing ] on the same line, and "
            "quotes around a name with a colon in it",
        )
    return index + 1, f"expected valid {what}", found if text.strip() else problem


COLON_IN_VALUE = "quotes around a value that has a colon in it, like title: \"Martyn's Law: what it means\""
INDENTED_KEY = ("each key at the start of its line, with no spaces before it (only the lines under a key such as "
                "changes: are indented)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _line_above(lines: list[str], index: int) -> int | None:
    """The nearest line above `index` that is not blank."""
    return next((at for at in range(index - 1, -1, -1) if lines[at].strip()), None)


_TAG_MISMATCH = (ValueError, KeyError, TypeError, AttributeError, OverflowError)


def _first_line_with(yaml_text: str, needle: str) -> int:
    """The file line (the YAML starts on line 2) of the first YAML line holding `needle`, else line 2."""
    return next((number for number, line in enumerate(yaml_text.splitlines(), start=2) if needle in line), 2)


def _compose_and_construct(
    yaml_text: str, loader_class: type[_FrontMatterLoader] | type[yaml.CSafeLoader]
) -> tuple[yaml.Node | None, Any]:
    """Compose once and construct from the same node tree: the nodes also give each key's line."""
    loader = loader_class(yaml_text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else {})
    finally:
        loader.dispose()


# ----------------------------------------------------------------------------------------------------------
# The one schema engine: pages (core.content) and newsletters (core.newsletter.model) each list their fields
# and read them here, so that the same mistake gets the same message wherever it is made.


class Invalid(ValueError):
    """A reader's verdict on one value: what was expected and what was found."""

    def __init__(self, expected: str, found: str | None = None) -> None:
        self.expected, self.found = expected, found
        super().__init__(expected)


@dataclass(frozen=True)
class Field:
    """One front-matter key. `read` turns the YAML value into ours or raises `Invalid`. A key written with
    nothing after it (`image:`) counts as absent, except where `empty_means_absent` is off (`draft:`)."""

    name: str
    read: Callable[[Any], Any]
    empty_means_absent: bool = True
    boolean: bool = False  # only `true` or `false` as written: YAML 1.1 would also take yes, no, on, off


Report = Callable[..., None]  # report(key, expected, found, severity="error")


def reporter(problems: Problems, path: str, front: FrontMatter) -> Report:
    """Reports a problem with a key at the key's line (`items[2].page` at the line of that entry,
    `search.boost` at its own line)."""
    def report(key: str, expected: str, found: str | None = None, severity: str = "error") -> None:
        line = front.lines.get(key) or front.lines.get(key.split(".")[0]) or front.lines.get(key.split("[")[0])
        problems.add(path, expected, found, key=key, line=line,
                     severity=Severity(severity))
    return report


def read_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid("expected text", describe(value))
    return value.strip()


def read_date(value: Any) -> dt.datetime:
    try:
        return parse_date(value)
    except DateError as error:
        raise Invalid(str(error), describe(value)) from None


def read_moment(value: Any) -> dt.datetime:
    """A date, or a date and time of day (`publish_at`, the notice's `expires`)."""
    try:
        return parse_moment(value)
    except DateError as error:
        raise Invalid(str(error), describe(value)) from None


def read_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("expected true or false", describe(value))
    return value


def boolean_field(name: str) -> Field:
    return Field(name, read_bool, empty_means_absent=False, boolean=True)


def list_like(example: str) -> Callable[[Any], tuple[str, ...]]:
    """A list-of-names reader (one name alone is a list of one) whose message shows an example for the key."""
    def read(value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise Invalid(f"expected a list like {example}", describe(value))
        return tuple(v.strip() for v in value)
    return read


def read_fields(front: FrontMatter, fields: Iterable[Field], report: Report) -> dict[str, Any]:
    """Every field present in `front`, read; each wrong value reported once, showing what the author typed."""
    values: dict[str, Any] = {}
    for field_ in fields:
        if field_.name not in front.data:
            continue
        value = front.data[field_.name]
        if (value is None or value == "") and field_.empty_means_absent:
            continue
        written = front.raw.get(field_.name)
        try:
            if field_.boolean and isinstance(value, bool) and written is not None \
                    and written.strip() not in ("true", "false"):
                raise Invalid("expected true or false", repr(written))
            values[field_.name] = field_.read(value)
        except Invalid as invalid:
            found = invalid.found
            if written is not None and found == describe(value) and not isinstance(value, str) and value is not None:
                found = repr(written)  # what the author typed, e.g. 'no' rather than false
            report(field_.name, invalid.expected, found)
    return values


def report_missing(front: FrontMatter, required: dict[str, str], report: Report) -> None:
    """`required` maps each key that must be there to why, as in "expected a date (required for a newsletter)"."""
    for name, why in required.items():
        if front.data.get(name) in (None, "") and name not in front.broken_keys:
            report(name, f"expected a {name} ({why})", "none")


def report_unknown_keys(front: FrontMatter, known: Iterable[str], report: Report) -> None:
    """A key we do not know is a warning, not silence: `tittle` would otherwise be lost."""
    known = sorted(known)
    for key in front.data:
        if key not in known:
            report(key, f"expected a known key ({', '.join(known)}){did_you_mean(key, known)}", repr(key),
                   severity="warning")


def read_schema(front: FrontMatter, fields: Iterable[Field],
                required: Mapping[str, str] | Callable[[dict[str, Any]], Mapping[str, str]], known: Iterable[str],
                report: Report) -> dict[str, Any]:
    """One front matter read against one schema: its fields read, the required ones checked, unknown keys warned.

    Every kind of file (a page, a newsletter, the notice) goes through this, so they report alike. `required` may
    depend on what was read (a page's type decides whether it needs a date), so it may be a function of the values.
    """
    values = read_fields(front, fields, report)
    report_missing(front, dict(required(values) if callable(required) else required), report)
    report_unknown_keys(front, known, report)
    return values


# What the site and the handbook call a term of each group: the front-matter key `tags` holds topics.
TERM_NOUNS = {"tags": "topic", "sectors": "sector"}


def read_terms(names: Iterable[str], group: str, allowed: dict[str, str], report: Report) -> tuple[str, ...]:
    """Topic or sector names -> their vocabulary slugs; each unknown one reported with the nearest terms."""
    chosen = []
    for name in names:
        slug = slugify(name)
        if slug in allowed:
            chosen.append(slug)
            continue
        choices = ", ".join(allowed) or f"none: declare {group} under plugins.protectpress.vocabulary in mkdocs.yml"
        report(group, f"expected a {TERM_NOUNS.get(group, group[:-1])} from the vocabulary ({choices})"
               f"{did_you_mean(slug, allowed)}", repr(name))
    return tuple(dict.fromkeys(chosen))


def did_you_mean(word: str, choices: Iterable[str], count: int = 3, cutoff: float = 0.6) -> str:
    """" (did you mean x?)" naming the choices nearest `word`, or "" when none is near."""
    nearest = difflib.get_close_matches(word, list(dict.fromkeys(choices)), n=count, cutoff=cutoff)
    return f" (did you mean {', '.join(nearest)}?)" if nearest else ""
