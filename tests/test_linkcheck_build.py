"""The link check inside real builds: a fixture with every kind of broken link fails with exact messages naming the
Markdown page or newsletter, and the example site's pages, feeds and emails all pass."""

from __future__ import annotations

from protectpress.core.checks.linkcheck import check_site_links
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.problems import Problems
from support import REPO, repair_hardening_links, run_in_process


def test_broken_links_anchors_and_images_fail_the_build_naming_the_source(fixture_project):
    project = fixture_project("hardening-links")
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("error:")]
    assert errors == [
        "error: docs/index.md:8: expected a link to a page that exists (docs/guidance/evacuation.md does not "
        "exist), found 'guidance/evacuation.md'",
        "error: docs/index.md:10: expected a link to a heading or id that exists on guidance/lockdown/, found "
        "'guidance/lockdown/#no-such-heading'",
        "error: docs/index.md:10: expected a link to a heading or id that exists on the home page, found "
        "'#nowhere-on-this-page'",
        "error: docs/index.md:12: expected an image that exists (docs/assets/floor-plan.png does not exist), "
        "found 'assets/floor-plan.png'",
        "error: newsletters/2024-01-links.md:11: expected a link to a heading or id that exists on guidance/lockdown/, "
        "found '../../guidance/lockdown/#the-missing-plan'",
    ]
    assert "5 errors to fix.\nThe build stopped; site/ was left as it was." in result.stderr
    assert not (project / "site").exists(), "a failed build must not leave a site behind"


def test_fixing_the_links_makes_the_fixture_build(fixture_project):
    project = fixture_project("hardening-links")
    repair_hardening_links(project)
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "newsletters" / "2024-01-links" / "email.html").is_file()


def test_the_example_site_passes_in_every_channel(example_site):
    settings = load_settings(REPO / "mkdocs.yml")
    problems = Problems()
    report = check_site_links(example_site, settings.links, {}, problems)
    assert [str(p) for p in problems] == []
    channels = {path.relative_to(example_site).parts[0] for path in example_site.rglob("*.xml")} | {
        "newsletters" for _ in example_site.glob("newsletters/*/email.html")}
    assert {"feeds", "newsletters"} <= channels, "the example site must have feeds and emails to check"
    assert report.files > 100 and report.links > 5000


def test_topic_and_sector_indexes_link_without_relative_to_docs(fixture_project):
    """Regression: the generated topic and sector indexes linked `/topics/x.md`, which MkDocs resolves only
    with `validation.absolute_links: relative_to_docs`; without it, every index link was broken."""
    project = fixture_project("hardening-published")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("validation:\n  absolute_links: relative_to_docs\n", ""), encoding="utf-8")
    assert "relative_to_docs" not in config.read_text(encoding="utf-8")
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    index = (project / "site" / "topics" / "index.html").read_text(encoding="utf-8")
    assert 'href="lockdown/"' in index
