"""What `mkdocs serve` keeps between rebuilds, so that saving one page does not redo work for every page.

MkDocs reloads its config, plugins and theme on each rebuild, so this lives at module level, for the life of
the `mkdocs serve` process; `mkdocs build` never uses it.

- Generated pages (topic and sector listings) are backed by files that are rewritten only when their text
  changes. MkDocs treats in-memory generated pages as always changed, so under `mkdocs serve --dirty` (what
  `make serve` runs) every listing was re-rendered on each save; with unchanged files they are skipped.
- Pages an author wrote only an intro for (the home page, each type's index) end in generated sections. Under
  `--dirty` MkDocs skips a page whose file is older than its output, so when the sections change (a new news
  item) the old output is removed and the page is rebuilt.
- What validating each page found is kept (core.content.PageMemo), so a save validates the saved page only; the
  preview's quick check before each build shares it.
- Each page's title, as it was last read: under `--dirty` MkDocs reads only the saved pages, and every other
  page's title would be None in the menus of the pages it does render ("None" in the sidebar). When the menu
  itself changes (a title, a page added or taken away), every page is rendered again, so no page shows an old
  menu, and the output of a page that is gone is removed, so no link to it passes the link check.
- What each rendered page's links and ids were (core.linkscan), so the preview checks every link after each
  save while rendering only the saved pages.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from ..core.content.memo import PageMemo
from ..core.foundation.linkscan import ScannedHtml
from ..core.foundation.problems import Problem, Problems

PAGES = PageMemo()
_generated_dirs: dict[str, Path] = {}


def generated_page(config: MkDocsConfig, src_uri: str, markdown: str) -> File:
    """A generated page backed by a file that keeps its modification time while its text stays the same."""
    key = str(Path(config.docs_dir).resolve())
    folder = _generated_dirs.get(key)
    if folder is None:
        folder = _generated_dirs[key] = Path(tempfile.mkdtemp(prefix="protectpress-serve-"))
        atexit.register(shutil.rmtree, folder, True)
    path = folder / src_uri
    if not path.is_file() or path.read_text(encoding="utf-8") != markdown:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown, encoding="utf-8")
    return File.generated(config, src_uri, abs_src_path=str(path))


_last_sections: dict[str, str] = {}


def rebuild_when_changed(file: File, sections: str) -> None:
    """Make `mkdocs serve --dirty` rebuild `file` when the generated `sections` appended to it have changed:
    MkDocs rebuilds a page whose output is missing (`File.is_modified`)."""
    key = file.abs_src_path or file.src_uri
    if _last_sections.get(key) != sections and file.abs_dest_path and os.path.isfile(file.abs_dest_path):
        os.remove(file.abs_dest_path)
    _last_sections[key] = sections


_titles: dict[str, str] = {}  # abs_src_path or src_uri -> the title the page had when last read
_menus: dict[str, tuple[frozenset[str], tuple[tuple[str, str], ...]]] = {}  # docs_dir -> (dest files, titles)
SCANNED: dict[str, dict[str, ScannedHtml]] = {}  # site_dir -> built file -> its links and ids as last rendered


@dataclass
class LinksChecked:
    """What the preview's last link check of one site found: the site's files then, and the pages whose every
    link was good. While the files and every page's ids stay the same, an unchanged page's links stay good."""

    files: frozenset[str] = frozenset()
    good: frozenset[str] = frozenset()
    ids: dict[str, frozenset[str]] = field(default_factory=dict)  # built file -> the ids of its page's body

    def known_good(self, files: frozenset[str], rendered: dict[str, frozenset[str]]) -> frozenset[str]:
        """The pages not to check again, given the site's `files` and the body ids of the pages `rendered`
        now: none when a file came or went, or a page has other ids than before (a link to one of them may
        have broken); else the good ones not rendered now."""
        changed = files != self.files or any(self.ids.get(file) != ids for file, ids in rendered.items())
        self.ids.update(rendered)
        return frozenset() if changed else self.good - set(rendered)


LINKS_CHECKED: dict[str, LinksChecked] = {}  # site_dir -> the last check


def _key(file: File) -> str:
    return file.abs_src_path or file.src_uri


def rebuild_all_when_menu_changed(config: MkDocsConfig, files: Files, titles: Iterable[tuple[str, str]]) -> None:
    """Make `mkdocs serve --dirty` render every page again when the menu changed since the last build: the
    pages' `titles` (src_uri, title: what the menu shows) or the set of pages. The output of a page that is gone
    is removed too. Runs in on_files, before MkDocs decides which pages to read."""
    key = str(Path(config.docs_dir).resolve())
    pages = files.documentation_pages()
    dests = frozenset(file.abs_dest_path for file in pages if file.abs_dest_path)
    menu = (dests, tuple(sorted(titles)))
    before = _menus.get(key)
    _menus[key] = menu
    if before is None or before == menu:
        return
    for dest in (*before[0] - dests, *dests):
        if os.path.isfile(dest):
            os.remove(dest)
    SCANNED.pop(str(config.site_dir), None)  # every page is rendered, and scanned, again
    LINKS_CHECKED.pop(str(config.site_dir), None)


def fill_titles(files: Files) -> None:
    """After MkDocs read the saved pages (on_env): remember their titles, and give every page it did not read
    the title it had, so the menus rendered now name every page."""
    for file in files.documentation_pages():
        page = file.page
        if page is None:
            continue
        if page.markdown is not None:  # read in this build
            if isinstance(page.title, str):
                _titles[_key(file)] = page.title
        elif _key(file) in _titles:
            page.title = _titles[_key(file)]


_latest = [Problems()]  # the problems of the latest build, for a plain `mkdocs serve`'s problems page


def remember_problems(problems: Problems) -> None:
    _latest[0] = problems


def latest_problems() -> list[Problem]:
    return list(_latest[0])
