"""What one build knows, shared by the plugin's features: settings, content, and the one problem list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..core.config import PluginSettings, Settings, read_plugin_settings
from ..core.content import ContentSet
from ..core.problems import ContentError, Problems, Severity

log = get_plugin_logger("protectpress")


@dataclass
class BuildState:
    settings: Settings
    problems: Problems
    serving: bool = False
    # The one "now" of this build (core.dates.build_now): expiry and scheduling all read this, never the clock.
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    content: ContentSet = field(default_factory=lambda: ContentSet({}))
    # Entries that features other than the site's pages contribute to the feeds (newsletter web versions).
    extra_feed_entries: list = field(default_factory=list)
    # Entries every feed carries first, whatever their dates (the urgent notice).
    pinned_feed_entries: list = field(default_factory=list)
    # Where a page sits among its section's pages in the sidebar (0 first), by src_uri: see SiteFeature.on_nav.
    nav_ranks: dict[str, int] = field(default_factory=dict)
    _reported: int = 0

    def report(self, heading: str = "The content has problems to fix") -> None:
        """Log new warnings and notes (so `--strict` counts them) and stop the build on new errors."""
        new = self.problems.added_since(self._reported)
        self._reported = len(self.problems)
        for problem in new:
            if problem.severity is Severity.WARNING:
                log.warning(str(problem))
            elif problem.severity is Severity.INFO:
                log.info(str(problem))
        errors = [p for p in new if p.severity is Severity.ERROR]
        if errors:
            raise PluginError(ContentError(errors, heading).message)


def settings_from_mkdocs(config: MkDocsConfig, plugin_config: dict, problems: Problems) -> Settings:
    """Our core `Settings` from MkDocs' already-validated config and our plugin block."""
    config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
    plugin: PluginSettings = read_plugin_settings(dict(plugin_config), problems, config_file.name)
    extensions, mdx_configs = [], dict(config.mdx_configs)
    for extension in config.markdown_extensions:
        extensions.append(extension if isinstance(extension, str) else type(extension).__module__)
    custom_dir = config.theme.custom_dir
    return Settings(
        project_dir=config_file.parent,
        config_file=config_file,
        site_name=config.site_name or "",
        site_url=config.site_url or "",
        site_description=config.site_description or "",
        site_author=config.site_author or "",
        docs_dir=Path(config.docs_dir),
        site_dir=Path(config.site_dir),
        use_directory_urls=config.use_directory_urls,
        markdown_extensions=extensions,
        mdx_configs=mdx_configs,
        custom_dir=Path(custom_dir) if custom_dir else None,
        plugin=plugin,
    )
