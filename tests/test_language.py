"""The site's language is stated once, as mkdocs.yml's `theme.language`, and every output declares it: pages,
feeds, the newsletter email and the redirect pages. A project in another language gets no en-GB anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from protectpress.core.foundation.config import DEFAULT_LANGUAGE, load_settings
from protectpress.core.foundation.problems import Problems
from protectpress.core.newsletter import render_newsletter
from support import FIXTURES, copy_project, run_protectpress

LANGUAGE = "fr"  # one Material ships, so the theme's own words change too


@pytest.fixture(scope="module")
def french(tmp_path_factory) -> Path:
    """newsletter-basic with `theme.language: fr` and one moved page, built once."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("language") / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en-GB", f"language: {LANGUAGE}"),
                      encoding="utf-8")
    page = project / "docs" / "guidance" / "lockdown.md"
    page.write_text(page.read_text(encoding="utf-8").replace("sectors: [all]\n",
                                                             "sectors: [all]\nredirect_from: [/old-lockdown/]\n"),
                    encoding="utf-8")
    result = run_protectpress("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_settings_read_the_theme_language_and_default_to_british_english(french, tmp_path):
    assert load_settings(french / "mkdocs.yml").language == LANGUAGE
    unset = copy_project(FIXTURES / "newsletter-basic", tmp_path / "unset")
    config = unset / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: en-GB\n", ""), encoding="utf-8")
    assert load_settings(config).language == DEFAULT_LANGUAGE == "en-GB"


def test_pages_declare_the_language(french):
    page = (french / "site" / "guidance" / "lockdown" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="fr"', page)
    assert '<meta property="og:locale" content="fr">' in page


def test_feeds_declare_the_language(french):
    rss = feedparser.parse((french / "site" / "feeds" / "rss.xml").read_bytes())
    assert rss.feed.get("language") == LANGUAGE
    document = json.loads((french / "site" / "feeds" / "feed.json").read_text(encoding="utf-8"))
    assert document["language"] == LANGUAGE


def test_redirect_pages_declare_the_language(french):
    moved = (french / "site" / "old-lockdown" / "index.html").read_text(encoding="utf-8")
    assert moved.startswith('<!doctype html>\n<html lang="fr">')


def test_the_email_declares_the_language_and_its_rule_expects_it(french):
    problems = Problems()
    rendered = render_newsletter(load_settings(french / "mkdocs.yml"), "2024-01-winter-update", problems)
    assert rendered is not None, problems.report()  # the language rule would stop it if it still wanted en-GB
    assert '<html lang="fr" dir="ltr"' in rendered.html
    assert 'role="article" lang="fr" dir="ltr"' in rendered.html
    assert "en-GB" not in rendered.html
