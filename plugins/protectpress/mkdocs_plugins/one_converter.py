"""One Python-Markdown converter for the whole build, reset between pages (issue 29).

MkDocs 1.6's `Page.render` makes a new `markdown.Markdown` for every page: every extension is imported, built and
registered again, about 0.24 CPU s at 1,000 pages for the same converter each time. Python-Markdown's own way to
convert many documents is one converter and `reset()` between them (its `Markdown.reset`, and the benchmark's
Markdown floor does the same). So each page is rendered here as `Page.render` renders it, with the same four
MkDocs processors made for that page, on a converter made once per build.

That is only right for extensions whose state `reset()` clears or who keep none from one document to the next,
so it is used only when every configured extension is one read for that (`_RESETTABLE`); any other extension, and
the page is rendered by MkDocs' own `Page.render`. tests/test_one_converter.py renders pages that use every one of
them both ways, in several orders, and compares everything `Page.render` sets (kept_work.RESTORED).
"""

from __future__ import annotations

import logging

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import (
    Page,
    _ExtractAnchorsTreeprocessor,
    _ExtractTitleTreeprocessor,
    _RawHTMLPreprocessor,
    _RelativePathTreeprocessor,
)
from mkdocs.structure.toc import get_toc

from ..core.foundation.inline_triggers import skip_patterns_without_their_character
from .state import BuildState

# Read for what they keep between documents: nothing, or only what their `reset()` (registered with the
# converter, so `Markdown.reset` calls it) sets back. MkDocs adds toc, tables and fenced_code to every config.
_RESETTABLE = frozenset({
    *(f"{prefix}{name}" for prefix in ("", "markdown.extensions.") for name in (
        "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "tables", "toc")),
    *(f"pymdownx.{name}" for name in (
        "betterem", "caret", "details", "emoji", "highlight", "inlinehilite", "keys", "mark", "smartsymbols",
        "superfences", "tabbed", "tasklist", "tilde")),
})

_PAGES_LOG = logging.getLogger("mkdocs.structure.pages")


def can_share_a_converter(config: MkDocsConfig) -> bool:
    return all(isinstance(name, str) and name in _RESETTABLE for name in config.markdown_extensions)


class OneConverter:
    """The feature: gives each page a `render` that uses this build's one converter."""

    def __init__(self, state: BuildState) -> None:
        self.state = state
        self._converter: markdown.Markdown | None = None
        self.shared = False  # whether this build's pages are rendered on one converter

    def on_files(self, files: Files, *, config: MkDocsConfig) -> None:
        self._converter, self.shared = None, can_share_a_converter(config)

    def on_page_markdown(self, markdown_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> None:
        if self.shared:
            page.render = lambda config, files: self.render(page, config, files)  # type: ignore[method-assign]

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """What MkDocs 1.6's `Page.render` does, on the shared converter instead of a new one."""
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        converter = self._converter_for(config)
        # Registered again under the same names, each page's processors replace the last page's, in the same
        # order among the extensions' as on a new converter (each goes to the end of its priority, as then).
        raw_html = _RawHTMLPreprocessor()
        raw_html._register(converter)
        extract_anchors = _ExtractAnchorsTreeprocessor(page.file, files, config)
        extract_anchors._register(converter)
        relative_path = _RelativePathTreeprocessor(page.file, files, config)
        relative_path._register(converter)
        extract_title = _ExtractTitleTreeprocessor()
        extract_title._register(converter)
        try:
            page.content = converter.convert(page.markdown)
            page.toc = get_toc(getattr(converter, "toc_tokens", []))
        except BaseException:
            # Stopped half-way, a block processor may hold what `reset()` does not clear: the next page (the
            # preview renders again after a failed save) gets a new converter.
            self._converter = None
            raise
        finally:
            converter.reset()  # nothing of this page is held until the next one
        page._title_from_render = extract_title.title
        page.present_anchor_ids = extract_anchors.present_anchor_ids | raw_html.present_anchor_ids
        if _PAGES_LOG.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative_path.links_to_anchors

    def _converter_for(self, config: MkDocsConfig) -> markdown.Markdown:
        if self._converter is None:
            self._converter = markdown.Markdown(extensions=config["markdown_extensions"],
                                                extension_configs=config["mdx_configs"] or {})
            skip_patterns_without_their_character(self._converter)
        return self._converter

