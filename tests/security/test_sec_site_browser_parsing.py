"""Issue 28, item 1: the active-content judge parses markup as a browser does, and every file under docs/ is
judged as a browser would read it.

Each case here got past `check` and `build` when the judge used Python's html.parser and decoded every file as
UTF-8, and ran script in Chromium (tests/browser/test_sec_site_judge_in_browser.py proves each one runs there).
Now the real `protectpress build` stops on each, naming the file and the line.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from parsing_payloads import family, issue_bodies
from protectpress.core.judge import sanitise
from support import FIXTURES, copy_project, run_in_process

ACTIVE = ("expected no active content (scripts, frames, forms, event handlers, javascript: or data: addresses): "
          "the site, feeds and emails publish only text, links, images and tables")
DOCUMENT = ("expected a file that runs no script when opened (no <script>, <foreignObject>, event handlers or "
            "javascript: addresses)")
REFUSED = ("expected no file a web server may run, or unpack into active content (.shtml, .svgz, .xsl, .xht, .php "
           "and the like): publish a page, an .svg or a PDF instead")
PAGE = """---
title: Pasted from elsewhere
type: guidance
summary: Markup a browser reads otherwise than a simple parser.
date: 2024-01-20
---

Safe opening paragraph.

{payload}
"""


def errors_for(output: str, path: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith(f"error: {path}")]


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")


def test_each_page_body_case_stops_the_build_at_its_line(project):
    for payload in issue_bodies():
        (project / f"docs/guidance/{payload.name}.md").write_text(PAGE.format(payload=payload.markup),
                                                                  encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    for payload in issue_bodies():
        # The image's address is checked as well (it leads nowhere): only the content policy's errors matter here.
        errors = [line for line in errors_for(result.stderr, f"docs/guidance/{payload.name}.md") if ACTIVE in line]
        assert errors, f"{payload.name} was not named:\n{result.stderr}"
        assert all(line.startswith(f"error: docs/guidance/{payload.name}.md:10: {ACTIVE}, found ") for line in errors)
    assert not (project / "site").exists()


# A CDATA section inside an integration point: the standard (and Lexbor, and Chromium 156) read it as text up
# to `]]>`; Chromium 150 reads `<![CDATA[` there as a comment ending at the first `>` and runs the image after it.
INTEGRATION_POINT_CDATA = [payload for payload in family()
                           if payload.name in {"svg-desc-cdata", "svg-title-cdata", "math-mtext-cdata", "math-mi-cdata",
                                               "math-mo-cdata", "math-mn-cdata", "math-ms-cdata"}]


def test_a_cdata_section_an_older_chromium_reads_as_a_comment_stops_the_build(project):
    assert len(INTEGRATION_POINT_CDATA) == 7
    for payload in INTEGRATION_POINT_CDATA:
        (project / f"docs/guidance/{payload.name}.md").write_text(PAGE.format(payload=payload.markup),
                                                                  encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    for payload in INTEGRATION_POINT_CDATA:
        errors = [line for line in errors_for(result.stderr, f"docs/guidance/{payload.name}.md") if ACTIVE in line]
        assert errors == [f"error: docs/guidance/{payload.name}.md:10: {ACTIVE}, found an event handler onerror= "
                          "on <img>"], result.stderr
    assert not (project / "site").exists()


def test_cdata_text_is_still_text_where_every_browser_reads_it_so():
    assert sanitise.find_active_content("<p>Quoted: <![CDATA[ a > b ]]></p><svg><![CDATA[ x ]]></svg>") == []


def test_each_case_in_a_newsletter_body_stops_the_build(project):
    newsletter = project / "newsletters/2024-01-winter-update.md"
    text = newsletter.read_text(encoding="utf-8")
    first = text.count("\n") + 2
    newsletter.write_text(text + "".join(f"\n{p.markup}\n" for p in issue_bodies()), encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    errors = [line for line in errors_for(result.stderr, "newsletters/2024-01-winter-update.md") if ACTIVE in line]
    lines = {int(line.split(":")[2]) for line in errors}
    assert lines == {first + 2 * n for n in range(len(issue_bodies()))}, "\n".join(errors)


def test_files_under_docs_are_judged_as_a_browser_reads_them(project):
    assets = project / "docs/assets"
    (assets / "comment.html").write_text("<!doctype html><title>x</title>\n<!--><img src=x onerror=steal()>-->\n")
    (assets / "utf16.html").write_bytes("<!doctype html><title>x</title>\n<script>steal()</script>\n".encode("utf-16"))
    (assets / "utf16.svg").write_bytes(
        '<svg xmlns="http://www.w3.org/2000/svg">\n<script>steal()</script></svg>\n'.encode("utf-16"))
    (assets / "declared.xml").write_bytes(
        '<?xml version="1.0" encoding="utf-16"?>\n<r><x:script xmlns:x="http://www.w3.org/1999/xhtml">steal()'
        '</x:script></r>\n'.encode("utf-16"))
    (assets / "entity.svg").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;steal()&#60;/script&#62;">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>\n')
    (assets / "styled.xml").write_text('<?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl" type="text/xsl"?>\n<r/>\n')
    (assets / "page.shtml").write_text('<!--#include virtual="/etc/passwd" -->\n')
    (assets / "drawing.svgz").write_bytes(gzip.compress(b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()'
                                                        b'</script></svg>'))
    (assets / "s.xsl").write_text('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>\n')
    (assets / "old.xht").write_text('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>\n')
    # A drawing an illustration tool saved, with the public DTD named: harmless, and it must pass.
    (assets / "fine.svg").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n')
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    assert errors_for(result.stderr, "docs/assets/") == [
        f"error: docs/assets/comment.html:2: {DOCUMENT}, found an event handler onerror= on <img>",
        f"error: docs/assets/declared.xml:2: {DOCUMENT}, found a <script> element",
        f"error: docs/assets/drawing.svgz: {REFUSED}, found a svgz file",
        f"error: docs/assets/entity.svg:2: {DOCUMENT}, found a DOCTYPE with an internal subset, whose entities can "
        "write a <script>",
        f"error: docs/assets/old.xht: {REFUSED}, found a xht file",
        f"error: docs/assets/page.shtml: {REFUSED}, found a shtml file",
        f"error: docs/assets/s.xsl: {REFUSED}, found a xsl file",
        f"error: docs/assets/styled.xml:2: {DOCUMENT}, found an xml-stylesheet instruction, whose XSLT can write a "
        "<script>",
        f"error: docs/assets/utf16.html:2: {DOCUMENT}, found a <script> element",
        f"error: docs/assets/utf16.svg:2: {DOCUMENT}, found a <script> element",
    ]
    assert not (project / "site").exists()


def test_a_declared_charset_is_read_and_utf8_judged_too():
    # Declared windows-1252 but a host's header may say UTF-8: both readings are judged.
    data = '<meta charset="windows-1252"><p>caf\u00e9</p><script>x()</script>'.encode("cp1252")
    assert [text[-20:] for text in sanitise.decodings(data, xml=False)] == ["<script>x()</script>"] * 2
    assert [f.description for f in sanitise.find_active_document_content(data, xml=False)] == ["a <script> element"]
    # A page that is inert under every reading passes.
    assert sanitise.find_active_document_content('<meta charset="windows-1252"><p>caf\u00e9</p>'.encode("cp1252"),
                                        xml=False) == []


def test_xml_a_browser_cannot_read_is_refused_with_its_line():
    found = sanitise.find_active_document_content(b'<svg xmlns="http://www.w3.org/2000/svg">\n<g></svg>\n')
    assert [(f.description, f.line) for f in found] == [
        ("text a browser cannot read as XML (mismatched tag), so what it runs cannot be judged", 2)]
