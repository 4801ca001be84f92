"""`protectpress check` and `protectpress build` agree: one broken project per mistake, the same problem lines
from both, exactly one line per mistake, in plain words (no traceback, no MkDocs jargon)."""

from __future__ import annotations

import pytest

from support import FIXTURES, copy_project, run_in_process

LOCKDOWN = "docs/guidance/lockdown.md"
LETTER = "newsletters/2024-01-winter-update.md"
CONFIG = "mkdocs.yml"
# (file, text to find, what to put instead), the one mistake each project has, and what its one line says.
MISTAKES = {
    "impossible date in a featured page": (
        (LOCKDOWN, "date: 2024-01-05", "date: 2024-02-30"),
        "error: docs/guidance/lockdown.md:5: date: expected a date like 2023-03-30 (a real day of the year), "
        "found '2024-02-30'"),
    "broken internal link": (
        (LOCKDOWN, "(../action-cards/run-hide-tell.md)", "(../action-cards/run-hide-tel.md)"),
        "error: docs/guidance/lockdown.md:16: expected a link to a page that exists "
        "(docs/action-cards/run-hide-tel.md does not exist; the nearest page is docs/action-cards/run-hide-tell.md), "
        "found '../action-cards/run-hide-tel.md'"),
    "a link climbing out of docs/": (  # a trial: 'guidance/x.md does not exist; the nearest is docs/guidance/x.md'
        (LOCKDOWN, "(../action-cards/run-hide-tell.md)", "(../../action-cards/run-hide-tell.md)"),
        "error: docs/guidance/lockdown.md:16: expected a link to a page that exists (action-cards/run-hide-tell.md "
        "does not exist: the link climbs out of docs/ with too many ../; the nearest page is "
        "docs/action-cards/run-hide-tell.md), found '../../action-cards/run-hide-tell.md'"),
    "missing image": (
        (LOCKDOWN, "## Plan", "![A floor plan](../assets/plan.png)\n\n## Plan"),
        "error: docs/guidance/lockdown.md:14: expected an image that exists (docs/assets/plan.png does not exist), "
        "found '../assets/plan.png'"),
    "image: without a leading slash": (
        (LOCKDOWN, "image: ../assets/lockdown.png", "image: assets/lockdown.png"),
        "error: docs/guidance/lockdown.md:8: image: expected an image path from the docs folder: start it with /, "
        "like /assets/lockdown.png, found 'assets/lockdown.png'"),
    "image without alt text": (
        (LOCKDOWN, "## Plan", "![](../assets/lockdown.png)\n\n## Plan"),
        "error: docs/guidance/lockdown.md:14: expected alt text for every image"),
    "misspelt tag": (
        (LOCKDOWN, "tags: [lockdown]", "tags: [lokdown]"),
        "error: docs/guidance/lockdown.md:6: tags: expected a topic from the vocabulary: did you mean lockdown? "
        "(the topics: lockdown, weapons-attacks), found 'lokdown'"),
    "unquoted colon": (
        (LOCKDOWN, "title: Dynamic lockdown", "title: Dynamic lockdown: what to do"),
        "error: docs/guidance/lockdown.md:2: expected valid YAML front matter: quotes around a value that has a "
        "colon in it"),
    "draft: yes on a page": (
        (LOCKDOWN, "sectors: [all]", "sectors: [all]\ndraft: yes"),
        "error: docs/guidance/lockdown.md:8: draft: expected true or false, found 'yes'"),
    "empty draft on a newsletter": (
        (LETTER, "date: 2024-01-15", "date: 2024-01-15\ndraft:"),
        "error: newsletters/2024-01-winter-update.md:5: draft: expected true or false, found nothing"),
    "newsletter featuring a page that is not there": (
        (LETTER, "- page: guidance/lockdown.md", "- page: guidance/lockdwn.md"),
        "error: newsletters/2024-01-winter-update.md:7: items[1].page: expected a page of the site, as a path "
        "inside docs/ (did you mean guidance/lockdown.md?), found 'guidance/lockdwn.md'"),
    "full: yes on a newsletter item": (  # true to YAML, but refused as a page's draft: yes is (the handbook)
        (LETTER, "    full: true\n  - page: conferences/expo.md", "    full: yes\n  - page: conferences/expo.md"),
        "error: newsletters/2024-01-winter-update.md:9: items[2].full: expected true or false, found 'yes'"),
    "a page's own heading": (
        (LOCKDOWN, "Dynamic lockdown means", "# Lockdown in brief\n\nDynamic lockdown means"),
        "warning: docs/guidance/lockdown.md:12: expected no '# Heading' line of the page's own"),
    "site_url missing": (
        (CONFIG, "site_url: https://news.example.org/\n", ""),
        "protectpress: mkdocs.yml: site_url: expected the site's address like https://example.org/"),
    "feeds.limit 0": (
        (CONFIG, "      newsletter:\n", "      feeds:\n        limit: 0\n      newsletter:\n"),
        "protectpress: mkdocs.yml: plugins.protectpress.feeds.limit: expected a whole number of entries, 1 or more, "
        "found 0"),
    "invalid sender address": (
        (CONFIG, "from_address: news@news.example.org", "from_address: news-at-example"),
        "protectpress: mkdocs.yml: plugins.protectpress.sending.from_address: expected an email address like "
        "news@example.org, found 'news-at-example'"),
}
JARGON = ("Traceback", "BuildError", "Aborted", "Doc file", "mkdocs_", ".site-building-", "protectpress-check-",
          "mapping values", "'dirty'", "PluginError")


def problem_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("error: ", "warning: ", "protectpress: "))]


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_check_and_build_report_the_same_one_line(mistake, tmp_path):
    (file, old, new), expected = MISTAKES[mistake]
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    check = run_in_process("check", cwd=project)
    build = run_in_process("build", cwd=project)
    from_check = problem_lines(check.stdout + check.stderr)
    from_build = problem_lines(build.stderr + build.stdout)
    assert from_check == from_build, (check.stdout + check.stderr, build.stderr)
    assert len(from_check) == 1 and from_check[0].startswith(expected), from_check
    assert not (project / "site").exists() or expected.startswith("warning: ")
    for output in (check.stdout + check.stderr, build.stdout + build.stderr):
        assert not [word for word in JARGON if word in output], output
    if expected.startswith("warning: "):
        assert (check.returncode, build.returncode) == (0, 0)
        assert build.stdout.startswith("Built site/: ")
    else:
        assert check.returncode == build.returncode != 0
    if expected.startswith("error: "):  # and both count it in the same words, full stop and all
        assert "\n1 error to fix.\n" in check.stdout, check.stdout
        assert "\n1 error to fix.\nThe build stopped; site/ was left as it was." in build.stderr, build.stderr
