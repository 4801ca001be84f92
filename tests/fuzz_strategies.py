"""Hypothesis strategies and profiles for the fuzz tests (tests/test_fuzz_*.py): the odd front matter, Markdown and
CSV that comms staff, Excel and copy-paste produce.

Profiles: the default `quick` keeps `make test` fast; `HYPOTHESIS_PROFILE=deep make test` runs many more examples
(`PYTEST_ARGS=tests/test_fuzz_content.py` narrows it to one file).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "quick")
_COUNTS = {"quick": (30, 3), "deep": (600, 30)}  # (in-process examples, real-command examples)
IN_PROCESS_EXAMPLES, COMMAND_EXAMPLES = _COUNTS.get(PROFILE, _COUNTS["quick"])
_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                      HealthCheck.function_scoped_fixture])
in_process = settings(max_examples=IN_PROCESS_EXAMPLES, **_COMMON)
real_commands = settings(max_examples=COMMAND_EXAMPLES, **_COMMON)

KEYS = ["title", "type", "summary", "date", "updated", "review_by", "tags", "sectors", "image", "image_alt", "draft",
        "redirect_from", "template", "hide", "icon", "status", "search", "description", "subtitle", "comments",
        "subject", "preheader", "items", "page", "full"]
# YAML 1.1 oddities: booleans by another name, numbers that look like text, dates that are not days, tags.
ODD_SCALARS = ["no", "yes", "on", "off", "y", "~", "null", "1e3", "0x1F", "0o17", "012", "1_000", "12:30:00", ".inf",
               ".nan", "-.inf", "2023-03-30", "2023-02-30", "2023-13-01", "30/03/2023", "2023-03-30T10:00:00Z",
               "2023-03-30 10:00", "0000-00-00", "9999-12-31", "'quoted'", '"double"', '""', "''", "[]", "{}",
               "[a, b]", "{a: 1}", "[[nested]]", "!!binary aGk=", "!!python/object:os.system", "!ENV HOME",
               "!!str 5", "!!int x", "!!float 1", "!!timestamp 2023-01-01", "|\n  block\n  text", ">\n  folded",
               "*undefined", "&a anchored", "- item", "%", "@at", "`tick`", "# comment", "? complex", "\t", " ",
               "guidance/pals.md", "../../etc/passwd", "https://example.org/x", "page", "guidance", "action-card",
               "news", "conference", "retail", "all", "<script>alert(1)</script>", "x" * 400, "é" * 50,
               "\u202eright-to-left", "\x00", "\ufeffbom", "{{ name }}", "{{ other }}"]
scalar = st.one_of(st.sampled_from(ODD_SCALARS), st.text(max_size=40), st.integers().map(str),
                   st.floats(allow_nan=True).map(str))


@st.composite
def front_matter_lines(draw) -> str:
    """YAML lines with known and random keys, odd values, anchors and aliases, tabs and duplicate keys."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        key = draw(st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=12)))
        value = draw(scalar)
        style = draw(st.sampled_from(["plain", "list", "anchor", "alias", "tab", "nested", "merge"]))
        if style == "list":
            lines.append(f"{key}: [{value}, {draw(scalar)}]")
        elif style == "anchor":
            lines.append(f"{key}: &shared {value}")
        elif style == "alias":
            lines.append(f"{key}: *shared")
        elif style == "tab":
            lines.append(f"{key}:\t{value}")
        elif style == "nested":
            lines.append(f"{key}:\n  - {value}\n  - page: {draw(scalar)}")
        elif style == "merge":
            lines.append("<<: *shared")
        else:
            lines.append(f"{key}: {value}")
    if draw(st.booleans()):
        lines.append(lines[0] if lines else "title: again")  # a duplicate key
    return "\n".join(lines)


def _nested(depth: int, unit: str, leaf: str = "x") -> str:
    return "".join(unit.format(indent="    " * level, quotes="> " * level) for level in range(depth)) + leaf + "\n"


