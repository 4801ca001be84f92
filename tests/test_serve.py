"""`protectpress serve` as comms staff use it: a real preview server on a free port, driven over HTTP."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import NamedTuple

import pytest

from support import (
    FIXTURES,
    PROTECTPRESS,
    Service,
    copy_project,
    free_port,
    http_answer,
    run_protectpress,
    running,
    wait_until,
)

PAGE = "docs/guidance/lockdown.md"


def fetch(url: str) -> str:
    return fetch_with_status(url)[1]


fetch_with_status = http_answer  # the problems page answers 503


def wait_for(condition, timeout: float, what: str):
    return wait_until(condition, seconds=timeout, what=what)


class Preview(NamedTuple):
    project: Path
    url: str
    port: int
    service: Service


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("serve")
    project = copy_project(FIXTURES / "newsletter-basic", root / "project")
    port = free_port()
    temporary = root / "tmp"  # the preview builds into a folder of its own in here
    temporary.mkdir()
    with running([*PROTECTPRESS, "serve", "--port", str(port)], cwd=project, port=port, log=root / "serve.log",
                 ready=lambda service: fetch(service.url), env={"TMPDIR": str(temporary)}) as service:
        assert len(list(temporary.glob("protectpress-preview-*"))) == 1
        yield Preview(project, service.url, service.port, service)
    assert "Traceback" not in service.output(), service.output()
    assert not (project / "site").exists(), "the preview never writes site/"
    # `running` stops it with SIGTERM, as `kill` or a service manager does: it stops as on Ctrl+C, and cleans up.
    assert service.process.returncode == 0 and "Stopped the preview." in service.output(), service.output()
    assert not list(temporary.iterdir())  # its build folder and the generated pages' files


def test_a_broken_page_shows_the_problems_page_at_once_and_the_page_again_when_fixed(preview):
    page = preview.project / PAGE
    good = page.read_text(encoding="utf-8")
    printed_before = len(preview.service.output())
    page.write_text(good.replace("date: 2024-01-05", "date: 2024-02-30"), encoding="utf-8")
    try:
        _shows_the_problem_then_the_fixed_page(preview, page, good, printed_before)
    finally:
        # The other tests of this module share the preview: a failure here must not leave them a broken page.
        if page.read_text(encoding="utf-8") != good:
            page.write_text(good, encoding="utf-8")


def _shows_the_problem_then_the_fixed_page(preview: Preview, page: Path, good: str, printed_before: int) -> None:
    url = preview.url
    assert good != page.read_text(encoding="utf-8")
    shown = wait_for(lambda: (body := fetch(url + "guidance/lockdown/")) and "problems to fix" in body and body, 60,
                     "the problems page showing for the broken page")
    # "At once" is proved by what answered, not by a stopwatch on a shared machine: the preview's quick check of
    # the pages (no MkDocs build) found the mistake, and no build ran between the save and the problems page.
    # The server swaps in the problems page a moment before it prints why, so the line is awaited, not assumed.
    said = "The preview shows the problems to fix (1 error to fix)."  # as a whole build's stop counts them
    since_the_save = wait_for(lambda: said in (printed := preview.service.output()[printed_before:]) and printed, 30,
                              "the preview saying it shows the problems")
    assert "Preview updated" not in since_the_save.split("The preview shows the problems to fix")[0], since_the_save
    assert "<strong>docs/guidance/lockdown.md</strong>, line 5" in shown
    assert "Expected a date like 2023-03-30 (a real day of the year). Found &#39;2024-02-30&#39;." in shown
    assert "/livereload/" in shown  # the page reloads itself when the problem is fixed
    assert "problems to fix" in fetch(url)  # every page, not just the broken one
    # It stands in for a page that cannot be shown until the fix is saved: 503, so that a link checker or a
    # script fetching the preview is not told the page is fine.
    assert fetch_with_status(url + "guidance/lockdown/")[0] == 503
    assert fetch_with_status(url)[0] == 503
    page.write_text(good, encoding="utf-8")
    fixed = wait_for(lambda: "problems to fix" not in (body := fetch(url + "guidance/lockdown/")) and body, 60,
                     "the page coming back once fixed")
    assert fixed and "Dynamic lockdown" in fixed
    status, body = fetch_with_status(url + "guidance/lockdown/")
    assert status == 200 and "Dynamic lockdown" in body


def test_newsletter_emails_in_the_preview_point_at_the_preview_server(preview):
    _, url, _, _ = preview
    email = wait_for(
        lambda: "problems to fix" not in (body := fetch(url + "newsletters/2024-01-winter-update/email.html")) and body,
        60, "the newsletter's email in the preview",
    )
    assert f'href="{url}guidance/lockdown/"' in email
    assert "https://news.example.org/" not in email
    web = fetch(url + "newsletters/2024-01-winter-update/")
    assert "https://news.example.org/" not in web


def _can_listen(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_a_busy_port_is_one_plain_line_with_the_next_free_port(preview, tmp_path):
    project, _, port, _ = preview
    result = run_protectpress("serve", "--port", str(port), cwd=project, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Port {port} is already in use")
    found = re.search(r'Try: make serve SERVE_ARGS="--port (\d+)" \(or: protectpress serve --port (\d+)\)$', lines[0])
    assert found is not None and found.group(1) == found.group(2), lines[0]
    suggested = int(found.group(1))
    # The next free one: every port between is taken, and the suggested one can be had.
    assert suggested > port and all(not _can_listen(taken) for taken in range(port + 1, suggested))
    assert _can_listen(suggested)
    assert "Traceback" not in result.stderr


def test_the_preview_shows_staff_the_facts_the_public_site_leaves_out(preview):
    # The kind of page (and a review date, where a page has one) are for staff: the preview keeps them
    # (partials/pp-page-facts.html, `pp_staff`); tests/test_public_service.py checks the built site has none.
    _, url, _, _ = preview
    page = wait_for(lambda: "problems to fix" not in (body := fetch(url + "guidance/lockdown/")) and body, 60,
                    "the page without the problems page")
    assert re.search(r'<span class="pp-facts__item pp-facts__item--staff">Type: Guidance</span>', page)


def test_a_mistake_in_a_draft_names_the_draft_file_in_the_preview(tmp_path):
    """A comms officer's trial: the preview named a draft's broken link at `zz-test/index.html` (a built file,
    no line), and stopped "on an unexpected error" with a fault of ours for a draft's unknown template:."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    (project / "docs" / "draft-links.md").write_text(
        "---\ntitle: Draft with a broken link\ntype: page\ndraft: true\n---\n\nSee [the plan](/guidance/no-plan.md).\n",
        encoding="utf-8")
    templated = project / "docs" / "draft-template.md"
    templated.write_text(
        "---\ntitle: Draft with no such template\ntype: page\ndraft: true\ntemplate: nope.html\n---\n\nHello.\n",
        encoding="utf-8")
    port = free_port()
    with running([*PROTECTPRESS, "serve", "--port", str(port)], cwd=project, port=port, log=tmp_path / "serve.log",
                 ready=lambda service: fetch(service.url)) as service:
        # The unknown template stops the build before the link check, as it does on a published page.
        first = wait_for(lambda: "The preview shows the problems to fix" in (out := service.output()) and out, 60,
                         "the preview listing the draft's template")
        assert ("error: docs/draft-template.md: template: expected a template of the theme or of overrides/, like "
                "main.html, found 'nope.html'") in first, first
        templated.write_text(templated.read_text(encoding="utf-8").replace("template: nope.html\n", ""),
                             encoding="utf-8")
        link = "error: docs/draft-links.md:7: expected a link to a page that exists (docs/guidance/no-plan.md does not"
        printed = wait_for(lambda: link in (out := service.output()) and out, 60, "the draft's broken link")
        shown = fetch(service.url)
    assert "unexpected error" not in printed and "Traceback" not in printed and "index.html" not in printed, printed
    assert "<strong>docs/draft-links.md</strong>, line 7" in shown


def test_the_problems_page_says_more_may_follow_and_where_to_see_them_all():
    # A first-time comms officer fixed the one problem shown and met the next (a broken link, checked only once
    # the pages read) without being told to expect it.
    from protectpress.core.foundation.problems import Problems
    from protectpress.core.site.preview_page import problems_page

    problems = Problems()
    problems.error("docs/guidance/lockdown.md", "expected a date like 2023-03-30", "'2024-02-30'", key="date")
    page = problems_page(problems, None, "en").decode()
    assert "More may show once these are fixed" in page and "<code>make check</code> lists every problem" in page
