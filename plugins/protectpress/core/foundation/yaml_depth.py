"""How deep YAML nests, found before PyYAML reads it all: front matter and mkdocs.yml are refused past a depth no
setting of ours needs, instead of costing seconds or a RecursionError."""

from __future__ import annotations

import yaml

# Lists and mappings inside each other: our keys need three or four levels, mkdocs.yml a few more. Much deeper is
# a mistake or an attack, and PyYAML pays for it before it fails: its scanner's time grows with the square of the
# depth (2,000 `[` took 1.5 CPU s) and its composer recurses (a RecursionError beyond about 1,000).
DEEPEST_NESTING = 40
_OPENS = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
          yaml.BlockMappingStartToken)
_CLOSES = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)


# Only scanned, never constructed, so any loader's tags (`!ENV`) are as good as plain text here.
_SCANNER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def line_nested_too_deep(yaml_text: str) -> int | None:
    """The line (0-based) at which `yaml_text` nests lists and mappings more than DEEPEST_NESTING levels deep,
    or None. Nesting that only indentation makes (a mapping in a mapping, line after line) is left to the
    caller's RecursionError: it cannot go deep without a file too long to be slow to scan."""
    if sum(yaml_text.count(opening) for opening in ("[", "{", "- ")) <= DEEPEST_NESTING:
        return None  # too few openings to nest that deep: every ordinary file stops here
    # Brackets first, by hand: libyaml looks ahead along the line for each `[` before it yields a token.
    if (line := _line_of_deep_brackets(yaml_text)) is not None:
        return line
    depth = 0
    try:
        for token in yaml.scan(yaml_text, Loader=_SCANNER):
            if isinstance(token, _OPENS):
                depth += 1
                if depth > DEEPEST_NESTING:
                    return token.start_mark.line
            elif isinstance(token, _CLOSES):
                depth -= 1
    except yaml.YAMLError:
        return None  # a slip before that depth: the caller's parse words it
    return None


def key_above(yaml_text: str, line: int) -> str | None:
    """The top-level key whose value holds `line` (0-based), for the nesting message to name (`tags`), or None
    (a list at the top, or the key cannot be read). YAML's own scanner reads the text before the deep part: the
    lines above `line`, and `line` itself up to its first bracket, so nothing deep is scanned, and quotes,
    comments and keys inside brackets are read as YAML reads them."""
    lines = yaml_text.splitlines(keepends=True)[: line + 1]
    if not lines:
        return None
    last = lines[-1]
    cut = min((at for at in (last.find("["), last.find("{")) if at >= 0), default=len(last))
    before = "".join(lines[:-1]) + last[:cut]
    key, depth, awaiting = None, 0, False
    try:
        for token in yaml.scan(before, Loader=_SCANNER):
            if awaiting and isinstance(token, yaml.ScalarToken):
                key = token.value
            awaiting = isinstance(token, yaml.KeyToken) and depth == 1
            if isinstance(token, _OPENS):
                depth += 1
            elif isinstance(token, _CLOSES):
                depth -= 1
    except yaml.YAMLError:
        pass  # the text was cut short: the keys read before the cut stand
    return key


def _line_of_deep_brackets(yaml_text: str) -> int | None:
    """The line (0-based) where `[` and `{` outside quotes open more than DEEPEST_NESTING deep, or None. An
    apostrophe in plain text reads as a quote here, which can only hide brackets (YAML's own reading follows)."""
    depth, quote, line = 0, "", 0
    for character in yaml_text:
        if character == "\n":
            line += 1
        elif quote:
            quote = "" if character == quote else quote
        elif character in "[{":
            depth += 1
            if depth > DEEPEST_NESTING:
                return line
        elif character in "]}":
            depth = max(depth - 1, 0)
        elif character in "'\"":
            quote = character
    return None
