"""The site's language is stated once, as mkdocs.yml's `theme.language`, and every output declares it: pages,
newsletter web versions, redirect pages, feeds, the newsletter email, the search index, the web app manifest,
the preview's problems page and the unsubscribe and subscriptions services' pages. A site in Welsh says `cy`
everywhere and `en` nowhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest

from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.settings import DEFAULT_LANGUAGE
from protectpress.core.foundation.tokens import Keyring
from protectpress.core.newsletter import render_newsletter_file
from protectpress.core.sending.outbox import Outbox
from protectpress.core.site.preview_page import problems_page
from protectpress.unsubscribe import CONFIG_VARIABLE, create_app
from protectpress.unsubscribe.service import create_subscriptions_app
from support import FIXTURES, copy_project, run_in_process

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages

LANGUAGE = "cy"  # Welsh: one Material ships, so the theme's own words change too
SECRETS = {"PROTECTPRESS_UNSUBSCRIBE_SECRET": "language-secret-" + "l" * 32,
           "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": "language-export-" + "x" * 32}
# Where a document can state a language: an attribute, a feed's or manifest's field, Open Graph's locale, and
# Pagefind's index name. Each value found must be the site's.
STATED_LANGUAGE = re.compile(r"""(?:\b(?:lang|hreflang|xml:lang)=["']|"(?:language|lang)":\s*"|<language>|"""
                             r"""og:locale" content="|"languages":\{")([A-Za-z_-]+)""")


@pytest.fixture(scope="module")
def welsh(tmp_path_factory) -> Path:
    """newsletter-basic with `theme.language: cy`, a subscriptions service (so the Subscribe page has the sign-up
    form) and one moved page, built once."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("language") / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("language: en-GB", f"language: {LANGUAGE}")
    text = text.replace("        unsubscribe_mailto:", "        unsubscribe_url: https://news.example.org/unsubscribe/\n"
                        "        unsubscribe_mailto:")
    config.write_text(text, encoding="utf-8")
    page = project / "docs" / "guidance" / "lockdown.md"
    page.write_text(page.read_text(encoding="utf-8").replace("sectors: [all]\n",
                                                             "sectors: [all]\nredirect_from: [/old-lockdown/]\n"),
                    encoding="utf-8")
    result = run_in_process("build", "--strict", "--quiet", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_settings_read_the_theme_language_and_default_to_british_english(welsh, tmp_path):
    assert load_settings(welsh / "mkdocs.yml").language == LANGUAGE
    unset = copy_project(FIXTURES / "newsletter-basic", tmp_path / "unset")
    config = unset / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  language: en-GB\n", ""), encoding="utf-8")
    assert load_settings(config).language == DEFAULT_LANGUAGE == "en-GB"


def test_pages_declare_the_language(welsh):
    page = (welsh / "site" / "guidance" / "lockdown" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="cy"', page)
    assert '<meta property="og:locale" content="cy">' in page


def test_feeds_declare_the_language(welsh):
    rss = feedparser.parse((welsh / "site" / "feeds" / "rss.xml").read_bytes())
    assert rss.feed.get("language") == LANGUAGE
    document = json.loads((welsh / "site" / "feeds" / "feed.json").read_text(encoding="utf-8"))
    assert document["language"] == LANGUAGE


def test_redirect_pages_declare_the_language(welsh):
    moved = (welsh / "site" / "old-lockdown" / "index.html").read_text(encoding="utf-8")
    assert moved.startswith('<!doctype html>\n<html lang="cy">')


def test_the_email_declares_the_language_and_its_rule_expects_it(welsh):
    problems = Problems()
    rendered = render_newsletter_file(load_settings(welsh / "mkdocs.yml"), "2024-01-winter-update", problems, now=NOW)
    assert rendered is not None, problems.report()  # the language rule would stop it if it still wanted en-GB
    assert '<html lang="cy" dir="ltr"' in rendered.html
    assert 'role="article" lang="cy" dir="ltr"' in rendered.html
    assert "en-GB" not in rendered.html


def test_every_page_the_build_writes_is_in_welsh_and_nothing_says_english(welsh):
    site = welsh / "site"
    pages = sorted(site.rglob("*.html"))
    kinds = {p.relative_to(site).parts[0] for p in pages}
    # Home, guidance, the Subscribe page with its sign-up form, a newsletter's web version and its email, a
    # redirect page, the 404 and offline pages: every kind is among them.
    assert {"index.html", "guidance", "subscribe", "newsletters", "old-lockdown", "404.html", "offline.html"} <= kinds
    assert (site / "newsletters" / "2024-01-winter-update" / "email.html").is_file()
    assert 'id="email-signup"' in (site / "subscribe" / "index.html").read_text(encoding="utf-8")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert re.search(r'<html lang="cy"[ >]', text), page.relative_to(site)
    stated: dict[str, set[str]] = {}
    for file in site.rglob("*"):
        if file.is_file() and file.suffix in {".html", ".xml", ".json", ".webmanifest", ".js"}:
            for found in STATED_LANGUAGE.findall(file.read_text(encoding="utf-8", errors="replace")):
                stated.setdefault(found, set()).add(file.relative_to(site).as_posix())
    assert set(stated) == {LANGUAGE}, {language: sorted(files)[:5] for language, files in stated.items()}


def test_the_search_index_is_in_the_site_language(welsh):
    index = welsh / "site" / "pagefind"
    entry = json.loads((index / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == [LANGUAGE]  # one index, Welsh: Pagefind picks it by the page's lang
    assert [p.name.split("_")[0] for p in index.glob("*.pf_meta")] == [f"pagefind.{LANGUAGE}"]


def test_the_web_app_manifest_is_in_the_site_language(welsh):
    manifest = json.loads((welsh / "site" / "manifest.webmanifest").read_text(encoding="utf-8"))
    assert manifest["lang"] == LANGUAGE


def test_the_preview_problems_page_is_in_the_site_language(welsh):
    problems = Problems()
    problems.error("docs/guidance/lockdown.md", "expected a date like 2023-03-30", "'2024-02-30'", key="date")
    page = problems_page(problems, None, load_settings(welsh / "mkdocs.yml").language).decode()
    assert page.startswith('<!doctype html>\n<html lang="cy">')


def _get(app, path: str, query: str = "") -> str:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "REMOTE_ADDR": "192.0.2.7"}
    answered: list[str] = []
    body = b"".join(app(environ, lambda status, headers: answered.append(status)))
    return body.decode("utf-8")


def test_the_unsubscribe_and_subscriptions_pages_are_in_the_site_language(welsh, tmp_path):
    settings = load_settings(welsh / "mkdocs.yml")
    subscriptions = create_subscriptions_app(settings, str(tmp_path / "store.sqlite"),
                                             Outbox(tmp_path / "outbox", "outbox"), SECRETS)
    unsubscribe = create_app(tmp_path / "unsubscribes.sqlite",
                             {**SECRETS, CONFIG_VARIABLE: str(welsh / "mkdocs.yml")})
    token = Keyring(SECRETS["PROTECTPRESS_UNSUBSCRIBE_SECRET"]).sign("reader@example.org", "2024-01-winter-update")
    pages = {"sign-up": _get(subscriptions, "/unsubscribe/signup"),
             "one-click question": _get(subscriptions, "/unsubscribe/", f"t={token}"),
             "broken link": _get(subscriptions, "/unsubscribe/manage", "t=broken"),
             "unsubscribe service": _get(unsubscribe, "/unsubscribe/", f"t={token}")}
    for name, page in pages.items():
        assert page.startswith('<!doctype html>\n<html lang="cy">'), name
        assert not re.search(r'lang="en', page), name


def test_unsubscribe_serve_takes_the_language_of_the_project_it_is_given(welsh, tmp_path, monkeypatch):
    from protectpress.cli import parser
    from protectpress.cli import unsubscribe as command

    served = []
    monkeypatch.setattr(command, "serve_app", lambda app, *rest: served.append(app) or 0)
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    base = ["unsubscribe", "serve", "--port", "8025", "--store", str(tmp_path / "unsubscribes.sqlite")]
    for extra, language in ((["-f", str(welsh / "mkdocs.yml")], LANGUAGE), (["--language", "ga"], "ga"),
                            ([], DEFAULT_LANGUAGE)):
        args = parser([*base, *extra]).parse_args([*base, *extra])
        assert args.run(args) == 0
        assert served.pop().pages.language == language
