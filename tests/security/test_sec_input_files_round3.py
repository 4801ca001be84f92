"""Issue 28, item 3: every file under docs/ is one page at one address, and redirects keep off generated files.

Two sources whose addresses differ only in letter case or Unicode form (`café.md` typed in NFC and in NFD,
`Alpha.md` beside `alpha.md`) built two pages without a word, one of which a case-insensitive host or a
reader's browser shows in the other's place; `redirect_from: [pagefind/pagefind.js]` made the search indexer
wait on itself until its 600-second limit. Both are now errors from `check` and `build`, naming both files.
(Hard links: tests/security/test_sec_input_boundary.py.)
"""

from __future__ import annotations

import unicodedata

import pytest

from support import FIXTURES, copy_project, run_in_process

ONE = ("expected one file for each address (addresses that differ only in capitals or in how an accent is stored "
       "are one page on many hosts and to readers)")
GENERATED = ("expected an old address of a page, not one where the build writes its own files (search index, "
             "feeds, assets, the offline worker)")
PAGE = "---\ntitle: {title}\ntype: guidance\nsummary: A page.\ndate: 2024-01-20\n{extra}---\n\nText.\n"


@pytest.mark.parametrize("command", ["check", "build"])
def test_two_files_at_one_address_are_an_error_naming_both(tmp_path, command):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    guidance = project / "docs/guidance"
    nfc, nfd = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
    assert nfc != nfd
    for name, title in ((nfc, "Cafe one"), (nfd, "Cafe two"), ("Alpha", "Alpha upper"), ("alpha", "Alpha lower")):
        (guidance / f"{name}.md").write_text(PAGE.format(title=title, extra=""), encoding="utf-8")
    result = run_in_process(command, cwd=project)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert (f"error: docs/guidance/alpha.md: {ONE}, found docs/guidance/alpha.md and docs/guidance/Alpha.md both "
            "make guidance/alpha/index.html") in output, output
    lines = [line for line in output.splitlines() if ONE in line and "caf" in line]
    assert len(lines) == 1 and f"docs/guidance/{nfc}.md" in lines[0] and f"docs/guidance/{nfd}.md" in lines[0], lines


@pytest.mark.parametrize("old", ["pagefind/pagefind.js", "assets/javascripts/pp-search.js", "feeds/rss.xml",
                                 "sw.js", "manifest.webmanifest", "sitemap.xml", "_headers"])
def test_a_redirect_onto_a_generated_file_is_an_error_from_check(tmp_path, old):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    (project / "docs/guidance/moved.md").write_text(
        PAGE.format(title="Moved", extra=f"redirect_from: [{old}]\n"), encoding="utf-8")
    result = run_in_process("check", cwd=project)
    assert result.returncode == 1
    assert f"error: docs/guidance/moved.md: redirect_from: {GENERATED}, found '{old}'" in result.stdout, result.stdout
