"""The preview never lies: what a comms officer sees in Chromium while `protectpress serve` runs is what the
build will publish, and every mistake shows on its problems page in their words.

One preview serves the module: a copy of the newsletter-basic fixture with a guidance section of several
pages, a page scheduled for later and a draft. Each test saves files as an author would and looks at the pages
in a real browser, and at the lines the preview printed in its terminal.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from browser_checks import describe_violations, run_axe

from support import FIXTURES, PROTECTPRESS, copy_project, running, wait_until

pytestmark = pytest.mark.long

GUIDES = {"second": "Second guide to lockdown", "third": "Third guide to lockdown"}
SCHEDULED = "docs/guidance/coming-soon.md"
DRAFT = "docs/guidance/draft-plan.md"


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Preview:
    def __init__(self, project: Path, url: str, log: Path) -> None:
        self.project, self.url, self.log = project, url, log

    def edit(self, path: str, old: str, new: str) -> None:
        file = self.project / path
        text = file.read_text(encoding="utf-8")
        assert old in text, (path, old)
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    def terminal(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def open(self, page, path: str, until: str, timeout: float = 60):
        """Load `path` until its HTML holds `until` (the preview rebuilt after the last save): the response."""
        from playwright.sync_api import Error

        def shown():
            # Judged by this answer's own body, never the tab's: the live-reload script of a page answered before
            # the rebuild ended can swap the tab for the new page, so the tab could show `until` beside an answer
            # that did not hold it.
            try:
                response = page.goto(self.url + path, wait_until="load")
                return response is not None and until in response.text() and response
            except Error:  # the live-reload script reloaded the page under us: the preview is rebuilding
                return None

        return wait_until(shown, seconds=timeout, step=0.3, what=f"{path} showing {until!r}",
                          output=lambda: self.terminal()[-3000:])


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("truthful")
    project = copy_project(FIXTURES / "newsletter-basic", root / "project")
    lockdown = (project / "docs/guidance/lockdown.md").read_text(encoding="utf-8")
    for name, title in GUIDES.items():
        (project / f"docs/guidance/{name}.md").write_text(lockdown.replace("title: Dynamic lockdown",
                                                                           f"title: {title}"), encoding="utf-8")
    (project / SCHEDULED).write_text(
        lockdown.replace("title: Dynamic lockdown", "title: Coming soon")
        .replace("date: 2024-01-05", "date: 2099-12-10\npublish_at: 2099-12-10T09:00"), encoding="utf-8")
    (project / DRAFT).write_text(
        lockdown.replace("title: Dynamic lockdown", "title: Draft plan")
        .replace("date: 2024-01-05", "date: 2024-01-05\ndraft: true"), encoding="utf-8")
    log = root / "terminal.txt"
    with running([*PROTECTPRESS, "serve", "--port", "{port}"], cwd=project, log=log,
                 ready=lambda server: _status(server.url) == 200) as server:
        yield Preview(project, server.url, log)
    assert "Traceback" not in log.read_text(encoding="utf-8")


def _menu_titles(page) -> list[str]:
    """Every title the left-hand menu holds (collapsed sections too), as the page's HTML has them."""
    page.wait_for_load_state("load")  # the live-reload script may be reloading the page after another save
    page.wait_for_selector(".md-sidebar--primary .md-nav__link .md-ellipsis", state="attached")
    return [" ".join(text.split()) for text in
            page.locator(".md-sidebar--primary .md-nav__link .md-ellipsis").all_text_contents()]


def test_after_a_save_the_menu_of_a_page_in_another_folder_names_every_page(preview, new_page):
    page = new_page()
    preview.edit("docs/guidance/second.md", "summary: How to", "summary: Now, how to")
    # The topic listing (topics/, another folder) is rendered again: it lists the saved page's new summary.
    preview.open(page, "topics/lockdown/", "Now, how to")
    titles = _menu_titles(page)
    assert "None" not in titles, titles
    for title in ("Dynamic lockdown", *GUIDES.values(), "Run, hide, tell", "Retail security expo 2024"):
        assert title in titles, (title, titles)
    # The saved page itself, rendered with the pages MkDocs did not read again this time.
    preview.open(page, "guidance/second/", "Now, how to")
    assert "None" not in _menu_titles(page)
    assert set(GUIDES.values()) <= set(_menu_titles(page))


