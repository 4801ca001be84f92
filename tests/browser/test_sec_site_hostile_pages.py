"""Issue 11, item 2, in a real browser: hostile front matter runs no script on any kind of page.

The hostile build (tests/hostile_site.py) puts payloads in titles, summaries, a subtitle, image alt text, a
topic label and a newsletter's subject and preheader; each payload would set `window.__pwned` and open an
alert. Chromium loads one page of every kind, the newsletter's email and the breadcrumbs/tabs/footer
templates that the build turns on, and must open no dialog and leave `window.__pwned` undefined.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import open_path
from page_kinds import PAGE_KIND_NAMES, discover_page_kinds

from hostile_site import build_hostile_site


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("sec-site-browser") / "project")


def test_no_injected_script_runs_on_any_page_kind(hostile_site, serve_site, new_page):
    kinds = discover_page_kinds(hostile_site)
    assert sorted(kinds) == sorted(PAGE_KIND_NAMES)
    paths = {kind.name: kind.path for kind in kinds.values()}
    paths["guidance page with the hostile title"] = "guidance/martyns-law/"
    paths["newsletter email"] = kinds["newsletter web version"].path + "email.html"
    site_url = serve_site(hostile_site)
    page = new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    ran: dict[str, object] = {}
    for name, path in paths.items():
        open_path(page, site_url, path)
        page.wait_for_timeout(50)  # a <details ontoggle> fires just after parsing
        pwned = page.evaluate("window.__pwned")
        if pwned is not None or dialogs:
            ran[name] = (pwned, list(dialogs))
        dialogs.clear()
    assert not ran, f"injected script ran on: {ran}"
    # The payloads are on the pages as text, so the absence of script is not an absence of payload.
    open_path(page, site_url, "guidance/martyns-law/")
    assert "window.__pwned=1" in page.inner_text("h1")
