"""The offline feature: writes the service worker and the manifest that core/site/offline.py makes.

Under `mkdocs serve` no worker is registered (a worker would keep showing the preview's old pages), and the
retiring worker is written instead, so one left in a browser by an earlier visit removes itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.utils import normalize_url

from ..core.content.model import ContentType
from ..core.site import offline
from .state import BuildState


class OfflineFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.settings = state.settings.plugin.offline
        self.active = self.settings.enabled and not state.serving
        self.has_offline_page = False

    def on_config(self, config: MkDocsConfig) -> None:
        if not self.active:
            return
        # A theme template, like 404.html: outside the navigation, search and sitemap. A project whose theme
        # folder lacks it still gets its worker; uncached pages then fail as the browser's own offline page.
        self.has_offline_page = any((Path(folder) / offline.OFFLINE_PAGE).is_file() for folder in config.theme.dirs)
        if self.has_offline_page:
            config.theme.static_templates.add(offline.OFFLINE_PAGE)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        env.globals["pp_offline"] = {"worker": offline.WORKER_NAME, "manifest": offline.MANIFEST_NAME,
                                     "theme_colour": self.settings.theme_colour} if self.active else None
        return env

    def on_template_context(
        self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig
    ) -> dict[str, Any]:
        if template_name != offline.OFFLINE_PAGE:
            return context
        # The worker shows this page at whatever address could not be reached, so its links must not be
        # relative to its own file: absolute from the site's root, as MkDocs does for 404.html.
        base = urlsplit(config.site_url or "/").path or "/"
        context["base_url"] = base
        context["extra_css"] = [normalize_url(str(path), None, base) for path in config.extra_css]
        context["extra_javascript"] = [normalize_url(str(script), None, base) for script in config.extra_javascript]
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        if not self.active:
            (site_dir / offline.WORKER_NAME).write_text(offline.RETIRING_WORKER, encoding="utf-8")
            return
        links = self.state.settings.links
        cards = [links.page_path(card.src_uri) for card in self.state.content.of_type(ContentType.ACTION_CARD)]
        pages = ["", links.page_path("action-cards/index.md"), *cards]
        if self.has_offline_page:
            pages.append(offline.OFFLINE_PAGE)
        plan = offline.plan_offline(site_dir, pages)
        (site_dir / offline.WORKER_NAME).write_text(plan.worker_script(), encoding="utf-8")
        settings = self.state.settings
        icons = [(path, size) for path, size in offline.ICONS if (site_dir / path).is_file()]
        (site_dir / offline.MANIFEST_NAME).write_text(offline.manifest_text(
            name=settings.site_name, description=settings.site_description,
            theme_colour=self.settings.theme_colour, background_colour=self.settings.background_colour,
            icons=icons), encoding="utf-8")