def _bodies(nesting: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=300),
        st.integers(1, nesting).map(lambda n: _nested(n, "{indent}- item\n")),
        st.integers(1, nesting).map(lambda n: _nested(n, "{indent}1. item\n")),
        st.integers(1, nesting).map(lambda n: _nested(n, "{quotes}quoted\n")),
        st.integers(1, 60).map(lambda n: '<div markdown="1">\n' * n + "x\n" + "</div>\n" * n),
        st.integers(1, 400).map(lambda n: "*" * n + "emphasis" + "_" * n),
        st.integers(1, 40).map(lambda n: _nested(n, "{indent}!!! note\n") + "    " * n + "text\n"),
        st.sampled_from(["```\nan unmatched fence\n", "~~~python\nprint(1)\n", "````\n```\n", "<div>\n<p>open",
                         "<script>alert(1)</script>\n<iframe src='https://evil.example'></iframe>", "<!-- unclosed",
                         "| a | b |\n|---|\n| 1 | 2 | 3 |", "[link](missing.md#nowhere) ![img](nope.png)",
                         "[x](/guidance/../../../etc/passwd)", "# Heading\n\n## Heading\n\n## Heading",
                         "{{ name }} and {{ unknown }}", "---\ntitle: a second front matter\n---", "\x00\x01\x02",
                         "word " * 20000, "a" * 50000, "\t\t- tabbed\n\t- list", "[^1]\n\n[^1]: a footnote"]),
    )


markdown_body = _bodies(nesting=60)
newsletter_body = markdown_body  # the same odd Markdown reaches the email's HTML and plain-text renderers


@st.composite
def source_files(draw) -> str:
    """A whole Markdown file: front matter (sometimes broken) and a body."""
    opening = draw(st.sampled_from(["---\n", "---\n", "---\n", "\ufeff---\n", "--- \n", "", "---\r\n"]))
    closing = draw(st.sampled_from(["\n---\n", "\n---\n", "\n...\n", "\n", "\n---"]))
    return opening + draw(front_matter_lines()) + closing + draw(markdown_body)


@st.composite
def recipients_csv(draw) -> bytes:
    """A recipients CSV as Excel and other teams send them: odd headers, quoting, encodings, blank lines."""
    header = draw(st.sampled_from(["email,name,organisation,sectors", "Email,Name", "EMAIL;NAME", "name,organisation",
                                   "\ufeffemail,name", "email", "", "email,email,name", '"email","na,me"']))
    cell = st.one_of(st.sampled_from(["jo@example.org", "JO@EXAMPLE.ORG", "not-an-address", "a@b", "@x.org",
                                      "x@y.z", "sam@example.org;retail", "retail;hospitality", "retail", "unknown",
                                      '"quoted, comma"', '"unclosed', "", " ", "=cmd|' /C calc'!A0", "é@例え.jp",
                                      "x" * 300 + "@example.org"]), st.text(max_size=20))
    rows = [",".join(draw(st.lists(cell, max_size=5))) for _ in range(draw(st.integers(0, 8)))]
    text = "\n".join([header, *rows]) + draw(st.sampled_from(["", "\n", "\r\n", "\n\n\n"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


# Valid front matter with an odd body, so that the Markdown reaches the renderers (MkDocs, the email), not
# only the schema: most fully random front matter is rejected before any rendering.
VALID_GUIDANCE = "---\ntitle: Fuzzed guidance\ntype: guidance\nsummary: A fuzzed page.\ndate: 2024-01-02\n---\n\n"
VALID_NEWSLETTER = ("---\nsubject: Fuzzed issue\npreheader: A newsletter whose letter is fuzzed Markdown for tests\n"
                    "date: 2024-01-20\nitems:\n  - page: guidance/lockdown.md\n---\n\nDear {{ name }},\n\n")
page_files = st.one_of(source_files(), markdown_body.map(lambda body: VALID_GUIDANCE + body))
newsletter_fronts = st.one_of(source_files(), st.just(VALID_NEWSLETTER))
