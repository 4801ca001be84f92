"""The integrity feature: after every other feature has written its files, writes the redirect pages, checks
that every published address is still served, and checks every link in the pages, feeds and emails.

It must be the last feature (see features.py): the feeds and the newsletters' emails are written in their
own on_post_build. The preview (`mkdocs serve`) checks the links of every page and email too, so a broken one
shows on its problems page as `check` words it; it renders only the saved pages, so the links of the others
are remembered from when they were rendered (serve_cache.SCANNED). Left to `check` and `build`: the feeds
(the same pages' bodies again, and most of the check's time) and the published addresses (promises about the
published site, where the preview builds drafts).

A page's links are read from memory as MkDocs renders it, not from the written file: its own body on every
page, and the whole page (the theme's links and ids too) on the first page of each template in each folder.
The theme's links come from MkDocs' navigation and the page's settings, so they differ between pages only in
ways those few pages show; scanning the theme on every page was most of the check's time.
"""

from __future__ import annotations

from jinja2 import Environment, TemplateNotFound
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..core.checks.kept_scans import FILE_NAME as SCANS_FILE
from ..core.checks.kept_scans import KeptScans
from ..core.checks.linkcheck import BuiltSite, check_site_links
from ..core.checks.published import check_published, published_urls, read_record, record_path
from ..core.foundation.linkscan import ScannedHtml
from ..core.foundation.sealedmemory import SealedMemory, user_key
from ..core.newsletter.model import newsletter_files, newsletter_slug
from ..core.newsletter.web import web_src_uri
from ..core.site.redirects import plan_redirects, write_redirects
from ..core.site.search import INDEX_FOLDER
from . import serve_cache
from .state import BuildState


class IntegrityFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.sources: dict[str, str] = {}  # page URL path -> the project-relative file an author edits
        self.bodies: dict[str, ScannedHtml] = {}  # built file -> the links and ids scanned as it was rendered
        self.theme_seen: set[tuple[str, str, int]] = set()  # (template, folder, depth) whose theme was scanned
        self.body_ids: dict[str, frozenset[str]] = {}  # the preview's: built file -> the ids of its page's own body
        self.site: BuiltSite | None = None  # the site folder as the last check read it
        self.scans = KeptScans()  # each text scanned once a build; a build's scans kept for the next (on_env)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        dest = page.file.dest_uri
        folder = dest.split("/", 1)[0] if "/" in dest else ""
        shape = (str(page.meta.get("template") or "main.html"), folder, dest.count("/"))
        if shape in self.theme_seen:
            self.bodies[dest] = self.scans.html(page.content or "")
            body_ids = self.bodies[dest].ids
        else:
            self.theme_seen.add(shape)
            self.bodies[dest] = self.scans.html(output)
            body_ids = self.scans.html(page.content or "").ids if self.state.serving else frozenset()
        if self.state.serving:  # what a link's #fragment may name, compared from one save to the next
            self.body_ids[dest] = body_ids
        return output

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.sources = self._page_sources(files)
        # A build keeps what it scanned, sealed, for the next (the preview keeps nothing on disk, as kept_work).
        self.scans = KeptScans(None if self.state.serving else
                               SealedMemory(self.state.settings.cache_dir / SCANS_FILE, user_key()))
        self._check_templates(env, files)
        return env

    def _check_templates(self, env: Environment, files: Files) -> None:
        """A page's `template:` must exist before MkDocs renders it: a missing one is a traceback there (found
        by the fuzz tests). on_env runs after every page is read and before any is rendered. Drafts and scheduled
        pages too: the preview renders them (a draft's missing template stopped it as a fault of ours)."""
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            page = file.page
            name = page.meta.get("template") if page is not None else None
            if page is None or not isinstance(name, str) or not name:
                continue
            try:
                env.get_template(name)
            except TemplateNotFound:
                self.state.problems.error(self.sources.get(self.state.settings.links.page_path(file.src_uri),
                                                           file.src_uri),
                                          "expected a template of the theme or of overrides/, like main.html",
                                          repr(name), key="template")
                del page.meta["template"]  # reported: the build goes on with the default, to find the rest
        self.state.report("The pages have problems to fix")

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.check(config)

    def check(self, config: MkDocsConfig, site: BuiltSite | None = None) -> BuiltSite:
        """The redirects, the published addresses and the link check, over `site` (the preview's quick rebuild
        gives the one its last check saw, no file having come or gone) or the site folder read afresh. Returns
        the site checked; stops the build (`BuildState.finish`) if anything anywhere was an error."""
        settings, problems = self.state.settings, self.state.problems
        links = settings.links
        write_redirects(settings.site_dir, plan_redirects(self.state.content, links, problems), links, problems,
                        settings.language)
        site = site if site is not None else BuiltSite(settings.site_dir)
        self.site = site
        bodies = self.bodies
        known_good: frozenset[str] = frozenset()
        last = serve_cache.LinksChecked()
        # The site's files but the search index, which the preview rewrites in the background after each build.
        files = frozenset(f for f in site.files if not f.startswith(INDEX_FOLDER + "/"))
        if self.state.serving:
            # The pages not rendered this time (`--dirty`) keep what their last rendering held, and those whose
            # links were all good stay so while no file came or went and no page's ids changed.
            bodies = serve_cache.SCANNED.setdefault(str(settings.site_dir), {})
            last = serve_cache.LINKS_CHECKED.setdefault(str(settings.site_dir), last)
            known_good = last.known_good(files, self.body_ids)
            bodies.update(self.bodies)
        else:
            check_published(read_record(record_path(settings)), lambda url: site.file_for(url) is not None,
                            published_urls(settings, self.state.content), problems, settings)
        # The preview checks what authors write, pages and emails; the feeds carry the same pages' bodies again
        # (made absolute by the one link function) and are most of the check's time, so only check and build
        # read them.
        kinds = frozenset({"page", "email"}) if self.state.serving else frozenset({"page", "feed", "email"})
        report = check_site_links(settings.site_dir, links, self.sources, problems, project_dir=settings.project_dir,
                                  bodies=bodies, site=site, docs_path=settings.relative(settings.docs_dir),
                                  kinds=kinds, known_good=known_good, scans=self.scans,
                                  written=self.state.feed_links)
        self.scans.save()  # before `finish`, which stops a build with problems: a scan holds no verdict
        if self.state.serving:
            last.files = files
            last.good = frozenset(known_good | {f for f in report.checked if f in bodies} - report.with_broken)
        self.state.finish()
        return site

    def _page_sources(self, files: Files) -> dict[str, str]:
        settings = self.state.settings
        links = settings.links
        newsletters = {web_src_uri(newsletter_slug(f)): settings.relative(f) for f in newsletter_files(settings)}
        docs_dir, docs_prefix = str(settings.docs_dir), settings.relative(settings.docs_dir)  # once: it asks the OS
        sources = {}
        # Drafts and scheduled pages too: the preview builds them, and a problem in one names the file to fix.
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            if file.abs_src_path and file.generated_by is None:
                source = (f"{docs_prefix}/{file.src_uri}" if file.abs_src_path == f"{docs_dir}/{file.src_uri}"
                          else settings.relative(file.abs_src_path))
            else:
                source = newsletters.get(file.src_uri, f"{file.src_uri} (a generated page)")
            sources[links.page_path(file.src_uri)] = source
        return sources
