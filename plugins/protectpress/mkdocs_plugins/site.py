"""The site feature: validates every page through the core, hides drafts, generates the topic and sector
listings, orders the navigation by content type, and gives templates what they show about each page."""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig, _AbsoluteLinksValidationValue
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from ..core import emergency
from ..core.boundary import ProjectBoundary
from ..core.content import (FOLDER_OF_TYPE, TYPE_FOLDERS, ContentItem, ContentType, is_content_source,
                            load_content, read_source)
from ..core.dates import human
from ..core.listings import type_listing, vocabulary_listings
from ..core.nesting import too_deep_line
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
        if not self.state.serving:
            # Our link check reads every page, feed and email the build wrote and names the file to edit;
            # MkDocs' own warnings about the same links would say each mistake twice, in its words.
            config.validation.links.not_found = logging.DEBUG
            config.validation.links.anchors = logging.DEBUG
            config.validation.links.unrecognized_links = logging.DEBUG
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
        sources: dict[str, str] = {}
        unreadable: list[File] = []
        for file in files.documentation_pages():
            if not is_content_source(file.src_uri):
                continue
            # Read through the core, so a page that is not UTF-8 is named like `check` names it, not a traceback.
            text = (file.content_string if file.generated_by or file.abs_src_path is None else
                    read_source(Path(file.abs_src_path), f"{docs_prefix}/{file.src_uri}", self.state.problems))
            if text is not None:
                sources[file.src_uri] = text
            else:
                unreadable.append(file)
        self.state.content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary,
                                          self.state.problems, sources=sources, now=self.state.now)
        for file in unreadable:
            # Reported already; a build goes on to find every other problem, so MkDocs must not read the bytes.
            file.content_string = "This page has problems to fix: run `protectpress check`.\n"
        self.state.content.invalid |= {file.src_uri for file in unreadable}
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
        self.state.report()
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        nav.items.sort(key=_nav_rank)
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri in self.state.content.invalid:
            return _placeholder_for_invalid(page, markdown)
        summary = page.meta.get("summary")
        if isinstance(summary, str) and summary.strip():
            page.meta.setdefault("description", " ".join(summary.split()))
        folder, name = posixpath.split(page.file.src_uri)
        if name == "index.md" and folder in TYPE_FOLDERS:
            markdown += type_listing(self.state.content, TYPE_FOLDERS[folder], self.state.settings.links,
                                     page.file.src_uri)
        return markdown

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        self.state.counts["pages"] = len(files.documentation_pages())
        if self.state.serving:
            env.bytecode_cache = serve_cache.TEMPLATES  # each rebuild makes a new environment
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


def _placeholder_for_invalid(page: Page, markdown: str) -> str:
    """A page that failed validation is still built (so links to it hold and the build goes on to find every
    other problem), but as a plain page: its front matter may hold values MkDocs and the theme cannot use."""
    title = page.meta.get("title")
    page.meta = {"title": title} if isinstance(title, str) else {}
    if too_deep_line(markdown) is not None:
        return "This page has problems to fix: run `protectpress check`.\n"  # too deep for the renderer
    return markdown


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


def _page_facts(item: ContentItem, state: BuildState, listed: set[str]) -> dict:
    """What the templates show about a page: its kind, dates in words, and its topics and sectors."""
    vocabulary = state.settings.vocabulary
    links = state.settings.links

    def terms(group: str, slugs: tuple[str, ...], labels: dict[str, str]) -> list[dict]:
        # Only terms with a listing page get a link; the path is relative to the site root.
        return [{"label": labels[slug], "path": links.page_path(f"{group}/{slug}.md") if f"{group}/{slug}.md" in listed
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
        "summary": item.summary,
        "changes": [{"date": human(change.date), "iso": f"{change.date:%Y-%m-%d}", "note": change.note}
                    for change in item.changes],
        "tags": terms("topics", item.tags, vocabulary.tags),
        "sectors": terms("sectors", item.sectors, vocabulary.sectors),
        "folder": FOLDER_OF_TYPE.get(item.kind),
    }
