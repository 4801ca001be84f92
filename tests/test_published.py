"""Published URLs stay published: the committed record, redirect_from pages, and `protectpress urls`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protectpress.core.checks.linkcheck import BuiltSite
from protectpress.core.checks.published import published_urls, read_record
from protectpress.core.content.loading import load_content
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.links import SiteLinks
from protectpress.core.foundation.problems import Problems
from protectpress.core.site.redirects import normalise_old_address
from support import REPO, copy_project, run_in_process

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages

MISSING = ("error: published-urls.txt:4: expected a page at /guidance/old-name/ (it was published: emails and feeds "
           "link to it), found no page there. If you moved or renamed it, add 'redirect_from: [/guidance/old-name/]' "
           "to the front matter of the page that replaced it; if you deleted it by mistake, put it back")


def rename_with_redirect(project: Path, redirect_from: str | None) -> Path:
    """Move guidance/old-name.md to guidance/lockdown-planning.md, optionally declaring redirect_from."""
    old = project / "docs" / "guidance" / "old-name.md"
    new = old.with_name("lockdown-planning.md")
    text = old.read_text(encoding="utf-8")
    if redirect_from is not None:
        text = text.replace("sectors: [Retail]\n", f"sectors: [Retail]\nredirect_from: {redirect_from}\n", 1)
    new.write_text(text, encoding="utf-8")
    old.unlink()
    return new


def errors(result) -> list[str]:
    return [line.strip() for line in (result.stdout + result.stderr).splitlines() if line.strip().startswith("error:")]


def test_the_fixture_builds_with_its_record(fixture_project):
    project = fixture_project("hardening-published")
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr


def test_removing_a_published_page_fails_the_build_naming_the_url(fixture_project):
    project = fixture_project("hardening-published")
    (project / "docs" / "guidance" / "old-name.md").unlink()
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 1
    assert errors(result) == [MISSING]
    assert "Traceback" not in result.stderr
    check = run_in_process("urls", cwd=project)
    assert check.returncode == 1 and errors(check) == [MISSING]


def test_redirect_from_keeps_the_old_address_working(fixture_project):
    project = fixture_project("hardening-published")
    rename_with_redirect(project, "[guidance/old-name/]")
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    page = (project / "site" / "guidance" / "old-name" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../lockdown-planning/">' in page
    assert '<link rel="canonical" href="https://published.example.org/guidance/lockdown-planning/">' in page
    assert '<a href="../lockdown-planning/">Lockdown planning</a>' in page
    assert '<html lang="en-GB">' in page and "<h1>This page has moved</h1>" in page
    # The refresh target, followed from the old address, is the new page the build wrote.
    target = re.search(r'url=([^"]+)"', page).group(1)
    assert BuiltSite(project / "site").file_for(f"guidance/old-name/{target}".replace("old-name/../", "")) == \
        "guidance/lockdown-planning/index.html"
    assert run_in_process("urls", cwd=project).returncode == 0


def test_urls_update_adds_new_pages_and_keeps_every_old_address(fixture_project):
    project = fixture_project("hardening-published")
    rename_with_redirect(project, "[/guidance/old-name]")
    result = run_in_process("urls", "--update", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "1 new address recorded, 5 in all." in result.stdout and "+ /guidance/lockdown-planning/" in result.stdout
    lines = [line for line in (project / "published-urls.txt").read_text().splitlines() if not line.startswith("#")]
    assert lines == ["/", "/guidance/", "/guidance/lockdown-planning/", "/guidance/old-name/",
                     "/guidance/search-planning/"]
    assert run_in_process("urls", cwd=project).returncode == 0


@pytest.mark.parametrize("value, message", [
    ("[https://elsewhere.example/old/]", "redirect_from: expected an old address of this site like guidance/old-name/ "
     "(the part after the site's address), found 'https://elsewhere.example/old/'"),
    ("[guidance/lockdown-planning/]", "redirect_from: expected an old address, not this page's own, found "
     "'guidance/lockdown-planning/'"),
    ("[guidance/search-planning/]", "redirect_from: expected an old address that no page uses now, found "
     "'guidance/search-planning/', where the build wrote a page"),
])
def test_unusable_redirects_are_errors_naming_the_page(fixture_project, value, message):
    project = fixture_project("hardening-published")
    rename_with_redirect(project, value)
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 1
    assert f"error: docs/guidance/lockdown-planning.md: {message}" in errors(result)


def test_old_addresses_are_normalised_and_links_are_relative():
    links = SiteLinks("https://example.org/sub/")
    assert normalise_old_address("/guidance/old", links) == "guidance/old/"
    assert normalise_old_address("guidance/old.md", links) == "guidance/old/"
    assert normalise_old_address("https://example.org/sub/guidance/old/", links) == "guidance/old/"
    for bad in ("", "/", "../x/", "guidance/old/#part", "https://other.example/x/", "a//b/"):
        assert normalise_old_address(bad, links) is None, bad
    assert normalise_old_address("old", SiteLinks("https://e.org/", use_directory_urls=False)) == "old.html"
    # Redirect pages link with the one relative-link helper; an old URL path stands in for a source.
    assert links.relative_url("guidance/new.md", from_src="guidance/old/") == "../new/"
    assert links.relative_url("index.md", from_src="old/") == "../"
    file_links = SiteLinks("https://e.org/", use_directory_urls=False)
    assert file_links.relative_url("c/d.md", from_src="a/b.html") == "../c/d.html"


def test_the_example_sites_record_lists_every_published_page_and_all_are_built(example_site):
    settings = load_settings(REPO / "mkdocs.yml")
    content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary, Problems(), now=NOW)
    record = read_record(REPO / "published-urls.txt")
    current = published_urls(settings, content)
    assert current - set(record.urls) == set(), "new pages: run `protectpress urls --update` and commit the file"
    site = BuiltSite(example_site)
    assert [url for url in record.urls if site.file_for(url) is None] == []


NEW_PAGE = """---
title: Evacuation routes
type: guidance
summary: Plan two ways out for everyone.
date: 2024-02-01
sectors: [Retail]
---

