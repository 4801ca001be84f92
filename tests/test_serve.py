"""`protectpress serve` as comms staff use it: a real preview server on a free port, driven over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from support import FIXTURES, PROTECTPRESS, copy_project, free_port, run_protectpress

PAGE = "docs/guidance/lockdown.md"


def fetch(url: str) -> str:
    return fetch_with_status(url)[1]


def fetch_with_status(url: str) -> tuple[int, str]:
    """The HTTP status and the body, also for an error status (the problems page answers 503)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8")


def wait_for(condition, timeout: float, step: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("serve") / "project")
    port = free_port()
    process = subprocess.Popen([*PROTECTPRESS, "serve", "--port", str(port)], cwd=project,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"

    def up():
        try:
            return fetch(url)
        except OSError:
            return None

    try:
        assert wait_for(up, 120, 0.2), "the preview did not start"
        yield project, url, port
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
        assert "Traceback" not in output, output
    assert not (project / "site").exists(), "the preview never writes site/"


def test_a_broken_page_shows_the_problems_page_at_once_and_the_page_again_when_fixed(preview):
    project, url, _ = preview
    page = project / PAGE
    good = page.read_text(encoding="utf-8")
    page.write_text(good.replace("date: 2024-01-05", "date: 2024-02-30"), encoding="utf-8")
    assert good != page.read_text(encoding="utf-8")
    started = time.monotonic()
    shown = wait_for(lambda: (body := fetch(url + "guidance/lockdown/")) and "problems to fix" in body and body, 2.0)
    assert shown, f"no problems page within 2 seconds ({time.monotonic() - started:.1f}s)"
    assert "<strong>docs/guidance/lockdown.md</strong>, line 5" in shown
    assert "Expected a date like 2023-03-30 (a real day of the year). Found &#39;2024-02-30&#39;." in shown
    assert "/livereload/" in shown  # the page reloads itself when the problem is fixed
    assert "problems to fix" in fetch(url)  # every page, not just the broken one
    # It stands in for a page that cannot be shown until the fix is saved: 503, so that a link checker or a
    # script fetching the preview is not told the page is fine.
    assert fetch_with_status(url + "guidance/lockdown/")[0] == 503
    assert fetch_with_status(url)[0] == 503
    page.write_text(good, encoding="utf-8")
    fixed = wait_for(lambda: "problems to fix" not in (body := fetch(url + "guidance/lockdown/")) and body, 60)
    assert fixed and "Dynamic lockdown" in fixed
    status, body = fetch_with_status(url + "guidance/lockdown/")
    assert status == 200 and "Dynamic lockdown" in body


def test_newsletter_emails_in_the_preview_point_at_the_preview_server(preview):
    _, url, _ = preview
    email = wait_for(
        lambda: "problems to fix" not in (body := fetch(url + "newsletters/2024-01-winter-update/email.html")) and body,
        60,
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
    project, _, port = preview
    result = run_protectpress("serve", "--port", str(port), cwd=project, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Port {port} is already in use")
    suggested = int(re.search(r"Try: protectpress serve --port (\d+)$", lines[0]).group(1))
    # The next free one: every port between is taken, and the suggested one can be had.
    assert suggested > port and all(not _can_listen(taken) for taken in range(port + 1, suggested))
    assert _can_listen(suggested)
    assert "Traceback" not in result.stderr


def test_the_preview_shows_staff_the_facts_the_public_site_leaves_out(preview):
    # The kind of page (and a review date, where a page has one) are for staff: the preview keeps them
    # (partials/pp-page-facts.html, `pp_staff`); tests/test_public_service.py checks the built site has none.
    _, url, _ = preview
    page = wait_for(lambda: "problems to fix" not in (body := fetch(url + "guidance/lockdown/")) and body, 60)
    assert re.search(r'<span class="pp-facts__item pp-facts__item--staff">Type: Guidance</span>', page)
