"""The notice feature: docs/notice.md becomes a banner on every page and the first entry of every feed, not a
page of its own. What the notice is, and when it is live, is decided in core/project/notice.py."""

from __future__ import annotations

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from ..core.content.model import NOTICE_SOURCE
from ..core.project.notice import Notice, banner, live_notice, notice_feed_entry
from .state import BuildState


class NoticeFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.notice: Notice | None = None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        source = files.get_file_from_path(NOTICE_SOURCE)
        if source is not None:
            files.remove(source)
        settings = self.state.settings
        self.notice = live_notice(settings, self.state.problems, self.state.now)
        self.state.pinned_feed_entries = (
            [notice_feed_entry(self.notice, settings, self.state.now)] if self.notice else []
        )
        self.state.report("docs/notice.md has problems to fix")
        return files

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # A global, like the emergency line, so the 404 and offline pages carry the banner too.
        env.globals["pp_notice"] = banner(self.notice, self.state.settings) if self.notice else None
        return env
