"""The one front-matter schema engine: pages (core/content/schema.py), newsletters and the urgent notice
each list their fields (`Field`) and read them here (`read_schema`), so that the same mistake gets the same
message wherever it is made."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .dates import DateError, parse_date, parse_moment
from .frontmatter import FrontMatter, read_front_matter
from .problems import Problems, Severity, describe
from .site_paths import LISTING_GROUPS
from .slugs import slugify


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


Report = Callable[..., None]  # report(key, expected, found, severity="error", line=None)


def reporter(problems: Problems, path: str, front: FrontMatter) -> Report:
    """Reports a problem with a key at the key's line (`items[2].page` at the line of that entry,
    `search.boost` at its own line); a key that is not there at the `line` given (a missing key: the closing
    `---`, FrontMatter.closing_line)."""
    def report(key: str, expected: str, found: str | None = None, severity: str = "error",
               line: int | None = None) -> None:
        line = front.lines.get(key) or front.lines.get(key.split(".")[0]) or front.lines.get(key.split("[")[0]) \
            or line
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


def written_as_true_or_false(written: str | None) -> bool:
    """Whether a value YAML read as a boolean was written `true` or `false` (or its text is not known): YAML also
    reads yes, no, on and True so, which the handbook refuses."""
    return written is None or written.strip() in ("true", "false")


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
            if field_.boolean and isinstance(value, bool) and not written_as_true_or_false(written):
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
            report(name, f"expected a {name} ({why})", "none", line=front.closing_line)


def report_unknown_keys(front: FrontMatter, known: Iterable[str], report: Report,
                        passed_through: Iterable[str] = ()) -> None:
    """A key we do not know is a warning, not silence: `tittle` would otherwise be lost.

    The message lists `known`, our own fields, only: the theme's keys in `passed_through` are accepted without a
    word, but a comms officer choosing a key is offered ours. Only a slip nearest a theme key (`subtile`) is
    pointed at that key, so its author is not left guessing."""
    known = sorted(known)
    passed_through = sorted(set(passed_through) - set(known))
    for key in front.data:
        if key not in known and key not in passed_through:
            nearest = nearest_words(key, [*known, *passed_through], count=1)
            suggestion = did_you_mean(key, nearest if nearest and nearest[0] in passed_through else known)
            report(key, f"expected a known key ({', '.join(known)}){suggestion}", repr(key), severity="warning")


def read_schema(front: FrontMatter, fields: Iterable[Field],
                required: Mapping[str, str] | Callable[[dict[str, Any]], Mapping[str, str]], known: Iterable[str],
                report: Report, passed_through: Iterable[str] = ()) -> dict[str, Any]:
    """One front matter read against one schema: its fields read, the required ones checked, unknown keys warned.

    Every kind of file (a page, a newsletter, the notice) goes through this, so they report alike. `required` may
    depend on what was read (a page's type decides whether it needs a date), so it may be a function of the values.
    """
    values = read_fields(front, fields, report)
    report_missing(front, dict(required(values) if callable(required) else required), report)
    report_unknown_keys(front, known, report, passed_through)
    return values



@dataclass(frozen=True)
class SchemaReading:
    """One file's front matter read against its schema: the values, `report` for the file's own further checks,
    and `failed`, whether any error was found since the reading began or a YAML slip left a key out."""

    front: FrontMatter
    values: dict[str, Any]
    report: Report
    problems: Problems
    errors_before: int

    @property
    def failed(self) -> bool:
        return len(self.problems.errors) > self.errors_before or bool(self.front.slips)


def read_file_schema(file: Path, path: str, problems: Problems, fields: Iterable[Field],
                     required: Mapping[str, str], known: Iterable[str]) -> SchemaReading | None:
    """A file of ours that stands alone (a newsletter, the urgent notice) read and checked against its schema;
    None, with the problem named, when it has no front matter to read."""
    front = read_front_matter(file, path, problems)
    if front is None:
        return None
    errors_before = len(problems.errors)
    report = reporter(problems, path, front)
    values = read_schema(front, fields, required, known, report)
    return SchemaReading(front, values, report, problems, errors_before)

# What the site and the handbook call a term of each group: the front-matter key `tags` holds topics.
TERM_NOUNS = {group.key: group.noun for group in LISTING_GROUPS}


def read_terms(names: Iterable[str], group: str, allowed: dict[str, str], report: Report) -> tuple[str, ...]:
    """Topic or sector names -> their vocabulary slugs; each unknown one reported with the nearest terms."""
    chosen = []
    for name in names:
        slug = slugify(name)
        if slug in allowed:
            chosen.append(slug)
            continue
        choices = ", ".join(allowed) or f"none: declare {group} under plugins.protectpress.vocabulary in mkdocs.yml"
        # The nearest term first, when there is one: after the whole vocabulary it was easy to miss.
        noun = TERM_NOUNS.get(group, group[:-1])
        nearest = nearest_words(slug, allowed)
        guess = f": did you mean {', '.join(nearest)}? (the {noun}s: {choices})" if nearest else f" ({choices})"
        report(group, f"expected a {noun} from the vocabulary{guess}", repr(name))
    return tuple(dict.fromkeys(chosen))


def nearest_words(word: str, choices: Iterable[str], count: int = 3, cutoff: float = 0.6) -> list[str]:
    """Up to `count` of `choices` spelled most like `word`, nearest first: a slip's likely meaning."""
    return difflib.get_close_matches(word, list(dict.fromkeys(choices)), n=count, cutoff=cutoff)


def did_you_mean(word: str, choices: Iterable[str], count: int = 3, cutoff: float = 0.6) -> str:
    """" (did you mean x?)" naming the choices nearest `word`, or "" when none is near."""
    nearest = nearest_words(word, choices, count, cutoff)
    return f" (did you mean {', '.join(nearest)}?)" if nearest else ""
