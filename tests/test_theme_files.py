"""The theme's files are listed without walking hidden folders (mkdocs_plugins/theme_files.py), and MkDocs copies
exactly the files it copied with its own listing: the theme's assets, ours in overrides/, and nothing hidden."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from protectpress.mkdocs_plugins import theme_files
from support import FIXTURES, REPO, copy_project, run_in_process


def theme_files_added(config) -> list[tuple[str, str]]:
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return [(file.src_uri, file.abs_src_path) for file in files]


@pytest.fixture
def project(tmp_path) -> Path:
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    # What a comms officer or an editor could leave in overrides/: hidden files and folders are never published.
    (project / "overrides/.drafts").mkdir()
    (project / "overrides/.drafts/old.css").write_text("p{}", encoding="utf-8")
    (project / "overrides/assets/.notes.txt").parent.mkdir(parents=True, exist_ok=True)
    (project / "overrides/assets/.notes.txt").write_text("private", encoding="utf-8")
    (project / "overrides/assets/extra.css").write_text("p{}", encoding="utf-8")
    return project


@pytest.mark.parametrize("where", ["example", "fixture"])
def test_the_files_mkdocs_adds_from_the_theme_are_the_same_as_with_its_own_listing(where, project, monkeypatch):
    folder = REPO if where == "example" else project
    monkeypatch.chdir(folder)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    stock = load_config(str(folder / "mkdocs.yml"))
    lean = load_config(str(folder / "mkdocs.yml"))
    theme_files.list_theme_files_without_hidden_folders(lean.theme)
    assert isinstance(lean.theme.get_env().loader, theme_files.ThemeLoader)
    added = theme_files_added(lean)
    assert added == theme_files_added(stock)
    uris = {uri for uri, _ in added}
    assert any(uri.startswith("assets/javascripts/bundle.") for uri in uris)  # Material's own script
    assert not any(part.startswith(".") for uri in uris for part in uri.split("/"))
    if where == "fixture":
        assert "assets/extra.css" in uris


def test_templates_in_hidden_folders_still_load_by_name():
    config = load_config(str(REPO / "mkdocs.yml"))
    theme_files.list_theme_files_without_hidden_folders(config.theme)
    env = config.theme.get_env()
    assert env.get_template(".icons/material/magnify.svg").render().startswith("<svg")
    assert not any(name.startswith(".icons/") for name in env.loader.list_templates())


def test_a_real_build_lists_the_theme_with_the_lean_loader_once(project, monkeypatch):
    # If MkDocs stopped making the environment after the plugins' on_config, or made another loader, the lean
    # listing would silently go: this fails instead.
    listed = []
    lean_listing = theme_files.ThemeLoader.list_templates
    monkeypatch.setattr(theme_files.ThemeLoader, "list_templates",
                        lambda self: listed.append(1) or lean_listing(self))
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    assert listed == [1]
    assert (project / "site/assets/extra.css").is_file()
    assert not (project / "site/assets/.notes.txt").exists() and not (project / "site/.drafts").exists()
    assert not any(name.startswith(".") for _, folders, files in os.walk(project / "site") for name in folders + files)
