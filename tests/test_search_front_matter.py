"""`search:` in a page's front matter: `exclude` leaves the page out of the search index; `boost` (Material's,
which Pagefind has no counterpart for) is warned about at its own line rather than lost in silence."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_index import indexed_pages
from support import FIXTURES, copy_project, run_in_process

BOOST_WARNING = (
    "search.boost: expected no boost (it has no effect on this site's search, which ranks a page by the words it "
    "holds): to lift this page in results, put the words readers search for in its title, summary and headings"
)
PAGE = "---\ntitle: {title}\ntype: guidance\nsummary: {title}.\ndate: 2024-05-01\n{search}---\n\nSome words.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    project = copy_project(FIXTURES / "site-basic", tmp_path_factory.mktemp("search") / "project")
    guidance = project / "docs" / "guidance"
    (guidance / "hidden.md").write_text(PAGE.format(title="Hidden", search="search: {exclude: true}\n"))
    (guidance / "boosted.md").write_text(PAGE.format(title="Boosted", search="search:\n  exclude: false\n  boost: 2\n"))
    (guidance / "inline.md").write_text(PAGE.format(title="Inline", search="search: {boost: 0.5}\n"))
    result = run_in_process("build", cwd=project)
    assert result.returncode == 0, result.stderr
    return project, result.stdout + result.stderr


def test_exclude_leaves_the_page_out_of_search(built):
    project, _ = built
    pages = indexed_pages(project / "site")
    assert "/guidance/hidden/" not in pages
    assert {"/guidance/boosted/", "/guidance/inline/"} <= set(pages)


def test_boost_is_a_warning_at_its_own_line(built):
    _, output = built
    assert f"warning: docs/guidance/boosted.md:8: {BOOST_WARNING}, found 2" in output
    assert f"warning: docs/guidance/inline.md:6: {BOOST_WARNING}, found 0.5" in output
    assert "docs/guidance/hidden.md" not in output


def test_boost_fails_a_strict_check(built):
    project, _ = built
    result = run_in_process("check", "--strict", cwd=project)
    assert result.returncode == 1
    assert f"warning: docs/guidance/boosted.md:8: {BOOST_WARNING}, found 2" in result.stdout
