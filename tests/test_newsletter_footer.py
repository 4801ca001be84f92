"""The footer's privacy link must point at a real page: a missing one would be broken in every inbox."""

from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.problems import Problems
from protectpress.core.newsletter.render import render_newsletter
from support import FIXTURES, copy_project


def render_with_privacy_page(tmp_path, privacy_page):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    if privacy_page is not None:
        config.write_text(config.read_text(encoding="utf-8").replace(
            "      newsletter:\n", f"      newsletter:\n        privacy_page: {privacy_page}\n"), encoding="utf-8")
    problems = Problems()
    rendered = render_newsletter(load_settings(config), "2024-01-winter-update", problems)
    return rendered, [str(p) for p in problems.errors]


def test_a_missing_privacy_page_is_an_error_naming_the_setting(tmp_path):
    rendered, errors = render_with_privacy_page(tmp_path, "policies/privacy.md")
    assert rendered is None
    assert errors == ["newsletters/2024-01-winter-update.md: footer: expected the privacy notice the footer links "
                      "to to be a page of the site (set newsletter.privacy_page in mkdocs.yml), "
                      "found 'policies/privacy.md'"]


def test_the_default_privacy_page_renders_into_the_footer(tmp_path):
    rendered, errors = render_with_privacy_page(tmp_path, None)
    assert errors == []
    assert 'href="https://news.example.org/privacy/"' in rendered.html
