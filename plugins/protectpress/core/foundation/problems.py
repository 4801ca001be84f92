"""The one list of problems found in a run, and how each problem reads to a comms officer.

Every check in protectpress reports into a `Problems` list instead of raising, so that a single run shows
every mistake in the whole content set. Callers decide what blocks: errors always, warnings under --strict.
"""

from __future__ import annotations

import ast
import enum
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass


class Severity(str, enum.Enum):
    """How much a problem matters. The README's severity table is the user-facing copy of this."""

    ERROR = "error"  # always fails the build
    WARNING = "warning"  # fails a strict build
    INFO = "info"  # never blocks; listed by `protectpress check`

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Problem:
    """One mistake, located as precisely as we can: file, line, key."""

    path: str  # relative to the project folder, with forward slashes
    expected: str
    found: str | None = None
    key: str | None = None
    line: int | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        # path:line first, as editors and terminals recognise it, then the key that names the place in words.
        where = self.path + (f":{self.line}" if self.line else "")
        subject = f"{self.key}: " if self.key else ""
        found = f", found {self.found}" if self.found is not None else ""
        return f"{where}: {subject}{self.expected}{found}"

    def as_dict(self) -> dict:
        """The problem as `check --format json` gives it: each field its value alone, without the words the text
        line reads with ("expected ...", a found text in quotes), so a reader of the JSON needs no prose stripped."""
        data = asdict(self)
        data["expected"] = self.expected.removeprefix(_EXPECTED_WORD + " ")
        data["found"] = _unquoted(self.found)
        data["severity"] = self.severity.value
        return data


_EXPECTED_WORD = "expected"  # each message's first word, in the text line only


def _unquoted(found: str | None) -> str | None:
    """A found text as it is, where describe() quoted it: `'30/03/2023'` -> `30/03/2023`. A found that says more
    than one quoted text (`2: 'A', 'B'`, `an image with none: '...'`) is prose about several values: kept whole."""
    if found is None or len(found) < 2 or found[0] not in "'\"" or found[-1] != found[0]:
        return found
    try:
        value = ast.literal_eval(found)
    except (ValueError, SyntaxError):
        return found
    return value if isinstance(value, str) else found


def describe(value: object) -> str:
    """How a found value is quoted in a message: strings in quotes, other values as YAML would write them."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 80 else value[:77] + "..."
        return repr(shown)
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return str(value)


class Problems:
    """The one-run list of problems. Add to it from anywhere; report once at the end."""

    def __init__(self, problems: Iterable[Problem] = ()) -> None:
        self._problems: list[Problem] = list(problems)

    def add(
        self,
        path: str,
        expected: str,
        found: str | None = None,
        *,
        key: str | None = None,
        line: int | None = None,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        problem = Problem(path=path, expected=expected, found=found, key=key, line=line, severity=severity)
        self._problems.append(problem)
        return problem

    def error(
        self, path: str, expected: str, found: str | None = None, *, key: str | None = None, line: int | None = None
    ) -> Problem:
        return self.add(path, expected, found, key=key, line=line, severity=Severity.ERROR)

    def warning(
        self, path: str, expected: str, found: str | None = None, *, key: str | None = None, line: int | None = None
    ) -> Problem:
        return self.add(path, expected, found, key=key, line=line, severity=Severity.WARNING)

    def info(
        self, path: str, expected: str, found: str | None = None, *, key: str | None = None, line: int | None = None
    ) -> Problem:
        return self.add(path, expected, found, key=key, line=line, severity=Severity.INFO)

    def extend(self, other: Iterable[Problem]) -> None:
        self._problems.extend(other)

    def __iter__(self) -> Iterator[Problem]:
        return iter(sorted(self._problems, key=_reading_order))

    def __contains__(self, problem: object) -> bool:
        return problem in self._problems  # not through __iter__, which sorts the whole list

    def __len__(self) -> int:
        return len(self._problems)

    def __bool__(self) -> bool:
        return bool(self._problems)

    def added_since(self, count: int) -> list[Problem]:
        """Problems added after the first `count`, in the order they were found: for staged reporting."""
        return self._problems[count:]

    def of(self, severity: Severity) -> list[Problem]:
        return [p for p in self if p.severity is severity]

    @property
    def errors(self) -> list[Problem]:
        return self.of(Severity.ERROR)

    @property
    def warnings(self) -> list[Problem]:
        return self.of(Severity.WARNING)

    def blocking(self, strict: bool = False) -> list[Problem]:
        """The problems that stop a build: errors, and warnings too when strict."""
        return [p for p in self if p.severity is Severity.ERROR or (strict and p.severity is Severity.WARNING)]

    def report(self, problems: Iterable[Problem] | None = None) -> str:
        """The text a comms officer reads: one problem per line, then what to do."""
        chosen = list(self if problems is None else problems)
        lines = [f"{p.severity}: {p}" for p in chosen]
        return "\n".join(lines)

    def summary(self) -> str:
        """`3 errors to fix, 1 warning, 2 for information.`: the last line of `check`, and the line that says why
        a build stopped, so the two commands count the same problems in the same words."""
        if not self._problems:
            return "No problems found."
        words = {Severity.ERROR: ("error to fix", "errors to fix"), Severity.WARNING: ("warning", "warnings"),
                 Severity.INFO: ("for information", "for information")}
        counts = {severity: len(self.of(severity)) for severity in Severity}
        return ", ".join(f"{n:,} {words[severity][n != 1]}" for severity, n in counts.items() if n) + "."

    def as_json(self) -> str:
        return json.dumps({"problems": [p.as_dict() for p in self]}, ensure_ascii=False, indent=2)


def _reading_order(problem: Problem) -> tuple:
    return (problem.path, problem.line or 0, problem.key or "", problem.expected)


class ContentError(Exception):
    """Raised when a run must stop for content mistakes; carries the whole list, never a traceback."""

    def __init__(self, problems: Iterable[Problem], heading: str = "The content has problems to fix") -> None:
        self.problems = list(problems)
        self.heading = heading
        super().__init__(self.message)

    @property
    def message(self) -> str:
        body = "\n".join(f"  {p.severity}: {p}" for p in self.problems)
        return f"{self.heading} ({len(self.problems)}):\n{body}"
