"""Action cards offline, in a real Chromium with a real service worker on a real local HTTP server.

One visit online, then no signal: every action card opens, a page read before shows under the "You are
offline" line, a page never read shows the offline page (with no WCAG violation), and a card changed and
rebuilt replaces the old copy on the next visit online.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_checks import describe_violations, run_axe

from conftest import RevalidatedHandler, serving
from protectpress.core.foundation.frontmatter import split_front_matter
from support import run_in_process

pytestmark = pytest.mark.long

WAIT_FOR_WORKER = """async () => {
  const registration = await navigator.serviceWorker.ready;
  await registration.update();
  // The new worker may already be the active one but still activating (removing the old caches in its
  // activate event): wait for that too, or the caches are read half way through.
  const worker = registration.installing || registration.waiting || registration.active;
  if (worker) {
    await new Promise((resolve) => {
      const check = () => { if (worker.state === "activated") resolve(); };
      worker.addEventListener("statechange", check);
      check();
    });
  }
  return await caches.keys();
}"""


@pytest.fixture(scope="module")
def project(example_site, tmp_path_factory) -> Path:
    """A copy of the example project as the run built it (its site/ and the build's memory with it): the test
    changes a card and builds again, so it needs one of its own, but not a first build of its own."""
    project = tmp_path_factory.mktemp("offline") / "project"
    # Written now, as a build of its own would be (the server also says no-cache: see RevalidatedHandler).
    shutil.copytree(example_site.parent, project, symlinks=True, copy_function=shutil.copy)
    assert (project / "site" / "sw.js").is_file()
    return project


def worker_version(project: Path) -> str:
    match = re.search(r'const VERSION = "([0-9a-f]+)";', (project / "site" / "sw.js").read_text(encoding="utf-8"))
    assert match, "site/sw.js has no version"
    return match.group(1)


def cards(project: Path) -> dict[str, str]:
    """Each action card's address and title, from its source."""
    found = {}
    for source in sorted((project / "docs" / "action-cards").glob("*.md")):
        if source.name != "index.md":
            found[f"action-cards/{source.stem}/"] = split_front_matter(source.read_text(encoding="utf-8")).data["title"]
    assert found, "the example site has no action cards"
    return found


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_cards_open_offline_and_a_changed_card_replaces_the_old_one(project, browser, axe_source):
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script (see conftest.py)
    try:
        page = context.new_page()
        # Revalidated: offline, a page read online must come from the worker's copy (under the offline line), never
        # from the browser's HTTP cache, which a Last-Modified alone kept fresh for a tenth of the files' age: it
        # failed in a clean-clone run where a second passed between the copy and the visits.
        with serving(project / "site", RevalidatedHandler) as site_url:
            page.goto(site_url, wait_until="load")
            assert f"pp-cards-{worker_version(project)}" in page.evaluate(WAIT_FOR_WORKER)
            page.goto(site_url + "guidance/martyns-law/", wait_until="load")  # read once online

            context.set_offline(True)
            for path, title in cards(project).items():
                page.goto(site_url + path, wait_until="load")
                assert heading(page) == title, f"{path} offline"
                assert page.locator(".pp-offline-line").count() == 0, f"{path}: a saved card is current"

            page.goto(site_url + "guidance/martyns-law/", wait_until="load")
            assert heading(page) == "Martyn's Law"
            line = page.locator(".pp-offline-line").inner_text()
            assert re.fullmatch(r"You are offline: this page may be out of date \(last updated \d{1,2} [A-Z][a-z]+ "
                                r"\d{4}\)\.", line), line

            page.goto(site_url + "conferences/", wait_until="load")  # never read online
            assert heading(page) == "You are offline"
            violations = run_axe(page, axe_source)
            assert not violations, describe_violations(violations)

            card = project / "docs" / "action-cards" / "unattended-and-suspicious-items.md"
            card.write_text(card.read_text(encoding="utf-8") + "\nA line added after the first visit.\n",
                            encoding="utf-8")
            result = run_in_process("build", "--quiet", cwd=project)  # a build as any: no new Python for it
            assert result.returncode == 0, result.stdout + result.stderr

            context.set_offline(False)
            page.goto(site_url, wait_until="load")
            keys = page.evaluate(WAIT_FOR_WORKER)
            assert f"pp-cards-{worker_version(project)}" in keys
            assert len([key for key in keys if key.startswith("pp-cards-")]) == 1, keys  # the old copies went

            context.set_offline(True)
            page.goto(site_url + "action-cards/unattended-and-suspicious-items/", wait_until="load")
            assert "A line added after the first visit." in page.locator("article").inner_text()
    finally:
        context.close()
