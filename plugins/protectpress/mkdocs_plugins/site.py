"""The site feature: validates every page through the core, hides drafts, generates the topic and sector
listings, orders the navigation by content type, and gives templates what they show about each page.

Front-matter text is plain text, and MkDocs' Jinja environment does not autoescape (turning autoescape on
prints every page body as text: Material's templates rely on printing HTML raw). So every text a template may
print (page titles and meta, section titles, the facts in `pp`) is made safe HTML here, once, before any
template or other plugin reads it; Material's own templates then print it as they are.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig, _AbsoluteLinksValidationValue
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from ..core import emergency
from ..core.boundary import ProjectBoundary
from ..core.content import (FOLDER_OF_TYPE, TYPE_FOLDERS, ContentItem, ContentType, is_content_source,
                            load_content, read_source)
from ..core.content_policy import ACTIVE_DOCUMENT_SUFFIXES, check_body, check_document
from ..core.dates import human
from ..core.listings import type_listing, vocabulary_listings
from ..core.sanitise import html_text
from . import serve_cache
from .state import BuildState

# Top of the navigation first; anything not named keeps MkDocs' order after these.
NAV_ORDER = ["index.md", "guidance", "action-cards", "conferences", "news", "newsletters", "topics", "sectors",
             "subscribe.md", "about.md"]
NAV_LAST = ["accessibility.md", "privacy.md"]


class SiteFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.listed: set[str] = set()  # src_uris of the generated topic and sector pages

    def on_config(self, config: MkDocsConfig) -> None:
        # Docs-root links (`/guidance/pals.md`) are part of our content model, in authors' pages and in the pages
        # we generate, so they must resolve whatever `validation:` a project's mkdocs.yml sets.
        config.validation.links.absolute_links = _AbsoluteLinksValidationValue.RELATIVE_TO_DOCS

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Before MkDocs walks docs/ (following every link) and copies what it finds: a link out of the project
        # or to personal data stops the build here, and a link to `/` is never walked.
        settings = self.state.settings
        boundary = ProjectBoundary.of(settings)
        for folder in (settings.docs_dir, settings.custom_dir):
            if folder is not None:
                boundary.files_under(folder, settings.relative(folder), self.state.problems)
        self.state.report("Some files cannot be published")

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        settings = self.state.settings
        docs_prefix = settings.relative(settings.docs_dir)
        sources = {}
        for file in files.documentation_pages():
            if not is_content_source(file.src_uri):
                continue
            # Read through the core, so a page that is not UTF-8 is named like `check` names it, not a traceback.
            text = (file.content_string if file.generated_by or file.abs_src_path is None else
                    read_source(Path(file.abs_src_path), f"{docs_prefix}/{file.src_uri}", self.state.problems))
            if text is not None:
                sources[file.src_uri] = text
        self.state.content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary,
                                          self.state.problems, sources=sources, now=self.state.now)
        for item in self.state.content.items.values():
            if not item.is_live:
                # MkDocs' own draft level: built under `mkdocs serve`, left out of `mkdocs build` (and so out of
                # sitemap and search). A page scheduled for later is kept out exactly as a draft is.
                files.get_file_from_path(item.src_uri).inclusion = InclusionLevel.DRAFT
        vocabulary = settings.vocabulary
        for group, terms, noun in (("topics", vocabulary.tags, "topic"), ("sectors", vocabulary.sectors, "sector")):
            for listing in vocabulary_listings(self.state.content, group, terms, noun, settings.links):
                self.listed.add(listing.src_uri)
                if files.get_file_from_path(listing.src_uri) is None:
                    files.append(serve_cache.generated_page(config, listing.src_uri, listing.markdown)
                                 if self.state.serving else
                                 File.generated(config, listing.src_uri, content=listing.markdown))
        self._check_documents(files, Path(config.docs_dir))
        self.state.report()
        return files

    def _check_documents(self, files: Files, docs_dir: Path) -> None:
        """SVG and HTML files are published as they are, and a browser runs their script when they are opened."""
        for file in files:
            if file.abs_src_path and file.src_uri.lower().endswith(ACTIVE_DOCUMENT_SUFFIXES) \
                    and Path(file.abs_src_path).is_relative_to(docs_dir) and not file.is_documentation_page():
                text = Path(file.abs_src_path).read_bytes().decode("utf-8", errors="replace")
                check_document(self.state.settings.relative(file.abs_src_path), text, self.state.problems)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        nav.items.sort(key=_nav_rank)
        _make_nav_titles_safe(nav.items)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        summary = page.meta.get("summary")
        if isinstance(summary, str) and summary.strip():
            page.meta.setdefault("description", " ".join(summary.split()))
        # Here, as soon as the meta is read: the search plugin and every template read titles after this.
        page.meta = _safe_meta(page.meta)
        folder, name = posixpath.split(page.file.src_uri)
        if name == "index.md" and folder in TYPE_FOLDERS:
            markdown += type_listing(self.state.content, TYPE_FOLDERS[folder], self.state.settings.links,
                                     page.file.src_uri)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # The rendered body is what the site publishes. The errors stop the build at the integrity feature's
        # on_env report, after every page has been checked, so that one run lists them all.
        item = self.item(page)
        if item is not None:
            check_body(item.path, html, item.body, item.body_line, self.state.problems)
        return html

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        if self.state.serving:
            env.bytecode_cache = serve_cache.TEMPLATES  # each rebuild makes a new environment
        # mkdocs.yml's own texts, which Material prints raw as well. Our settings keep the plain text (read in
        # on_config) for feeds and emails; nothing after this point reads these as text.
        for key in ("site_name", "site_description", "site_author"):
            if isinstance(config.get(key), str):
                config[key] = html_text(config[key])
        # A global, not per-page context, so that the 404 page and every other template see it too.
        env.globals["pp_emergency"] = {
            "text": emergency.EMERGENCY_TEXT,
            "number": emergency.EMERGENCY_NUMBER,
            "number_tel": emergency.tel(emergency.EMERGENCY_NUMBER),
            "hotline_name": emergency.HOTLINE_NAME,
            "hotline": emergency.HOTLINE_NUMBER,
            "hotline_tel": emergency.tel(emergency.HOTLINE_NUMBER),
        }
        return env

    def on_page_context(self, context, *, page: Page, config: MkDocsConfig, nav: Navigation):
        item = self.item(page)
        context["pp"] = _page_facts(item, self.state, self.listed) if item is not None else None
        return context

    def item(self, page: Page) -> ContentItem | None:
        return self.state.content.items.get(page.file.src_uri)


def _nav_rank(item) -> tuple[int, str]:
    key = item.file.src_uri if getattr(item, "file", None) else ""
    if isinstance(item, Section):
        first = next((c for c in item.children if getattr(c, "file", None)), None)
        key = first.file.src_uri.split("/", 1)[0] if first else item.title
    if key in NAV_LAST:
        return (len(NAV_ORDER) + 1 + NAV_LAST.index(key), key)
    if key in NAV_ORDER:
        return (NAV_ORDER.index(key), key)
    return (len(NAV_ORDER), key)


# Front-matter keys that MkDocs and Material read as names (a template file, an icon path, features to hide),
# never print; the schema checks them, and a safe-HTML value would leak into messages as Markup('...').
_NAMES_NOT_TEXT = frozenset({"template", "icon", "hide", "search"})


def _safe_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """Every text in a page's front matter (and each text in a list) as safe HTML; other values as they are."""
    def safe(value: Any) -> Any:
        if isinstance(value, str):
            return html_text(value)
        if isinstance(value, list):
            return [safe(v) for v in value]
        return value
    return {key: value if key in _NAMES_NOT_TEXT else safe(value) for key, value in meta.items()}


