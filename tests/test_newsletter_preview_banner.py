"""A newsletter's web version in the preview says whether it is live, in the banner every page has: a draft
issue showed MkDocs' own unstyled "DRAFT" word in its text instead (found in a first-time officer's trial)."""

from __future__ import annotations

from mkdocs.commands.build import build
from mkdocs.config import load_config

from protectpress.mkdocs_plugins.search import wait_for_preview_index
from support import FIXTURES, copy_project


def test_a_draft_web_version_has_the_banner_and_not_mkdocs_marker(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    site = tmp_path / "preview"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1:8000/")
    try:
        draft = (site / "newsletters" / "2024-02-spring-draft" / "index.html").read_text(encoding="utf-8")
        live = (site / "newsletters" / "2024-01-winter-update" / "index.html").read_text(encoding="utf-8")
        assert 'class="pp-preview-status pp-preview-status--draft"' in draft
        assert "<strong>Draft:</strong> not published" in draft
        assert "mkdocs-draft-marker" not in draft
        assert "pp-preview-status" not in live and "mkdocs-draft-marker" not in live
    finally:
        # The preview indexes search in the background: done before pytest removes tmp_path.
        assert wait_for_preview_index(site, timeout=120)
