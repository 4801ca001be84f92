"""The newsletter feature: renders every newsletter through the core, adds each web version and the archive as
generated pages, hands web versions to the feeds, writes `email.html` and `email.txt`, and watches the
newsletter sources and the email template under `mkdocs serve`. Drafts render (so they are checked and can
be previewed under serve) but are never published by a build."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from ..core.feeds.entry import FeedEntry
from ..core.foundation.dependents import Carries
from ..core.foundation.site_paths import ARCHIVE_SRC_URI, EMAIL_HTML, EMAIL_TEXT, NEWSLETTER_KIND
from ..core.newsletter import RenderedNewsletter, render_all
from ..core.newsletter.model import Newsletter
from ..core.newsletter.render import preview, template_path
from ..core.newsletter.sender import sender_name_problem
from ..core.newsletter.web import archive_markdown, web_markdown, web_src_uri
from ..core.site.csp import EMAIL_POLICY, with_policy
from ..core.site.metadata import lastmod
from ..core.site.page_facts import preview_status
from .mkdocs_words import MKDOCS_DRAFT_MARKER
from .state import BuildState

if TYPE_CHECKING:  # serve only: a build does not load MkDocs' livereload
    from mkdocs.livereload import LiveReloadServer


class NewsletterFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.published: dict[str, tuple[Newsletter, RenderedNewsletter]] = {}  # by web version src_uri

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        settings = self.state.settings
        if not settings.plugin.newsletter.enabled:
            return files
        _drop_email_templates(files, template_path(settings).parent)
        # Under serve, MkDocs has set site_url to the dev server, so links in the preview work locally.
        dev_server_url = settings.site_url if self.state.serving else None
        rendered = render_all(settings, self.state.content, self.state.problems, dev_server_url=dev_server_url)
        sender_name = sender_name_problem(settings)  # in every From header: `check` names it before a send does
        if sender_name is not None:
            self.state.problems.extend([sender_name])
        self.state.report("The newsletters have problems to fix")
        self.published = {web_src_uri(n.slug): (n, email) for n, email in rendered
                          if email is not None and (self.state.serving or n.is_live(self.state.now))}
        for src_uri, (newsletter, email) in self.published.items():
            for feature in email.features:  # a page embedded whole carries its body into the email
                self.state.dependents.record((feature.page.src_uri,), src_uri,
                                             Carries.BODY if feature.item.full else Carries.FRONT_MATTER)
            files.append(File.generated(config, src_uri, content=web_markdown(settings, newsletter, email.features),
                                        inclusion=InclusionLevel.DRAFT if not newsletter.is_live(self.state.now) else
                                        InclusionLevel.UNDEFINED))
        newest_first = sorted(self.published, key=lambda src: (self.published[src][0].date, src), reverse=True)
        self.state.nav_ranks.update({src_uri: rank for rank, src_uri in enumerate(newest_first)})
        if rendered and files.get_file_from_path(ARCHIVE_SRC_URI) is None:
            issues = [n for n, _ in self.published.values() if n.is_live(self.state.now)]
            files.append(File.generated(config, ARCHIVE_SRC_URI, content=archive_markdown(issues)))
        return files

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        # The sitemap's lastmod: an issue's date, and the newest issue's for the archive (never the build date).
        if page.file.src_uri == ARCHIVE_SRC_URI:
            dates = [newsletter.date for newsletter, _ in self.published.values() if not newsletter.draft]
            page.update_date = lastmod(max(dates) if dates else None) or page.update_date
        elif page.file.src_uri in self.published:
            page.update_date = lastmod(self.published[page.file.src_uri][0].date) or page.update_date
        return None

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        published = self.published.get(page.file.src_uri)
        if published is not None and published[0].is_live(self.state.now):
            self.state.extra_feed_entries.append(self._feed_entry(*published, html))
        return html

    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        # In the preview, a web version not yet live says so in the banner pages have (MkDocs' own "DRAFT" marker,
        # unstyled, is taken out in on_post_page), and when it goes live.
        published = self.published.get(page.file.src_uri) if self.state.serving else None
        if published is not None:
            context["pp_preview_status"] = preview_status(published[0], self.state.now)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        published = self.published.get(page.file.src_uri) if self.state.serving else None
        if published is not None and preview_status(published[0], self.state.now) is not None:
            output = output.replace(MKDOCS_DRAFT_MARKER, "", 1)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.state.counts["newsletters"] = sum(1 for newsletter, _ in self.published.values() if not newsletter.draft)
        for src_uri, (_, email) in self.published.items():
            folder = self.state.settings.site_dir / src_uri[: -len(".md")]
            folder.mkdir(parents=True, exist_ok=True)
            html, text = preview(email, self.state.settings)
            # The published copy only, with the policy of a page that runs no script (the email sent is unchanged).
            (folder / EMAIL_HTML).write_text(with_policy(html, EMAIL_POLICY), encoding="utf-8")
            (folder / EMAIL_TEXT).write_text(text, encoding="utf-8")

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        settings = self.state.settings
        # Not recursive for newsletters/: a send writes its journal to newsletters/.sends/, and a rebuild per
        # journal write would make `make serve` spin while a campaign runs.
        for path, recursive in ((settings.newsletters_dir, False), (template_path(settings).parent, True)):
            if path.exists():
                server.watch(str(path), recursive=recursive)
        return server

    def _feed_entry(self, newsletter: Newsletter, email: RenderedNewsletter, html: str) -> FeedEntry:
        links = self.state.settings.links
        src_uri = web_src_uri(newsletter.slug)
        return FeedEntry(id=links.page_url(src_uri), url=links.page_url(src_uri), title=newsletter.subject,
                         summary=newsletter.preheader, published=newsletter.date, updated=newsletter.date,
                         content_html=html, page_path=links.page_path(src_uri), source_path=newsletter.path,
                         kind=NEWSLETTER_KIND, sectors=newsletter.sectors)


def _drop_email_templates(files: Files, folder: Path) -> None:
    """The email template lives in the theme's custom_dir, which MkDocs would otherwise publish as is."""
    folder = folder.resolve()
    # Each folder resolved once, not each of a thousand pages: only a file that is itself a link needs its own.
    folders: dict[str, Path] = {}
    for file in list(files):
        if not file.abs_src_path:
            continue
        parent, name = os.path.split(file.abs_src_path)
        if parent not in folders:
            folders[parent] = Path(parent).resolve()
        resolved = Path(file.abs_src_path).resolve() if os.path.islink(file.abs_src_path) else folders[parent] / name
        if resolved.is_relative_to(folder):
            files.remove(file)
