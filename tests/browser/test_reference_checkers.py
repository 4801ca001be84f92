"""Outside judges of the built example site: Lighthouse (accessibility, best practices, SEO) on four
representative pages, and the Nu Html Checker over every built page, each run once.

Both come from npm, pinned, into the venv as `make test` installs them (see the Makefile); the Nu Html Checker
runs on Debian's Java. Like the rest of the browser gate they skip when missing on a developer's machine and
fail when PROTECTPRESS_REQUIRE_BROWSER is set (CI).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CHROMIUM, skip_or_fail

pytestmark = pytest.mark.long

HERE = Path(__file__).resolve().parent
LIGHTHOUSE_VERSION = "12.2.3"  # the Makefile's LIGHTHOUSE_VERSION
LIGHTHOUSE = Path(os.environ.get("PROTECTPRESS_LIGHTHOUSE", Path(sys.prefix) / "lighthouse"))
VNU_JAR = Path(os.environ.get("PROTECTPRESS_VNU_JAR", Path(sys.prefix) / "vnu" / "node_modules" / "vnu-jar" /
                              "build" / "dist" / "vnu.jar"))
LIGHTHOUSE_PAGE_KINDS = ("home", "guidance", "action card", "topic page")
# Lighthouse's mobile performance score (default settings: a mid-range phone on slow 4G, simulated) of one run a
# page, or the median of three when the first run falls below it (tests/browser/lighthouse_pages.mjs): the floor
# issue 25 set for these four pages.
PERFORMANCE_FLOOR = 0.98
# A page loads in well under a second; Lighthouse's own work is most of a run (five to ten seconds): four pages,
# one run each on a quiet machine, three for a page below the floor, take half a minute to two minutes.
LIGHTHOUSE_TIMEOUT_SECONDS = 600
VNU_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class AcceptedError:
    """Markup we publish but do not write, and why; matched by message and the markup around it."""

    message: re.Pattern[str]
    extract: re.Pattern[str]
    why: str
    files: re.Pattern[str] = re.compile(r".*")


# The one list of the Nu Html Checker errors we accept (the README's "Reference checkers" repeats it): every
# one is markup Material's own templates write, which we do not override, or the email client markup of the
# newsletter's email preview, which is an email and not a web page.
VNU_EXCEPTIONS = (
    AcceptedError(re.compile(r"^Attribute “autocomplete” is only allowed when the input type is"),
               re.compile(r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox"'),
               "Material's base.html (and our lean copy) writes autocomplete=\"off\" on its drawer and search toggles "
               "(checkboxes) "
               "so that Firefox does not restore them open on a reload."),
    AcceptedError(re.compile(r"obsolete|^Attribute “(vertical-align|xmlns:[vo])” not allowed|"
                          r"^CSS: “(mso-[a-z-]+|supported-color-schemes)”|"
                          r"^The “role” attribute must not be used on a “td” element"),
               re.compile(r".*", re.S),
               "The newsletter's email.html is the email itself, shown as sent: MJML writes table layout "
               "attributes and Outlook-only CSS that email clients need and HTML for the web calls obsolete.",
               files=re.compile(r"(^|/)newsletters/[^/]+/email\.html$")),
)


# Lighthouse's performance score counts the page's CPU time: under `make test`'s two workers another test's build
# would take the CPU from it, so it runs alone. (Checked again with the runs of all four categories: on a machine
# loaded 12 to 16, one set of runs in three had two pages below 0.98: home's median 0.97, a guidance page's 0.93, 0.97.
# And on a 2-core machine loaded 7 to 10 by other suites, with and without the weight-0 audits: 3 runs of a page in 16
# scored 0.80, 0.83 and 0.93, enough for a median of three to fail about one set of four pages in three.)
@pytest.mark.alone
@pytest.mark.timeout(LIGHTHOUSE_TIMEOUT_SECONDS + 60)  # its own limit, not the suite's 300 s
def test_lighthouse_scores_100_for_accessibility_best_practices_and_seo_and_98_for_speed(site_url, page_kind):
    script = LIGHTHOUSE / "node_modules" / "lighthouse" / "package.json"
    node = shutil.which("node")
    if node is None or not script.is_file() or not CHROMIUM.is_file():
        skip_or_fail(f"Lighthouse needs node, Chromium and {script}: `make test` installs it with npm")
    urls = [site_url + page_kind(name).path for name in LIGHTHOUSE_PAGE_KINDS]
    done = subprocess.run([node, str(HERE / "lighthouse_pages.mjs"), str(LIGHTHOUSE), str(PERFORMANCE_FLOOR), *urls],
                          capture_output=True, text=True, timeout=LIGHTHOUSE_TIMEOUT_SECONDS,
                          env={**os.environ, "CHROME_PATH": str(CHROMIUM)})
    assert done.returncode == 0, f"Lighthouse failed:\n{done.stderr[-3000:]}"
    report = json.loads(done.stdout)
    assert sorted(report) == sorted(urls)
    below = []
    for url, result in report.items():
        assert result["version"] == LIGHTHOUSE_VERSION, result["version"]
        runs = result["runs"]
        # Once a page, three times for a page whose first run fell below the floor.
        assert len(runs) == (1 if runs[0] >= PERFORMANCE_FLOOR else 3), runs
        scores = dict(result["scores"])
        performance = scores.pop("performance")
        assert set(scores) == {"accessibility", "best-practices", "seo"}, scores
        if any(score != 1 for score in scores.values()) or performance < PERFORMANCE_FLOOR:
            below.append(f"{url}: {scores}, performance {performance} (runs {result['runs']}; {result['metrics']}); "
                         f"failing audits: {result['failed']}")
    assert not below, "\n".join(below)


def test_nu_html_checker_finds_no_errors_in_any_built_page_but_the_listed_exceptions(example_site):
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        skip_or_fail(f"the Nu Html Checker needs Java (apt-get install default-jre-headless) and {VNU_JAR}: "
                     "`make test` installs it with npm")
    # One Java start for every page. -XX:TieredStopAtLevel=1: the quick compiler only, as for any short run; the
    # optimising one cost more CPU compiling than it saved in a run this short (10.8 s of CPU against 4.7 s, and
    # the same messages).
    done = subprocess.run([java, "-XX:TieredStopAtLevel=1", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json",
                           "--skip-non-html", str(example_site)],
                          capture_output=True, text=True, timeout=VNU_TIMEOUT_SECONDS)
    # It reports on stderr and exits 1 when it found any error, excepted or not.
    messages = json.loads(done.stderr)["messages"]
    checked = {m["url"] for m in messages}
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    unexpected, used = [], set()
    for error in errors:
        path = error.get("url", "").split(f"{example_site}/")[-1]  # vnu writes file:/tmp/..., not file:///
        matched = [e for e in VNU_EXCEPTIONS if e.files.search(path) and e.message.search(error["message"])
                   and e.extract.search(error.get("extract", ""))]
        if matched:
            used.add(matched[0].why)
        else:
            near = error.get("extract", "")
            unexpected.append(f"{path}:{error.get('lastLine')}: {error['message']} near {near!r}")
    assert not unexpected, f"{len(unexpected)} errors:\n" + "\n".join(unexpected[:40])
    # An exception nothing needs any more is taken out of the list (and the README), not kept "just in case".
    assert used == {e.why for e in VNU_EXCEPTIONS}, "unused: " + "; ".join({e.why for e in VNU_EXCEPTIONS} - used)
    assert checked, "the Nu Html Checker reported on no page at all"
