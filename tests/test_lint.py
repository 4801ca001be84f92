"""The Markdown body's own rules (core/content/lint.py, issue 29): a body with no code fence is read without a
step of Python per line; every body gives the same findings, in the same order, as the line-by-line reading
that was the only one before."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.content import lint
from protectpress.core.content.lint import LINK_TEXT_EXPECTED, lint_markdown_body, says_nowhere
from protectpress.core.foundation.frontmatter import FrontMatter


def line_by_line(front: FrontMatter, title: str | None, report_line) -> None:
    """`lint_markdown_body` as it was."""
    in_code, seen_text = False, False
    for offset, line in enumerate(front.body.splitlines()):
        if ("```" in line or "~~~" in line) and lint._FENCE_LINE.match(line):
            in_code = not in_code
            continue
        if in_code:
            continue
        if not seen_text:
            heading = lint._OWN_HEADING.match(line) if line.startswith("#") and title is not None else None
            if heading and heading.group(1).strip() != title:
                report_line(front.body_line + offset, "expected no '# Heading' line of the page's own: the title from "
                            "front matter is its heading (delete this line, or make it the title:)",
                            repr(line.strip()), severity="warning")
            seen_text = bool(line.strip())
        if "[" not in line and "<" not in line:
            continue
        number = front.body_line + offset
        for match in lint._IMAGE_WITHOUT_ALT.finditer(line):
            source = match.group(1) or match.group(2) or ""
            report_line(number, "expected alt text for every image, like ![What it shows](/assets/images/photo.jpg) "
                        "(or alt=\"\" for a purely decorative HTML image)", f"an image with none: {source!r}")
        for match in lint._LINK_TEXT.finditer(lint._INLINE_CODE.sub("", line) if "`" in line else line):
            text = match.group(1) if match.group(1) is not None else match.group(2)
            if says_nowhere(text):
                report_line(number, LINK_TEXT_EXPECTED, repr(" ".join(text.split())), severity="warning")


def findings(read, body: str, title: str | None) -> list[tuple]:
    found: list[tuple] = []
    read(FrontMatter(data={}, body=body, body_line=7), title,
         lambda *args, **kwargs: found.append((*args, tuple(sorted(kwargs.items())))))
    return found


LINES = st.sampled_from([
    "", "   ", "\t", "Some text.", "# Title", "# Another heading", "#Not a heading", "## Section", "```", "```python",
    "~~~", "  ```", "x ``` y", "![](/a.png)", "![ ](<b.png>)", "![Alt](/c.png)", '<img src="d.png">',
    '<img alt="" src="e.png">', "[here](x.md)", "[Click  Here][ref]", "[read more](y.md) and [the guide](z.md)",
    '<a href="x">here</a>', "`[here](x.md)`", "[`here`](x.md)", "<b>bold</b>", "[", "<", "~~", "``",
])
BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x1c", "\u2028"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(LINES, BREAKS), max_size=12), st.sampled_from([None, "Title", "# Title"]))
@example([("", "\n"), ("# Another heading", "\n"), ("[here](x.md)", "\n")], "Title")
@example([("```", "\n"), ("# Another heading", "\n"), ("```", "\n"), ("# Another heading", "\n")], "Title")
@example([("  \t", "\n"), ("# Title", "\n"), ("![](/a.png) [here](x.md)", "\n")], "Other")
def test_every_body_gives_the_findings_it_gave_before(lines, title):
    body = "".join(line + end for line, end in lines)
    assert findings(lint_markdown_body, body, title) == findings(line_by_line, body, title)
