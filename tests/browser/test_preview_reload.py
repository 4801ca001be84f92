"""The preview's problems page in a real browser: it answers 503 (the page cannot be shown until the fix is
saved), and still swaps itself for the fixed page when the author saves the fix, with no click."""

from __future__ import annotations

import urllib.error
import urllib.request

from support import FIXTURES, PROTECTPRESS, copy_project, free_port, running, wait_until

PAGE = "docs/guidance/lockdown.md"


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # answering, if with the problems page
    except OSError:
        return False


def test_the_problems_page_is_a_503_that_turns_into_the_fixed_page_by_itself(tmp_path, new_page):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    port = free_port()
    url = f"http://127.0.0.1:{port}/guidance/lockdown/"
    with running([*PROTECTPRESS, "serve", "--port", str(port)], cwd=project, port=port, log=tmp_path / "serve.log",
                 ready=lambda _: _up(url)) as server:
        source = project / PAGE
        good = source.read_text(encoding="utf-8")
        source.write_text(good.replace("date: 2024-01-05", "date: 2024-02-30"), encoding="utf-8")
        page = new_page()

        def problems_answered() -> bool:
            # Asked outside the browser: a tab's title can change under a test (a page answered before the
            # rebuild ended reloads itself when it ends), an answer cannot.
            try:
                with urllib.request.urlopen(url, timeout=5):
                    return False
            except urllib.error.HTTPError as error:
                return error.code == 503 and b"problems to fix" in error.read()

        wait_until(problems_answered, seconds=60, step=0.2, what="the problems page answering")
        response = page.goto(url, wait_until="load")  # the problems stay until the fix is saved
        assert response is not None and response.status == 503
        assert page.locator("h1").inner_text() == "The preview has problems to fix"

        source.write_text(good, encoding="utf-8")  # the author saves the fix; nobody touches the browser
        page.wait_for_function("() => !document.title.includes('problems to fix')", timeout=60_000)
        page.wait_for_load_state("load")
        assert "Dynamic lockdown" in page.locator("h1").inner_text()
    output = server.output()
    assert "Traceback" not in output, output
