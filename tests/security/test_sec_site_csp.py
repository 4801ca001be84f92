"""Issue 28, item 2: a Content-Security-Policy on every built page, from hashes the build works out.

Every HTML file the build writes carries the policy in a <meta> ahead of any script; its script-src allows the
site's files, 'wasm-unsafe-eval' for Pagefind and the SHA-256 of each inline script that page runs, never
'unsafe-inline'; `_headers` carries the same for hosts that read one. The hashes come from the built pages, so a
template that changes an inline script is allowed at once (another engineer redesigns the templates).
<style> and style= in a body are refused, as a fetch from a third party or a page hidden by CSS.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from protectpress.core.site.csp import source_hash
from support import FIXTURES, copy_project, run_in_process

ACTIVE = ("expected no active content (scripts, frames, forms, event handlers, javascript: or data: addresses): "
          "the site, feeds and emails publish only text, links, images and tables")
META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def policy_of(html: str) -> dict[str, list[str]]:
    found = META.search(html)
    assert found is not None
    return {part.split()[0]: part.split()[1:] for part in found.group(1).split("; ")}


def inline_scripts(html: str) -> list[str]:
    return [node.text(deep=True) for node in LexborHTMLParser(html, scripting=True).css("script")
            if "src" not in node.attributes and node.attributes.get("type") in (None, "", "module")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("csp") / "project")
    # A redesign adds an inline script: its hash must be allowed without any change to the policy code.
    main = project / "overrides/main.html"
    text = main.read_text(encoding="utf-8")
    main.write_text(text.replace("{% endblock %}", '<script>document.documentElement.dataset.redesign = "1"'
                                 "</script>\n{% endblock %}", 1) if "{% block scripts %}" not in text
                    else text.replace("{% block scripts %}", '{% block scripts %}<script>document.documentElement'
                                      '.dataset.redesign = "1"</script>', 1), encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def test_every_built_page_carries_the_policy_ahead_of_any_script(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 10
    assert {"404.html", "offline.html"} <= {p.name for p in pages}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = META.search(html)
        assert found is not None, f"{page.relative_to(built)} carries no policy"
        assert "<script" not in html[:found.start()].lower(), page
        policy = policy_of(html)
        assert "'unsafe-inline'" not in policy.get("script-src", []), page
        assert policy["object-src"] == ["'none'"]
        if page.name == "email.html":
            assert policy["default-src"] == ["'none'"] and "script-src" not in policy
            continue
        assert policy["base-uri"] == ["'self'"] and policy["style-src"][0] == "'self'"
        assert policy["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
        assert policy["img-src"] == ["'self'", "data:"]
        for script in inline_scripts(html):
            assert source_hash(script) in policy["script-src"], f"{page.relative_to(built)}: {script[:60]!r}"


def test_the_hashes_are_worked_out_from_the_built_pages(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    added = 'document.documentElement.dataset.redesign = "1"'
    assert added in home
    assert source_hash(added) in policy_of(home)["script-src"]
    # Material's scope script names the page's depth: pages at different depths get different hashes.
    deep = (built / "guidance/martyns-law/index.html")
    if deep.is_file():
        assert policy_of(home)["script-src"] != policy_of(deep.read_text(encoding="utf-8"))["script-src"]


def test_the_header_file_carries_the_policy_for_every_file(built):
    headers = (built / "_headers").read_text(encoding="utf-8")
    lines = headers.splitlines()
    assert "/*" in lines
    site = next(line for line in lines if line.startswith("  Content-Security-Policy: default-src 'self'"))
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if page.name != "email.html":
            assert all(source for source in policy_of(html)["script-src"] if source in site)
            assert all(f" {h}" in site for h in policy_of(html)["script-src"] if h.startswith("'sha256-"))
    assert "frame-ancestors 'self'" in site and "'unsafe-inline'" not in site.split("script-src")[1].split(";")[0]


@pytest.mark.parametrize(("markup", "found"), [
    ("<style>@import url(https://evil.example/x.css); body { display: none }</style>",
     "a <style> element (the site's styles come only from its theme)"),
    ('<p style="background: url(https://evil.example/track.png)">Hi</p>',
     "a style= attribute on <p> (the site's styles come only from its theme)"),
])
def test_styles_in_a_body_are_refused(tmp_path, markup, found):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    page = project / "docs/guidance/styled.md"
    page.write_text("---\ntitle: Styled\ntype: guidance\nsummary: A page with its own CSS.\ndate: 2024-01-20\n---\n\n"
                    f"{markup}\n", encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    assert f"error: docs/guidance/styled.md:8: {ACTIVE}, found {found}" in result.stderr


def test_table_alignment_from_markdown_is_allowed_by_hash(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    (project / "docs/guidance/table.md").write_text(
        "---\ntitle: Table\ntype: guidance\nsummary: An aligned table.\ndate: 2024-01-20\n---\n\n"
        "| Step | Time |\n| :--- | ---: |\n| Run | 1 |\n", encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 0, result.stderr
    policy = policy_of((project / "site/guidance/table/index.html").read_text(encoding="utf-8"))
    assert policy["style-src"] == ["'self'", "'unsafe-hashes'", source_hash("text-align: left;"),
                                   source_hash("text-align: right;")]


def test_a_handler_a_template_writes_into_every_page_stops_the_build(tmp_path):
    """The built pages themselves are judged: a template (the theme is redesigned in parallel) that writes an
    event handler or a script address is named, although no body holds one."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    main = project / "overrides/main.html"
    text = main.read_text(encoding="utf-8")
    assert "{% block footer %}" in text
    main.write_text(text.replace("{% block footer %}", '{% block footer %}<a href="#" onclick="track()">x</a>', 1),
                    encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 1
    assert ("error: docs/guidance/lockdown.md: expected a built page with no event handler or script address (a "
            "template or plugin of the site wrote one), found an event handler onclick= on <a>") in result.stderr, \
        result.stderr


def test_the_sign_up_forms_service_is_the_one_other_place_a_form_may_post(tmp_path):
    """The Subscribe page's sign-up form posts to the subscriptions service, at `unsubscribe_url`'s origin:
    `form-action 'self'` alone would block it."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      sending:\n" in text
    config.write_text(text.replace("      sending:\n", "      sending:\n        unsubscribe_url: "
                                   "https://partners.example.org/unsubscribe/\n", 1), encoding="utf-8")
    result = run_in_process("build", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site"
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if page.name != "email.html":
            assert policy_of(html)["form-action"] == ["'self'", "https://partners.example.org"], page
    assert "form-action 'self' https://partners.example.org" in (site / "_headers").read_text(encoding="utf-8")
