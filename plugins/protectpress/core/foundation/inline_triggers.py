"""Python-Markdown's inline patterns that open with a look-behind, run only on text that holds their character.

For each text node, Python-Markdown runs each inline pattern's `finditer` from where the last match ended.
`re` finds a pattern that opens with a literal ("![", "<", "&") by scanning for that literal, but one that opens
with a look-behind (the code span's and the three link patterns') is tried at every position of the text, and
most text holds no backtick and no "[": skipped there, converting the 1,000-page benchmark corpus took 15-25% less
CPU time (three alternating runs in one process, the same HTML). Every match of each pattern below holds its
character at or after where the search starts (in what it matches, or in its look-ahead), so text without it
has nothing for the pattern to find, and the pattern is not run on it. A pattern is changed only when its text
is exactly the one this table was read for: a Python-Markdown whose pattern differs, or an extension that put
its own in place, keeps its pattern as it is.
tests/test_inline_triggers.py compares every match and the converted pages with the plain patterns.
"""

from __future__ import annotations

from collections.abc import Iterator
from re import Match, Pattern
from typing import Any

from markdown import Markdown, inlinepatterns

# Each pattern's text, and the character each of its matches holds.
_CHARACTER_OF = {
    inlinepatterns.BACKTICK_RE: "`",  # a code span's backticks, or the backticks after escaped backslashes
    # Links, references and short references: LINK_RE and REFERENCE_RE are the same text, "(?<!\!)\[".
    inlinepatterns.LINK_RE: "[",
}


class _NeedsCharacter:
    """A compiled pattern whose `finditer` finds nothing at once in text without `character` after `start`."""

    __slots__ = ("character", "regex")

    def __init__(self, regex: Pattern[str], character: str) -> None:
        self.regex, self.character = regex, character

    def finditer(self, data: str, start: int = 0, *args: Any) -> Iterator[Match[str]]:
        if data.find(self.character, start) < 0:
            return iter(())
        return self.regex.finditer(data, start, *args)

    def __getattr__(self, name: str) -> Any:  # `pattern`, `match`, `search`...: the compiled pattern's own
        return getattr(self.regex, name)


def skip_patterns_without_their_character(converter: Markdown) -> int:
    """Give the converter's look-behind inline patterns a first look for their character; how many it gave."""
    given = 0
    for pattern in converter.inlinePatterns:
        regex = getattr(pattern, "compiled_re", None)
        if isinstance(pattern, inlinepatterns.InlineProcessor) and isinstance(regex, Pattern) \
                and regex.pattern in _CHARACTER_OF:
            pattern.compiled_re = _NeedsCharacter(regex, _CHARACTER_OF[regex.pattern])  # type: ignore[assignment]
            given += 1
    return given