Plan two ways out.
"""


def test_a_new_page_is_recorded_by_the_build_itself_and_never_by_check(fixture_project):
    project = fixture_project("hardening-published")
    record = project / "published-urls.txt"
    before = record.read_text(encoding="utf-8")
    (project / "docs" / "guidance" / "evacuation-routes.md").write_text(NEW_PAGE, encoding="utf-8")
    # check and `urls` say nothing is wrong, name what the next build records, and write nothing.
    check = run_in_process("check", "--strict", cwd=project)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "urls --update" not in check.stdout + check.stderr
    urls = run_in_process("urls", cwd=project)
    assert urls.returncode == 0 and "published-urls.txt: 1 new address not recorded yet: the next `protectpress " \
        "build` records it (/guidance/evacuation-routes/)." in urls.stdout
    # A build as at another moment is a look ahead: it records nothing.
    ahead = run_in_process("build", "--quiet", "--at", "2030-01-01T09:00", "-d", "site-ahead", cwd=project)
    assert ahead.returncode == 0, ahead.stderr
    assert record.read_text(encoding="utf-8") == before
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "Recorded 1 new address in published-urls.txt (commit it with the pages): /guidance/evacuation-routes/"]
    lines = [line for line in record.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == ["/", "/guidance/", "/guidance/evacuation-routes/", "/guidance/old-name/",
                     "/guidance/search-planning/"]
    again = run_in_process("build", "--strict", "--quiet", cwd=project)  # nothing new: the file is left alone
    assert again.returncode == 0 and again.stdout == ""
    # A page that disappears still needs a person: the build fails, naming its address.
    (project / "docs" / "guidance" / "evacuation-routes.md").unlink()
    gone = run_in_process("build", "--quiet", cwd=project)
    assert gone.returncode == 1 and "expected a page at /guidance/evacuation-routes/" in gone.stderr


def test_a_newsletter_with_its_own_mistake_is_named_once_not_again_as_a_missing_page(tmp_path):
    """Its web version is not built, so its recorded address is missing too: the mistake is reported, and the
    missing address is not, since its remedy ("add redirect_from") is the wrong fix (fresh-eyes trial)."""
    project = copy_project(REPO, tmp_path / "project")
    letter = project / "newsletters" / "2023-03-security-and-policing.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace("date: 2023-03-30", "date: 30 March 2023", 1),
                      encoding="utf-8")
    for command in ("check", "build"):
        result = run_in_process(command, cwd=project)
        assert result.returncode == 1
        found = errors(result)
        assert len(found) == 1 and found[0].startswith("error: newsletters/2023-03-security-and-policing.md:"), found
    letter.unlink()  # gone, not broken: its address is still owed a page
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 1
    assert [line for line in errors(result) if "/newsletters/2023-03-security-and-policing/" in line], errors(result)
