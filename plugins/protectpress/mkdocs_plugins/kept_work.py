"""What a build keeps for the next one that a planted file must not be able to forge (issue 29): each page's
Markdown turned into HTML, and the theme's templates compiled to Python code.

A rebuild where nothing changed spent most of its time doing again what the build before it did: Python-Markdown
(a new converter with every extension for each page) and compiling Material's and `overrides/` templates. Both
are kept in `.cache/protectpress/`, each entry sealed with the user's key (core/foundation/sealedmemory.py): a
page's HTML is what the site publishes (a planted entry could put other words on an action card), and a compiled
template is code this process runs. An entry whose seal is not right for this user, this kind of result and this
exact input is ignored, and the work is done as on a first build.

- **Pages** (`PagesKept`): a page's HTML, table of contents, title from its first heading and anchors, keyed by
  everything Python-Markdown and MkDocs' link rewriting read: the page's Markdown as the plugin hands it on
  (after every `on_page_markdown`), its source path, address and inclusion, every file in the site with its
  address and inclusion (a link to a page that was removed or renamed resolves otherwise), `use_directory_urls`,
  the `validation:` settings, the Markdown extensions with their settings and the versions of the packages that
  provide them, the log level, and this module's own code. Only extensions known to read nothing but the page's
  text and their settings are kept (`pymdownx.snippets` reads other files, so a site using it renders every
  page each time); a page whose rendering logged anything is rendered every time, so it says it again.
  Everything after Markdown (our `on_page_content`: the generated lists, the active-content check) runs on
  every page in every build. MkDocs 1.6 has no event that replaces a page's rendering, so the page's `render`
  is replaced on the page object: tests/test_mkdocs_contract.py checks that what `Page.render` sets is what is
  restored here.
- **Templates** (`SealedTemplates`): Jinja's bytecode for each template, keyed as Jinja keys it (the template's
  name and its file's absolute path) and checked against the source's checksum by Jinja. Keyed by path, not by
  name and source alone: the cache is the project's own, so a copied project compiles once more, but the code's
  file names (which tracebacks and template errors print) are always this project's files. Within one process
  (the tests' builds, a script building several projects) a template compiled for one project is also given to
  the next build with the same name, source and environment, with its file names changed to that build's file:
  the code is then the same as Jinja would compile for it (tests/test_kept_templates.py compares them).

`protectpress serve` keeps neither on disk: its rebuilds render only the saved pages and are given the templates
this process compiled (above), and reading and writing thousands of pages' HTML on every save would cost
more than it saves.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from ..core.foundation.sealedmemory import SealedMemory, code_version, installed_versions, user_key
from ..core.foundation.textmemo import text_digest
from .state import BuildState

PAGES_FILE = "pages.sealed.json"
# What MkDocs 1.6's `Page.render` sets on a page, and so what a kept page sets instead (tests/test_mkdocs_contract.py).
RESTORED = ("content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors")
TEMPLATES_FILE = "templates.sealed.json"

# Extensions that read nothing but the page's text and their settings (Python-Markdown's own, and
# pymdown-extensions' but for snippets, b64 and pathconverter, which read other files or paths).
_PURE_EXTENSIONS = frozenset({
    *(f"{prefix}{name}" for prefix in ("", "markdown.extensions.") for name in (
        "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes",
        "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc",
        "wikilinks")),
    *(f"pymdownx.{name}" for name in (
        "arithmatex", "betterem", "caret", "critic", "details", "emoji", "escapeall", "extra", "highlight",
        "inlinehilite", "keys", "magiclink", "mark", "progressbar", "saneheaders", "smartsymbols", "striphtml",
        "superfences", "tabbed", "tasklist", "tilde", "blocks.admonition", "blocks.details", "blocks.tab",
        "blocks.html", "blocks.definition", "blocks.caption")),
})
# Whose code turns a page into HTML: a different version of any of them may write other HTML.
_RENDERING_PACKAGES = ("markdown", "pymdown-extensions", "pygments", "mkdocs", "mkdocs-material")
_PAGES_KIND = "page-html " + code_version(__file__)


class PagesKept:
    """The feature: serves a page's kept HTML when its key matches, keeps what it renders otherwise."""

    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.memory = SealedMemory(None, None)
        self._settings_key: str | None = None  # what every page's key shares; None: keep nothing this build
        self._site_key: str | None = None  # the site's files, worked out at the first page rendered
        self.kept = 0  # pages served from the memory in this build (for tests and profiles)
        self._watch = _LogWatch()  # one for every page: a logging.Handler is slow to make (a lock, a weakref)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> None:
        if self.state.serving:
            return
        self._settings_key = _settings_key(config)
        if self._settings_key is not None:
            self.memory = SealedMemory(self.state.settings.cache_dir / PAGES_FILE, user_key())

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> None:
        if self._settings_key is None or not self.memory.active or page.file.src_uri in self.state.renders_anew:
            return
        render = page.render  # MkDocs calls it next, with the Markdown every hook has handed on
        page.render = lambda config, files: self._render(page, render, config, files)  # type: ignore[method-assign]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.memory.save()

    def _render(self, page: Page, render: Callable[[MkDocsConfig, Files], None], config: MkDocsConfig,
                files: Files) -> None:
        if self._site_key is None:
            self._site_key = _site_key(files)
        key = "\0".join((self._settings_key or "", self._site_key, _logging_key(), page.file.src_uri,
                         page.file.url, page.file.inclusion.name, page.markdown or ""))
        kept = self.memory.get(_PAGES_KIND, key)
        if kept is not None and _restore(page, kept, files):
            self.kept += 1
            return
        with self._watch as watch:
            render(config, files)
        if not watch.logged and isinstance(page.content, str):
            self.memory.put(_PAGES_KIND, key, _rendered(page))


