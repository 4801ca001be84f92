"""A YAML slip in words for comms staff: what PyYAML reports ("mapping values are not allowed here")
names the parser's state, so this names the author's usual slip instead, for front matter and mkdocs.yml alike."""

from __future__ import annotations

import re

import yaml


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
        # The example names changes: only where the slip is in that list: in mkdocs.yml it would point away.
        in_changes = any(re.match(r"^changes:", line) for line in lines[: index + 1])
        return answer("the lines of one entry lined up, each indented by the same spaces as the one above it"
                      + (" (under changes:, '  - date: ...' then '    note: ...')" if in_changes else ""))
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
