"""The link check as a build runs it: each page's links come from memory, scanned as MkDocs rendered it (its
body; the whole page for the first page of each template in each folder), never read back from site/. Feeds,
emails and every other file are still read and checked whole, and a #fragment that is not in a page's body is
looked up in the whole written page (the theme's ids)."""

from __future__ import annotations

from pathlib import Path

from protectpress.core.checks.linkcheck import check_site_links
from protectpress.core.foundation.links import SiteLinks
from protectpress.core.foundation.linkscan import scan_page
from protectpress.core.foundation.problems import Problems
from support import repair_hardening_links, run_in_process

LINKS = SiteLinks("https://example.org/sub/")
SOURCES = {"": "docs/index.md", "guidance/pals/": "docs/guidance/pals.md",
           "newsletters/march/": "newsletters/march.md"}
THEME = '<header id="pp-header"><a href="{root}assets/style.css">s</a></header>'


def written(site: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    return site


def themed(body: str, root: str) -> str:
    return f"<!doctype html><html><body>{THEME.format(root=root)}<article>{body}</article></body></html>"


def checked(site: Path, bodies: dict[str, str]) -> list[str]:
    problems = Problems()
    check_site_links(site, LINKS, SOURCES, problems, bodies={file: scan_page(body) for file, body in bodies.items()})
    return [str(p) for p in problems]


def test_a_broken_link_in_a_page_body_a_feed_and_an_email_is_still_caught(tmp_path):
    body = '<h2 id="scope">Scope</h2><a href="../missing/">gone</a>'
    rss = """<?xml version='1.0' encoding='UTF-8'?><rss version="2.0"><channel><title>t</title>
<link>https://example.org/sub/</link><item><title>PALs</title><link>https://example.org/sub/guidance/pals/</link>
<description>&lt;a href="https://example.org/sub/guidance/feed-only/"&gt;x&lt;/a&gt;</description></item>
</channel></rss>"""
    site = written(tmp_path, {
        "index.html": themed("", ""),
        # On disk without the broken link: the check must use the body it was handed, not re-read the file.
        "guidance/pals/index.html": themed('<h2 id="scope">Scope</h2>', "../../"),
        "assets/style.css": "",
        "feeds/rss.xml": rss,
        "newsletters/march/index.html": themed("", "../../"),
        "newsletters/march/email.html": '<a href="https://example.org/sub/email-only/">x</a>',
    })
    assert checked(site, {"guidance/pals/index.html": body, "newsletters/march/index.html": "",
                          "index.html": ""}) == [
        "docs/guidance/pals.md: expected a link to a page that exists (docs/guidance/feed-only.md does not exist), "
        "found 'https://example.org/sub/guidance/feed-only/' in feeds/rss.xml",
        "docs/guidance/pals.md: expected a link to a page that exists (docs/guidance/missing.md does not exist), "
        "found '../missing/'",
        "newsletters/march.md: expected a link to a page that exists (docs/email-only.md does not exist), found "
        "'https://example.org/sub/email-only/' in newsletters/march/email.html",
    ]


def test_a_fragment_outside_the_body_is_found_in_the_written_page_and_a_missing_one_is_not(tmp_path):
    site = written(tmp_path, {"index.html": themed("", ""), "guidance/pals/index.html": themed("", "../../"),
                              "assets/style.css": ""})
    bodies = {"index.html": '<a href="guidance/pals/#pp-header">header</a> <a href="guidance/pals/#nope">x</a>',
              "guidance/pals/index.html": ""}
    assert checked(site, bodies) == [
        "docs/index.md: expected a link to a heading or id that exists on guidance/pals/, found "
        "'guidance/pals/#nope'"]


def test_a_broken_link_in_the_theme_fails_the_build(fixture_project):
    """The theme is scanned whole on the first page of each template in each folder: a broken link that an
    override puts on every page is caught."""
    project = fixture_project("hardening-links")
    repair_hardening_links(project)
    main = project / "overrides" / "main.html"  # the copy's own overrides (copy_project)
    text = main.read_text(encoding="utf-8")
    assert text.count("{% block footer %}") == 1
    broken = "<a href=\"{{ 'nowhere-in-the-theme/' | url }}\">x</a>"
    main.write_text(text.replace("{% block footer %}", "{% block footer %}" + broken), encoding="utf-8")
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "expected a link to a page that exists (docs/nowhere-in-the-theme.md does not exist)" in result.stderr