def _rendered(page: Page) -> dict[str, Any]:
    links = {file.src_uri: dict(anchors) for file, anchors in (page.links_to_anchors or {}).items()}
    return {"html": page.content, "toc": [_toc_token(item) for item in page.toc],
            "title": page._title_from_render, "anchors": sorted(page.present_anchor_ids or ()), "links": links}


def _restore(page: Page, kept: Any, files: Files) -> bool:
    """Set on `page` what `Page.render` sets (tests/test_mkdocs_contract.py checks the list); False when the
    entry is not one this code wrote (then the page is rendered)."""
    try:
        html, toc, title, anchors, links = (kept["html"], kept["toc"], kept["title"], kept["anchors"],
                                            kept["links"])
        if not (isinstance(html, str) and isinstance(anchors, list) and isinstance(links, dict)
                and (title is None or isinstance(title, str))):
            return False
        targets = {}
        for src_uri in links:
            target = files.get_file_from_path(src_uri)
            if target is None:
                return False
            targets[src_uri] = target
        table = get_toc(toc)
    except (KeyError, TypeError, ValueError):
        return False
    page.content = html
    page.toc = table
    page._title_from_render = title
    page.present_anchor_ids = set(anchors)
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:  # as Page.render does
        page.links_to_anchors = {targets[src_uri]: dict(anchors) for src_uri, anchors in links.items()}
    return True


def _toc_token(item: AnchorLink) -> dict[str, Any]:
    return {"name": item.title, "id": item.id, "level": item.level,
            "children": [_toc_token(child) for child in item.children]}


def _settings_key(config: MkDocsConfig) -> str | None:
    """Everything outside the page that decides its HTML; None when an extension may read more than that."""
    extensions = config.markdown_extensions
    if not all(isinstance(name, str) and name in _PURE_EXTENSIONS for name in extensions):
        return None
    try:
        settings = json.dumps([extensions, config.mdx_configs or {}, config.use_directory_urls,
                               dict(config.validation.links), installed_versions(*_RENDERING_PACKAGES),
                               sys.version],
                              sort_keys=True, default=_named)
    except (TypeError, ValueError):
        return None  # a setting that is not plain data: its behaviour cannot be told from its value
    return text_digest(settings)


def _named(value: Any) -> str:
    """A function in the extensions' settings (a slugify, an emoji index) by its name: its code is in a package
    whose version the key holds."""
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if not (isinstance(module, str) and isinstance(name, str) and callable(value)) or "<" in name:
        raise TypeError(f"not kept: {value!r}")
    return f"{module}.{name}"


