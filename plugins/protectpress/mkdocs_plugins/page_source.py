"""Each page's front matter read once a build: the site feature's validation (core/content) has parsed every
page's YAML, and MkDocs' `Page.read_source` would parse it again (`mkdocs.utils.meta.get_data`, 0.2 CPU s at
1,000 pages). A page whose YAML the validation read exactly as the safe loader reads it (FrontMatter.safe_loaded)
is given that value as its meta, with the Markdown after the front matter cut as MkDocs cuts it.

Only when the text MkDocs reads holds the very same YAML: MkDocs' own pattern (`meta.YAML_RE`) finds the front
matter, and its text must equal the text validated; anything else (a plugin's `on_page_read_source` giving other
text, a file changed since, line endings the pattern reads otherwise) is read by MkDocs as before.
tests/test_page_source.py checks that the result is what `get_data` gives, and tests/test_mkdocs_contract.py
that `Page.read_source` still reads through `get_data`.

MkDocs 1.6 has no event between reading a page's text and parsing its meta, so the page's `read_source` is
replaced on the page object, for one call (kept_work.py replaces `render` the same way). The preview keeps to
MkDocs' reading: it renders a few pages per save, and items its memo keeps would hand the same dict twice.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import meta

from .state import BuildState


class MetaReadOnce:
    """The feature: after the site feature has validated every page (on_files), gives each page its meta."""

    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.given = 0  # pages whose meta MkDocs did not parse again (for tests and profiles)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        if self.state.serving:
            return
        items = self.state.content.items
        for file in files.documentation_pages():
            item = items.get(file.src_uri)
            if item is None or item.read_meta is None:
                continue
            read = item.read_meta.take()
            if read is not None and isinstance(file.page, Page):
                give_meta(file.page, *read, body=item.body, on_given=self._count)

    def _count(self) -> None:
        self.given += 1


def give_meta(page: Page, yaml_text: str, data: dict[str, Any], *, body: str | None = None,
              on_given: Any = None) -> None:
    """Replace `page.read_source`, for its next call, with MkDocs' reading that takes `data` as the meta of a
    text whose front matter is `yaml_text`; and `body`, the item's Markdown, as the page's when it is the same
    text, so that the build holds one copy of it, not two (MkDocs keeps every page's Markdown to the end)."""
    read_source = page.read_source

    def read_once(config: MkDocsConfig) -> None:
        del page.read_source  # the class's own again: a second reading parses, and `data` is never given twice
        source = config.plugins.on_page_read_source(page=page, config=config)
        if source is None:
            try:
                source = page.file.content_string
            except (OSError, ValueError):
                read_source(config)  # MkDocs names the file and raises, as it does
                return
        found = meta.YAML_RE.match(source)
        if found is None or found.group(1) != yaml_text:
            page.markdown, page.meta = meta.get_data(source)
            return
        markdown = source[found.end():].lstrip("\n")
        page.markdown, page.meta = body if markdown == body else markdown, data
        if on_given is not None:
            on_given()

    page.read_source = read_once  # type: ignore[method-assign]
