"""The theme's files listed as MkDocs copies them, without walking the theme's hidden folders.

Before every build (and every rebuild of the preview), MkDocs lists every file of every theme folder through the
theme's Jinja loader and then drops, pattern by pattern, what it never copies: hidden files and everything in a
hidden folder ('.*', '*/.*'), templates, Python files and the like (`Files.add_files_from_theme`). Material keeps
its 14,348 icons in the hidden folder `.icons/`, which templates `{% include %}` and nothing copies, so listing
and filtering them was about 55 ms of every build: a third of a small one, and of a preview's rebuild.

The loader here lists the same folders but does not walk into a hidden one. Every file it leaves out is one
MkDocs' own filter drops, so the files MkDocs adds are the same (tests/test_theme_files.py compares them);
loading a template by name (an icon's include) is the stock loader's own code.
"""

from __future__ import annotations

import os

import jinja2
from mkdocs.theme import Theme


class ThemeLoader(jinja2.FileSystemLoader):
    """Jinja's file-system loader whose listing skips hidden folders (only MkDocs' theme-file copy lists)."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                # Named as Jinja's own listing names them: relative to the search path, with forward slashes.
                relative = os.path.relpath(folder, searchpath)
                prefix = "" if relative == os.curdir else relative.replace(os.path.sep, "/") + "/"
                found.update(prefix + name for name in names)
        return sorted(found)


def list_theme_files_without_hidden_folders(theme: Theme) -> None:
    """Give `theme`'s Jinja environments the loader above. MkDocs makes the environment (`Theme.get_env`) after
    the plugins' `on_config` and lists the theme's files from it at once, so the theme's own method is wrapped
    here. Where MkDocs no longer makes a plain file-system loader over the theme's folders, the stock loader is
    kept: slower, never wrong."""
    make_env = theme.get_env
    if getattr(make_env, "lists_without_hidden_folders", False):
        return  # the same theme configured again (a preview's rebuild)

    def get_env() -> jinja2.Environment:
        env = make_env()
        stock = env.loader
        if type(stock) is jinja2.FileSystemLoader and stock.searchpath == [os.fspath(d) for d in theme.dirs]:
            env.loader = ThemeLoader(stock.searchpath, encoding=stock.encoding, followlinks=stock.followlinks)
        return env

    get_env.lists_without_hidden_folders = True  # type: ignore[attr-defined]
    theme.get_env = get_env  # type: ignore[method-assign]
