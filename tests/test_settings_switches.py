"""Settings comms staff switch or fill in: feeds turned off leave no trace of feeds in the site, and wrong sender
settings are named by key, all in one run, before anything is built or sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import FIXTURES, copy_project, run_in_process


def with_plugin_options(project: Path, options: str) -> Path:
    """`options` (YAML indented for the plugin block) added at the top of the project's protectpress block."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - protectpress:\n" in text
    config.write_text(text.replace("  - protectpress:\n", "  - protectpress:\n" + options, 1), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def without_feeds(tmp_path_factory) -> Path:
    project = copy_project(FIXTURES / "site-basic", tmp_path_factory.mktemp("nofeeds") / "project")
    with_plugin_options(project, "      feeds:\n        enabled: false\n")
    result = run_in_process("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Built site/: 12 pages, 0 feeds and 0 newsletters in "), result.stdout
    return project / "site"


def test_feeds_turned_off_write_no_feed_and_no_subscribe_page(without_feeds):
    assert not (without_feeds / "feeds").exists()
    assert not (without_feeds / "subscribe").exists()
    assert sorted(path.name for path in without_feeds.rglob("*.xml")) == ["sitemap.xml"]


def test_feeds_turned_off_leave_no_feed_links_in_pages(without_feeds):
    for page in (without_feeds / "index.html", without_feeds / "guidance" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert "application/rss+xml" not in html and "application/feed+json" not in html, page
        assert "feeds/" not in html, page


def test_check_agrees_that_a_site_without_feeds_is_fine(without_feeds):
    result = run_in_process("check", cwd=without_feeds.parent)
    assert result.returncode == 0, result.stdout + result.stderr


WRONG_SENDER = """      sending:
        from_address: news-at-example
        reply_to: replies@example.org
        return_path: bounces
        unsubscribe_url: "http://example.org/unsubscribe/"
"""


def test_every_wrong_sender_setting_is_named_in_one_run(tmp_path):
    project = with_plugin_options(copy_project(FIXTURES / "site-basic", tmp_path / "project"), WRONG_SENDER)
    result = run_in_process("check", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "protectpress: mkdocs.yml: plugins.protectpress.sending.from_address: expected an email address like "
        "news@example.org, found 'news-at-example'",
        "mkdocs.yml: plugins.protectpress.sending.return_path: expected an email address like news@example.org, "
        "found 'bounces'",
        "mkdocs.yml: plugins.protectpress.sending.unsubscribe_url: expected an https:// address (one-click "
        "unsubscribe needs https; plain http:// only for 127.0.0.1 or localhost), found 'http://example.org/unsubscribe/'",
    ]
    assert not (project / "site").exists()


def test_an_unsubscribe_address_with_the_old_placeholders_is_named(tmp_path):
    options = '      sending:\n        unsubscribe_url: "https://example.org/u?e={email_hash"\n'
    project = with_plugin_options(copy_project(FIXTURES / "site-basic", tmp_path / "project"), options)
    result = run_in_process("build", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "protectpress: mkdocs.yml: plugins.protectpress.sending.unsubscribe_url: expected the address where the "
        "unsubscribe service (protectpress unsubscribe serve) runs, like https://example.org/unsubscribe/, with no "
        "placeholders: each link now carries a signed token, so {email_hash}, {email} and {slug} must go, found "
        "'https://example.org/u?e={email_hash'"]


def test_a_send_without_a_sender_address_is_refused_before_anything_is_written(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("        from_address: news@news.example.org\n", ""),
                      encoding="utf-8")
    result = run_in_process("send", "2024-01-winter-update", "--test", "editor@example.org", cwd=project)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "protectpress: mkdocs.yml: plugins.protectpress.sending.from_address: expected an email address like "
        "news@example.org, found ''"]
    assert "Traceback" not in result.stderr
    assert not (project / "outbox").exists()
