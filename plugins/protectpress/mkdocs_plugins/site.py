"""The site feature: validates every page through the core, hides drafts, generates the topic and sector
listings, orders the navigation (core/site/navigation.py), and gives templates what they show about each page
(core/site/page_facts.py).

Front-matter text is plain text, and MkDocs' Jinja environment does not autoescape, so every text a template may
print (page meta, section titles, the facts in `pp`) is made safe HTML here, once, through the core
(core/site/meta.py), before any template or other plugin reads it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page

from ..core.content.items import ContentItem
from ..core.content.loading import is_content_source, load_content
from ..core.foundation import emergency
from ..core.foundation.buildcache import BuildMemory
from ..core.foundation.dependents import Carries
from ..core.foundation.frontmatter import read_source
from ..core.foundation.generated import SetAside, set_aside_lists
from ..core.foundation.links import EXPECTED_ONE_ADDRESS, same_addresses
from ..core.foundation.sealedmemory import FILE_NAME, SealedMemory, user_key
from ..core.foundation.site_paths import HOME_SRC_URI, ROBOTS_TXT, TYPE_FOLDERS, listing_group
from ..core.foundation.templates import html_text
from ..core.judge.boundary import ProjectBoundary
from ..core.judge.content_policy import ACTIVE_DOCUMENT_SUFFIXES, REFUSED_SUFFIXES, check_body, check_document
from ..core.judge.nesting import too_deep_line
from ..core.site.brand import Brand, load_brand
from ..core.site.home import home_action_cards, home_sections
from ..core.site.images import preview_png
from ..core.site.listings import (
    EntryTexts,
    in_reader_order,
    listings_by_group,
    missing_type_indexes,
    type_index_source,
    type_listing,
)
from ..core.site.meta import safe_meta
from ..core.site.metadata import (
    PREVIEW_IMAGE,
    PreviewImage,
    lastmod,
    listing_title,
    preview_image,
    robots_txt,
    short_description,
)
from ..core.site.navigation import nav_rank, section_rank
from ..core.site.page_facts import action_card_links, brand_context, contents, page_facts, preview_status
from ..core.site.rendered_once import LANGUAGE, RenderedOnce, TranslationsOnce
from ..core.site.theme_css import LEAN_CSS, MATERIAL_CSS, asks_for_toggle, lean_material_css
from ..core.site.typography import keep_time_ranges_together
from . import serve_cache
from .mkdocs_words import MKDOCS_DRAFT_MARKER, set_link_validation
from .state import BuildState


class SiteFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.listed: set[str] = set()  # src_uris of the generated topic and sector pages
        self.listing_titles: dict[str, str] = {}  # their titles, by src_uri
        self.titles: dict[str, str] = {}  # browser titles of listings whose label a page may share
        self.newest: dict[str, dt.datetime] = {}  # for pages that list others: the newest listed date
        self.sections: dict[str, str] = {}  # generated Markdown appended to a page, by src_uri
        self.brand: Brand | None = None
        self.preview: PreviewImage | None = None  # the one preview picture, made once a build in on_env
        self.memory = BuildMemory(None)  # what the last build learnt (QR masks): read in on_files
        self.sealed = SealedMemory(None, None)  # what it drew (QR codes), sealed with the user's key: on_files
        # Generated lists are put in after Markdown (core/foundation/generated.py SetAside), named with this
        # build's token.
        self.list_token = secrets.token_hex(16)
        self.set_aside: dict[str, SetAside] = {}
        self.lean_css = False  # whether this build publishes core/site/theme_css.py's copy of Material's stylesheet

    def on_config(self, config: MkDocsConfig) -> None:
        # MkDocs' link warnings off (our link check says each in its words) and docs-root links resolved.
        set_link_validation(config)

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
        self.memory = BuildMemory(settings.cache_dir / "facts.json")
        self.sealed = SealedMemory(settings.cache_dir / FILE_NAME, user_key(), keep_unused=self.state.serving)
        docs_prefix = settings.relative(settings.docs_dir)
        sources: dict[str, str] = {}
        unreadable: list[File] = []
        for file in files.documentation_pages():
            if not is_content_source(file.src_uri):
                continue
            # Read through the core, so a page that is not UTF-8 is named like `check` names it, not a traceback.
            text = (file.content_string if file.generated_by or file.abs_src_path is None else
                    read_source(file.abs_src_path, f"{docs_prefix}/{file.src_uri}", self.state.problems))
            if text is not None:
                sources[file.src_uri] = text
            else:
                unreadable.append(file)
        self.state.content = load_content(settings.docs_dir, settings.project_dir, settings.vocabulary,
                                          self.state.problems, sources=sources, now=self.state.now,
                                          theme_dir=settings.custom_dir,
                                          markdown_extensions=settings.markdown_extensions,
                                          memo=serve_cache.PAGES if self.state.serving else None)
        for file in unreadable:
            # Reported already; a build goes on to find every other problem, so MkDocs must not read the bytes.
            file.content_string = "This page has problems to fix: run `protectpress check`.\n"
        self.state.content.invalid |= {file.src_uri for file in unreadable}
        for item in self.state.content.items.values():
            if not item.is_live:
                # MkDocs' own draft level: built under `mkdocs serve`, left out of `mkdocs build` (and so out of
                # sitemap and search). A page scheduled for later is kept out exactly as a draft is.
                draft = files.get_file_from_path(item.src_uri)
                if draft is not None:  # every content item was read from a file in `files`
                    draft.inclusion = InclusionLevel.DRAFT
        made: EntryTexts = {}  # each page's entry written once, for every listing it is on
        self._add_listings(files, config, made)
        self._make_sections(files, made)
        if self.state.serving:
            titles = [(item.src_uri, item.title) for item in self.state.content.items.values()]
            serve_cache.rebuild_all_when_menu_changed(config, files, [*titles, *self.listing_titles.items()])
        if files.get_file_from_path(ROBOTS_TXT) is None:
            files.append(File.generated(config, ROBOTS_TXT, content=robots_txt(settings.links)))
        self.lean_css = self._add_lean_css(files, config)
        if files.get_file_from_path(PREVIEW_IMAGE) is None:  # the theme's copy (overrides/) is drawn by the same code
            files.append(File.generated(config, PREVIEW_IMAGE, content=preview_png()))
        self._check_documents(files, Path(config.docs_dir))
        self._check_same_addresses(files)
        self.brand = load_brand(settings, {file.src_uri for file in files.documentation_pages()}, self.state.problems)
        self.state.report()
        return files

    def _add_lean_css(self, files: Files, config: MkDocsConfig) -> bool:
        """Material's stylesheet without what these pages never use (core/site/theme_css.py), beside the original,
        unless mkdocs.yml asks for the palette toggle (whose options and palettes need Material's whole CSS)."""
        if asks_for_toggle(config.theme.get("palette")) or files.get_file_from_path(LEAN_CSS) is not None:
            return False
        for folder in config.theme.dirs:
            source = Path(folder) / MATERIAL_CSS
            if source.is_file():
                css = lean_material_css(source.read_text(encoding="utf-8"))
                files.append(File.generated(config, LEAN_CSS, content=css))
                return True
        return False

    def _add_listings(self, files: Files, config: MkDocsConfig, made: EntryTexts) -> None:
        """The generated pages: topic and sector listings, and the index of a type folder without one."""
        vocabulary, content, links = self.state.settings.vocabulary, self.state.content, self.state.settings.links
        listings = missing_type_indexes(content)
        for in_order in listings_by_group(content, vocabulary, links, made):
            # The sidebar lists the terms in the order their index page does (the vocabulary's), not by file name.
            self.state.nav_ranks.update((listing.src_uri, rank) for rank, listing in enumerate(in_order))
            listings += in_order
        for listing in listings:
            self.listed.add(listing.src_uri)
            self.listing_titles[listing.src_uri] = listing.title
            if listing.slug and (listed_in := listing_group(listing.group)) is not None:
                self.titles[listing.src_uri] = listing_title(listing.title, listed_in.noun)
            self._note_newest(listing.src_uri, listing.items)
            if files.get_file_from_path(listing.src_uri) is None:
                files.append(serve_cache.generated_page(config, listing.src_uri, listing.markdown)
                             if self.state.serving else
                             File.generated(config, listing.src_uri, content=listing.markdown))

    def _make_sections(self, files: Files, made: EntryTexts) -> None:
        """The sections appended to pages an author wrote only an intro for (home, type indexes), and the
        sidebar ranks. Made here, not per page, so that `mkdocs serve --dirty` can tell when they change
        although the page's own file did not."""
        content, links = self.state.content, self.state.settings.links
        self.sections = {HOME_SRC_URI: home_sections(content, links)}
        for kind in TYPE_FOLDERS.values():
            items = content.of_type(kind)
            for rank, item in enumerate(in_reader_order(items, kind)):
                self.state.nav_ranks[item.src_uri] = rank
            self._note_newest(type_index_source(kind), items)
            self.sections[type_index_source(kind)] = type_listing(content, kind, links, type_index_source(kind), made)
        self._note_newest(HOME_SRC_URI, content.published())
        if self.state.serving:
            for src_uri, section in self.sections.items():
                file = files.get_file_from_path(src_uri)
                if file is not None:
                    serve_cache.rebuild_when_changed(file, section)

    def _note_newest(self, src_uri: str, items: Sequence[ContentItem]) -> None:  # and what the page lists
        self.state.dependents.record((item.src_uri for item in items), src_uri, Carries.FRONT_MATTER)
        dates = [i.last_updated for i in items if i.last_updated]
        if dates:
            self.newest[src_uri] = max(dates)

    def _check_documents(self, files: Files, docs_dir: Path) -> None:
        """SVG, HTML and XML files are published as they are, and a browser runs their script when they are opened;
        some kinds of file (.shtml, .svgz) a server may run or unpack, and are refused by name."""
        for file in files:
            if file.abs_src_path and file.src_uri.lower().endswith(ACTIVE_DOCUMENT_SUFFIXES + REFUSED_SUFFIXES) \
                    and Path(file.abs_src_path).is_relative_to(docs_dir) and not file.is_documentation_page():
                check_document(self.state.settings.relative(file.abs_src_path), Path(file.abs_src_path).read_bytes(),
                               self.state.problems)

    def _check_same_addresses(self, files: Files) -> None:
        settings = self.state.settings
        by_source = {file.src_uri: file for file in files}

        def shown(src_uri: str) -> str:  # worked out for the files reported only (a path each: 0.4 ms)
            file = by_source[src_uri]
            return settings.relative(file.abs_src_path) if file.abs_src_path else file.src_uri

        for first, second, address in same_addresses((file.src_uri, file.dest_uri)
                                                      for file in sorted(files, key=lambda f: f.src_uri)):
            first, second = shown(first), shown(second)
            self.state.problems.error(second, EXPECTED_ONE_ADDRESS, f"{second} and {first} both make {address}")

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        nav.items.sort(key=_nav_rank)
        _order_sections(nav.items, self.state.nav_ranks)
        _make_nav_titles_safe(nav.items)
        # MkDocs linked each page to its neighbours before this event; the footer's previous and next must
        # follow the order the sidebar now shows.
        nav.pages = [item for item in _walk(nav.items) if isinstance(item, Page)]
        for before, after in zip([None, *nav.pages], [*nav.pages, None], strict=True):
            if before is not None:
                before.next_page = after
            if after is not None:
                after.previous_page = before
        return nav

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if page.file.src_uri in self.state.content.invalid:
            return _placeholder_for_invalid(page, markdown, config.markdown_extensions)
        summary = page.meta.get("summary")
        if isinstance(summary, str) and summary.strip():
            page.meta.setdefault("description", summary)
        if isinstance(page.meta.get("description"), str):
            page.meta["description"] = short_description(page.meta["description"])
        # Here, as soon as the meta is read: the search plugin and every template read titles after this.
        page.meta = safe_meta(page.meta)
        # Read by the sitemap, which MkDocs renders before any page's template: hence here, not in on_page_context.
        item = self.item(page)
        # A page with no date of its own gets no lastmod (""), but MkDocs parses the newest update_date for
        # sitemap.xml.gz, so a site with no dated page at all gets the build's day: the run's "now", not the
        # clock MkDocs would read (a build --at a moment is made as at that moment).
        own = item.last_updated if item is not None and item.is_published_type else None
        if self.newest:
            page.update_date = lastmod(own or self.newest.get(page.file.src_uri)) or ""
        else:
            page.update_date = lastmod(self.state.now) or page.update_date
        src_uri = page.file.src_uri
        if src_uri in self.listed:  # a page we generated: all of it is ours
            aside = set_aside_lists(markdown + self.sections.get(src_uri, ""), self.list_token)
            markdown = aside.markdown
        else:  # an author's page: only the sections we append are ours
            aside = set_aside_lists(self.sections.get(src_uri, ""), self.list_token)
            markdown += aside.markdown
        if aside.lists:
            self.set_aside[src_uri] = aside
            self.state.renders_anew.add(src_uri)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        aside = self.set_aside.pop(page.file.src_uri, None)
        if aside is not None:
            html, missing = aside.put_back(html)
            if missing:
                self.state.problems.error(
                    self.state.settings.relative(page.file.abs_src_path or page.file.src_uri),
                    "expected the lists protectpress generates to come through Markdown (a markdown_extensions entry "
                    "in mkdocs.yml removes HTML comments: take it out)", f"{len(missing)} list(s) missing")
        # The rendered body is what the site publishes. The errors stop the build at the integrity feature's
        # on_env report, after every page has been checked, so that one run lists them all.
        if (item := self.item(page)) is not None:
            check_body(item.path, html, item.body, item.body_line, self.state.problems)
        return keep_time_ranges_together(html)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.state.counts["pages"] = len(files.documentation_pages())
        if self.state.serving:
            serve_cache.fill_titles(files)  # every page MkDocs did not read this time keeps its title in menus
        # mkdocs.yml's own texts, which Material prints raw as well. Our settings keep the plain text (read in
        # on_config) for feeds and emails; nothing after this point reads these as text.
        for key in ("site_name", "site_description", "site_author"):
            if isinstance(config.get(key), str):
                config[key] = html_text(config[key])
        # A global, not per-page context, so that the 404 page and every other template see it too.
        env.globals["pp_emergency"] = emergency.template_context()
        env.globals["pp_brand"] = brand_context(self.brand, self.state.settings.links) if self.brand else None
        # The palette toggle only when mkdocs.yml asks for one: otherwise light and dark follow the reader's
        # system, in CSS (overrides/base.html); pp-site.js works the toggle when there is one.
        env.globals["pp_toggle"] = asks_for_toggle(config.theme.get("palette"))
        env.globals["pp_material_css"] = LEAN_CSS if self.lean_css else None
        # The action cards, each with its site-root path: the offline page lists them (all saved on the device).
        env.globals["pp_action_cards"] = action_card_links(self.state.content, self.state.settings.links)
        env.globals["pp_nav_once"] = RenderedOnce()  # the sidebar's collapsed entries (partials/nav.html), this build's
        env.globals["pp_lang"] = TranslationsOnce(lambda: env.get_template(LANGUAGE).make_module({"config": config}))
        # Per page, not a global: the 404 and offline pages carry no preview picture.
        self.preview = preview_image(self.state.settings.links, self.state.settings.site_name)
        return env

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        item = self.item(page)
        context["pp"] = (page_facts(item, self.state.settings, self.listed, self.memory, self.sealed)
                         if item is not None else None)
        context["pp_title"] = self.titles.get(page.file.src_uri)
        context["pp_preview"] = self.preview
        # Staff facts (the kind of page, the next review date) only in the preview, never on the public site.
        context["pp_staff"] = self.state.serving
        context["pp_contents"] = contents(page.file.src_uri, item, page.meta.get("hide"), _headings(page))
        context["pp_home_cards"] = (home_action_cards(self.state.content, self.state.settings.links)
                                    if page.file.src_uri == HOME_SRC_URI else None)
        context["pp_preview_status"] = (preview_status(item, self.state.now) if self.state.serving and item is not None
                                        else None)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        item = self.item(page)
        if self.state.serving and item is not None and preview_status(item, self.state.now) is not None:
            # Our banner (pp_preview_status) says what this draft or scheduled page is, in words (a newsletter's
            # web version: mkdocs_plugins/newsletter.py).
            output = output.replace(MKDOCS_DRAFT_MARKER, "", 1)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.memory.save()
        self.sealed.save()

    def item(self, page: Page) -> ContentItem | None:
        return self.state.content.items.get(page.file.src_uri)


def _placeholder_for_invalid(page: Page, markdown: str, extensions: list[str]) -> str:
    """A page that failed validation is still built (so links to it hold and the build goes on to find every
    other problem), but as a plain page: its front matter may hold values MkDocs and the theme cannot use."""
    title = page.meta.get("title")
    page.meta = safe_meta({"title": title}) if isinstance(title, str) else {}
    if too_deep_line(markdown, extensions) is not None:
        return "This page has problems to fix: run `protectpress check`.\n"  # too deep for the renderer
    return markdown


def _walk(items: Iterable[StructureItem]) -> Iterator[StructureItem]:
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


def _order_sections(items: Iterable[StructureItem], ranks: dict[str, int]) -> None:
    """Put each section's ranked pages (see `BuildState.nav_ranks`) in rank order after its index page;
    anything unranked (sub-sections, plain pages) keeps its place after them."""
    for item in items:
        if not isinstance(item, Section):
            continue
        _order_sections(item.children, ranks)
        if any(isinstance(child, Page) and child.file.src_uri in ranks for child in item.children):
            item.children.sort(key=lambda child: section_rank(
                child.file.src_uri if isinstance(child, Page) else None, ranks))


def _nav_rank(item: StructureItem) -> tuple[int, str]:
    key = item.file.src_uri if isinstance(item, Page) else ""
    if isinstance(item, Section):
        first = next((c for c in item.children if isinstance(c, Page)), None)
        key = first.file.src_uri.split("/", 1)[0] if first else item.title
    return nav_rank(key)


def _make_nav_titles_safe(items: list) -> None:
    """Section titles come from folder names, link titles and explicit page titles from mkdocs.yml's nav."""
    for item in items:
        if isinstance(item, (Section, Link)) or "title" in vars(item):
            item.title = html_text(item.title) if isinstance(item.title, str) else item.title
        if isinstance(item, Section):
            _make_nav_titles_safe(item.children)


def _headings(page: Page) -> list[tuple[int, str, str]]:
    """The page's headings (level, title, URL); a page whose h1 is in its Markdown has its sections below it."""
    toc = list(page.toc)
    if len(toc) == 1 and toc[0].level == 1:
        toc = list(toc[0].children)
    return [(entry.level, entry.title, entry.url) for entry in toc]
