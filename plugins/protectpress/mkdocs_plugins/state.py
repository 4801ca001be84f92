"""What one build knows, shared by the plugin's features: settings, content, and the one problem list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..core.content.contentset import ContentSet
from ..core.foundation.config import ConfigError, load_settings
from ..core.foundation.dependents import Dependents
from ..core.foundation.problems import ContentError, Problems, Severity
from ..core.foundation.settings import Settings

log = get_plugin_logger("protectpress")


@dataclass
class BuildState:
    settings: Settings
    problems: Problems
    # The one "now" of this build (the plugin's inputs.now): expiry, scheduling and review dates read this, never
    # the clock.
    now: dt.datetime
    serving: bool = False
    content: ContentSet = field(init=False)  # until the site feature reads the pages: none, as at `now`
    # Entries that features other than the site's pages contribute to the feeds (newsletter web versions).
    extra_feed_entries: list = field(default_factory=list)
    # What the build made, for its one closing line.
    counts: dict[str, int] = field(default_factory=lambda: {"pages": 0, "feeds": 0, "newsletters": 0})
    stopped_with: str | None = None  # the message the build stopped with, so the CLI does not print it twice
    # Entries every feed carries first, whatever their dates (the urgent notice).
    pinned_feed_entries: list = field(default_factory=list)
    # The links in each feed file this build wrote, by site-relative path, as the feed writer knows them: the link
    # check takes them from here instead of reading back and parsing the files (core/feeds/writers.py).
    feed_links: dict = field(default_factory=dict)
    # Where a page sits among its section's pages in the sidebar (0 first), by src_uri: see SiteFeature.on_nav.
    nav_ranks: dict[str, int] = field(default_factory=dict)
    # Pages whose Markdown carries this build's random token for the generated lists (site.py): never the same
    # twice, so their HTML is not kept for the next build (kept_work.py).
    renders_anew: set[str] = field(default_factory=set)
    # What each output (listing, feed, newsletter) was made from, recorded as it is made: the preview's quick
    # rebuild asks it what a saved page's change reaches (core/foundation/dependents.py).
    dependents: Dependents = field(default_factory=Dependents)
    _reported: int = 0

    def __post_init__(self) -> None:
        self.content = ContentSet({}, now=self.now)

    def report(self, heading: str = "The content has problems to fix") -> None:
        """Log new warnings and notes (so `--strict` counts them). Errors stop a preview at once, so that its
        error page comes quickly; a build carries on to find every problem of every file, and `finish` stops it."""
        new = self.problems.added_since(self._reported)
        self._reported = len(self.problems)
        for problem in new:
            if problem.severity is Severity.WARNING:
                log.warning(str(problem))
            elif problem.severity is Severity.INFO:
                log.info(str(problem))
        if self.serving and any(p.severity is Severity.ERROR for p in new):
            self.stop(heading)

    def finish(self) -> None:
        """At the end of a build: stop it if anything anywhere was an error."""
        self.report()
        if self.problems.errors:
            self.stop()

    def stop(self, heading: str = "The content has problems to fix") -> None:
        self.stopped_with = ContentError(self.problems.errors, heading).message
        raise PluginError(self.stopped_with)


def settings_from_mkdocs(config: MkDocsConfig) -> Settings:
    """The core's settings, read by the core from the same mkdocs.yml, with what MkDocs decided for this run:
    where it builds (a staging or preview folder) and the site's address (the preview server's under serve)."""
    try:
        return load_settings(config.config_file_path, site_dir=config.site_dir, site_url=config.site_url)
    except ConfigError as error:
        raise PluginError(f"mkdocs.yml has problems to fix:\n{error}") from None
