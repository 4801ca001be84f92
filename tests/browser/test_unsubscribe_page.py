"""The unsubscribe page in a real browser: no WCAG violation, the inline style allowed by the strict policy,
and the button works by keyboard with JavaScript switched off (the page needs none)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import waitress
from browser_checks import describe_violations, run_axe

from protectpress.core.foundation.tokens import Keyring
from protectpress.unsubscribe import create_app

SECRET = "browser-secret-" + "b" * 32


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> Iterator[tuple[str, object]]:
    store = Path(tmp_path_factory.mktemp("unsubscribe-page")) / "unsubscribes.sqlite"
    app = create_app(store, {"PROTECTPRESS_UNSUBSCRIBE_SECRET": SECRET,
                             "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": "t" * 40})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}/unsubscribe/", app
    server.close()


def test_the_page_has_no_wcag_violations_and_its_style_is_allowed(service, new_page, axe_source):
    base, _ = service
    link = base + "?t=" + Keyring(SECRET).sign("reader@example.org", "2023-03-news")
    page = new_page(bypass_csp=True)  # axe is injected as a script, which the page's own policy rightly forbids
    page.goto(link)
    violations = run_axe(page, axe_source)
    assert not violations, describe_violations(violations)
    strict = new_page()
    refused: list[str] = []
    strict.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
              else None)
    strict.goto(link)
    colour = strict.locator("button").evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour == "rgb(26, 79, 139)" and not refused  # the hashed style applied; nothing refused


def test_the_button_works_by_keyboard_without_javascript(service, new_page):
    base, app = service
    link = base + "?t=" + Keyring(SECRET).sign("keyboard@example.org", "2023-03-news")
    page = new_page(java_script_enabled=False)
    page.goto(link)
    assert "keyboard@example.org" not in [e["address"] for e in app.store.since(0, 100)]  # opening changed nothing
    button = page.get_by_role("button", name="Unsubscribe keyboard@example.org")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert [e["address"] for e in app.store.since(0, 100)].count("keyboard@example.org") == 1