def _site_key(files: Files) -> str:
    digest = hashlib.blake2b(digest_size=32)
    for file in sorted(files, key=lambda f: f.src_uri):
        digest.update(f"{file.src_uri}\0{file.url}\0{file.inclusion.name}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _logging_key() -> str:
    # What is logged (and so what a page that logged nothing would have logged at another level) follows these.
    return f"{logging.getLogger('mkdocs').getEffectiveLevel()} {logging.getLogger().getEffectiveLevel()}"


class _LogWatch(logging.Handler):
    """Whether anything was logged while a page was rendered (MkDocs' logger does not pass its records on)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.logged = False

    def emit(self, record: logging.LogRecord) -> None:
        self.logged = True

    def __enter__(self) -> _LogWatch:
        self.logged = False
        for logger in (logging.getLogger("mkdocs"), logging.getLogger()):
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for logger in (logging.getLogger("mkdocs"), logging.getLogger()):
            logger.removeHandler(self)


class SealedTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates, sealed like every other kept result (see the module's text)."""

    def __init__(self, memory: SealedMemory, environment: jinja2.Environment) -> None:
        self.memory = memory
        self.kind = "jinja " + _environment_key(environment)
        self._names: dict[str, str] = {}  # a compiled template's name, by its bucket's key

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = super().get_bucket(environment, name, filename, source)
        if bucket.code is None and filename:
            compiled = _COMPILED_IN_THIS_PROCESS.get((self.kind, name, bucket.checksum))
            if compiled is not None:
                bucket.code = in_file(compiled, filename)
                self.dump_bytecode(bucket)  # kept for this project's next build, as if compiled here
            else:
                self._names[bucket.key] = name
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        """Called by Jinja with the code it has just compiled."""
        super().set_bucket(bucket)
        name = self._names.pop(bucket.key, None)
        if name is not None and bucket.code is not None:
            _COMPILED_IN_THIS_PROCESS[(self.kind, name, bucket.checksum)] = bucket.code

    def load_bytecode(self, bucket: Bucket) -> None:
        kept = self.memory.get(self.kind, f"{bucket.key}\0{bucket.checksum}")
        if isinstance(kept, str):
            try:
                code = base64.b64decode(kept, validate=True)
            except ValueError:
                return
            bucket.bytecode_from_string(code)  # Jinja checks its own header and the source's checksum again

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.memory.put(self.kind, f"{bucket.key}\0{bucket.checksum}",
                        base64.b64encode(bucket.bytecode_to_string()).decode("ascii"))


# What this process compiled, by (environment key, template name, source checksum): only code Jinja compiled here.
_COMPILED_IN_THIS_PROCESS: dict[tuple[str, str, str], CodeType] = {}


def forget_templates_compiled_in_this_process() -> None:
    """For a test of what a build in a new process does (compile, or read the project's own cache)."""
    _COMPILED_IN_THIS_PROCESS.clear()


def in_file(code: CodeType, filename: str) -> CodeType:
    """`code`, compiled by Jinja for a template's file elsewhere, as compiled for `filename`: the file name is
    the only part of a template's code that depends on where its file is (each block and macro has its own)."""
    if code.co_filename == filename:
        return code  # the same project built again in this process (the preview's rebuilds)
    return code.replace(co_filename=filename, co_consts=tuple(
        in_file(const, filename) if isinstance(const, CodeType) else const for const in code.co_consts))


def _environment_key(environment: jinja2.Environment) -> str:
    """What decides the code Jinja compiles besides the source: its version, Python's, and the environment's
    settings."""
    settings = (jinja2.__version__, sys.version, sorted(environment.extensions), environment.autoescape
                if isinstance(environment.autoescape, bool) else "chosen per template",
                environment.block_start_string, environment.block_end_string, environment.variable_start_string,
                environment.variable_end_string, environment.comment_start_string, environment.comment_end_string,
                environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
                environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
                environment.optimized, environment.is_async, environment.finalize is not None,
                code_version(__file__))
    return hashlib.blake2b(repr(settings).encode("utf-8"), digest_size=16).hexdigest()


class TemplatesKept:
    """The feature: gives MkDocs' theme environment the sealed bytecode cache (on_env runs before any page,
    the sitemap or 404 page is rendered) and saves what was compiled or used at the end."""

    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.memory = SealedMemory(None, None)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> None:
        if env.bytecode_cache is not None:
            return  # another plugin's
        if not self.state.serving:  # the preview keeps nothing on disk (each rebuild makes a new environment)
            self.memory = SealedMemory(Path(self.state.settings.cache_dir) / TEMPLATES_FILE, user_key())
        # Without a memory on disk (the preview, or no key to seal with) it still gives what this process compiled.
        env.bytecode_cache = SealedTemplates(self.memory, env)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.memory.save()