def test_a_renamed_page_is_renamed_in_every_menu(preview, new_page):
    page = new_page()
    preview.edit("docs/guidance/third.md", f"title: {GUIDES['third']}", "title: Lockdown drills")
    preview.open(page, "action-cards/run-hide-tell/", "Lockdown drills")
    titles = _menu_titles(page)
    assert "Lockdown drills" in titles and GUIDES["third"] not in titles, titles
    preview.edit("docs/guidance/third.md", "title: Lockdown drills", f"title: {GUIDES['third']}")
    preview.open(page, "action-cards/run-hide-tell/", GUIDES["third"])


def test_a_link_broken_while_the_preview_runs_is_on_the_problems_page_until_fixed(preview, new_page):
    page = new_page()
    path = "docs/guidance/third.md"
    preview.edit(path, "## Plan", "See [the act](martyns-law-act.md).\n\n## Plan")
    response = preview.open(page, "guidance/second/", "problems to fix")
    assert response is not None and response.status == 503
    items = page.locator("main ol li").all_inner_texts()
    assert items == ["docs/guidance/third.md, line 14\nExpected a link to a page that exists "
                     "(docs/guidance/martyns-law-act.md does not exist). Found 'martyns-law-act.md'."], items
    # In the terminal too, as `protectpress check` words it; never MkDocs' own warning about the same link.
    terminal = preview.terminal()
    assert ("error: docs/guidance/third.md:14: expected a link to a page that exists "
            "(docs/guidance/martyns-law-act.md does not exist), found 'martyns-law-act.md'") in terminal
    assert "target is not found among documentation files" not in terminal

    preview.edit(path, "(martyns-law-act.md)", "(lockdown.md)")
    page.wait_for_function("() => !document.title.includes('problems to fix')", timeout=60_000)
    page.wait_for_load_state("load")
    assert "Second guide to lockdown" in page.locator("h1").inner_text()


def test_a_scheduled_page_and_a_draft_say_so_in_a_banner(preview, new_page, axe_source):
    page = new_page()
    preview.open(page, "guidance/coming-soon/", "Coming soon")
    banner = page.locator(".pp-preview-status")
    assert banner.is_visible()
    assert banner.inner_text() == "Scheduled: goes live at 9am on 10 December 2099"
    violations = run_axe(page, axe_source)
    assert not [v for v in violations if any(".pp-preview-status" in str(n.get("target")) for n in v["nodes"])], \
        describe_violations(violations)
    assert "DRAFT" not in page.locator("body").inner_text()  # MkDocs' own unstyled marker is gone
    preview.open(page, "guidance/draft-plan/", "Draft plan")
    assert page.locator(".pp-preview-status").inner_text() == "Draft: not published"
    assert "DRAFT" not in page.locator("body").inner_text()
    preview.open(page, "guidance/lockdown/", "Dynamic lockdown")
    assert page.locator(".pp-preview-status").count() == 0  # a published page has no banner


def test_a_heading_renamed_breaks_a_link_to_it_from_a_page_not_saved(preview, new_page):
    """The preview re-checks only what a save can have broken; renaming a heading can break a link in another
    page that was not saved, and that page's link is still reported."""
    page = new_page()
    preview.edit("docs/guidance/second.md", "## Plan", "See [the plan](third.md#plan).\n\n## Plan")
    preview.open(page, "guidance/second/", "the plan")
    preview.edit("docs/guidance/third.md", "## Plan", "## Planning")
    response = preview.open(page, "guidance/lockdown/", "problems to fix")
    assert response is not None and response.status == 503
    assert page.locator("main ol li").all_inner_texts() == [
        "docs/guidance/second.md, line 14\nExpected a link to a heading or id that exists on guidance/third/. "
        "Found '../third/#plan'."]
    preview.edit("docs/guidance/third.md", "## Planning", "## Plan")
    preview.open(page, "guidance/lockdown/", "Dynamic lockdown")


def test_the_terminal_shows_no_favicon_404(preview, new_page):
    """Last in the module: Chromium has shown the problems page (which names no icon of the site's) and pages
    by now; a browser asks for /favicon.ico on its own, and the preview answers it with no content."""
    page = new_page()
    for path in ("", "guidance/lockdown/"):
        preview.open(page, path, "</html>")
    assert _status(preview.url + "favicon.ico") == 204
    assert "favicon" not in preview.terminal()
    assert "code 404" not in preview.terminal()