def _make_nav_titles_safe(items: list) -> None:
    """Section titles come from folder names, link titles and explicit page titles from mkdocs.yml's nav."""
    for item in items:
        if isinstance(item, (Section, Link)) or "title" in vars(item):
            item.title = html_text(item.title) if isinstance(item.title, str) else item.title
        if isinstance(item, Section):
            _make_nav_titles_safe(item.children)


def _page_facts(item: ContentItem, state: BuildState, listed: set[str]) -> dict:
    """What the templates show about a page: its kind, dates in words, and its topics and sectors."""
    vocabulary = state.settings.vocabulary
    links = state.settings.links

    def terms(group: str, slugs: tuple[str, ...], labels: dict[str, str]) -> list[dict]:
        # Only terms with a listing page get a link; the path is relative to the site root.
        return [{"label": html_text(labels[slug]), "path": links.page_path(f"{group}/{slug}.md") if f"{group}/{slug}.md" in listed
                 else None} for slug in slugs]

    return {
        "kind": item.kind.value,
        "kind_label": item.kind.label,
        "is_action_card": item.kind is ContentType.ACTION_CARD,
        "published": human(item.date) if item.date else None,
        "published_iso": f"{item.date:%Y-%m-%d}" if item.date else None,
        "updated": human(item.updated) if item.updated else None,
        "updated_iso": f"{item.updated:%Y-%m-%d}" if item.updated else None,
        "review_by": human(item.review_by) if item.review_by else None,
        "review_by_iso": f"{item.review_by:%Y-%m-%d}" if item.review_by else None,
        "summary": html_text(item.summary),
        "changes": [{"date": human(change.date), "iso": f"{change.date:%Y-%m-%d}", "note": html_text(change.note)}
                    for change in item.changes],
        "tags": terms("topics", item.tags, vocabulary.tags),
        "sectors": terms("sectors", item.sectors, vocabulary.sectors),
        "folder": FOLDER_OF_TYPE.get(item.kind),
    }
