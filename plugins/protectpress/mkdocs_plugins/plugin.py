"""The `protectpress` MkDocs plugin: one plugin block, several features, each a thin adapter over the core.

MkDocs calls the plugin; the plugin hands each event to its features in the order features.py lists
them (notice, site, newsletter, feeds, search, csp, offline, then the integrity checks).
A feature is a small class with any of the hook methods below; the shared `BuildState` carries the settings,
the validated content and the one problem list between them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from ..core.foundation.dates import DateError, build_now
from ..core.foundation.problems import Problems
from . import serve_cache
from .config import ProtectpressConfig
from .features import load_features
from .state import BuildState, settings_from_mkdocs
from .theme_files import list_theme_files_without_hidden_folders

if TYPE_CHECKING:  # the preview server and MkDocs' livereload (and watchdog) serve only: a build loads neither
    from mkdocs.livereload import LiveReloadServer


@dataclass(frozen=True)
class BuildInputs:
    """What `protectpress build`, `check` and `serve` hand the plugin for one build (cli/build.py build_site),
    through `ProtectpressPlugin.inputs_of_one_build`. Outside it, these defaults: what a plain `mkdocs build` or
    `mkdocs serve` has."""

    # The run's one "now"; None: each build takes its own once (core.foundation.dates.build_now).
    now: dt.datetime | None = None
    # Given each page as it is written (its path inside the site folder, its final HTML): `protectpress build`
    # hands them to the search indexer while the build goes on.
    page_sink: Callable[[str, str], None] | None = None


class ProtectpressPlugin(BasePlugin[ProtectpressConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.inputs = BuildInputs()
        self.serving = False
        self.features: list[Any] = []
        self.state: BuildState | None = None
        self._hooks_of: list[Any] | None = None  # the features whose methods `_hooks_by_event` holds
        self._hooks_by_event: dict[str, tuple[Callable[..., Any], ...]] = {}
        # Under serve: the build's files, navigation and template environment, which the preview keeps to render
        # a saved page again without a whole build (mkdocs_plugins/preview_rebuild.py).
        self.files: Files | None = None
        self.nav: Navigation | None = None
        self.env: Environment | None = None

    @contextlib.contextmanager
    def inputs_of_one_build(self, inputs: BuildInputs) -> Iterator[None]:
        """Hold one build's inputs while it runs, and nothing an earlier build left. MkDocs keeps one instance of
        a plugin with `on_startup` for the whole process (its `plugin_cache`, for `mkdocs serve`), so the same
        object serves every build in it: a page sink left by one build fed the next build's pages to a finished
        indexer (reading a staging folder that was gone), and a "now" left by one would date the next. So every
        input is handed over whole on entry, what the last build made is let go, and on leaving the defaults are
        back (the preview's rebuilds of saved pages, after the build, feed no indexer)."""
        self.inputs = inputs
        self.state, self.features = None, []
        self.files = self.nav = self.env = None
        try:
            yield
        finally:
            self.inputs = BuildInputs()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        try:
            now = self.inputs.now if self.inputs.now is not None else build_now()
        except DateError as error:
            raise PluginError(f"protectpress: {error}") from None
        self.state = BuildState(settings=settings_from_mkdocs(config), problems=Problems(), serving=self.serving,
                                now=now)
        if self.serving:
            serve_cache.remember_problems(self.state.problems)  # each rebuild is a new plugin: see on_serve
        self.features = load_features(self.state)
        list_theme_files_without_hidden_folders(config.theme)
        return self._each("on_config", config)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._each("on_pre_build", config=config)

    # Run before other plugins (search, Material's) see the files, so drafts and generated pages are settled.
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        return self._each("on_files", files, config=config)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        result = self._each("on_nav", nav, config=config, files=files)
        if self.serving:
            self.nav = result if result is not None else nav
        return result

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        return self._each("on_page_markdown", markdown, page=page, config=config, files=files)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        return self._each("on_page_content", html, page=page, config=config, files=files)

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        return self._each("on_page_context", context, page=page, config=config, nav=nav)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        final = self._each("on_post_page", output, page=page, config=config)
        if self.inputs.page_sink is not None and self.state is not None:
            # The last plugin (there is no other in mkdocs.yml): this is the HTML MkDocs writes.
            self.inputs.page_sink(page.file.dest_uri, final if final is not None else output)
        return final

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        return self._each("on_post_template", output_content, template_name=template_name, config=config)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment | None:
        result = self._each("on_env", env, config=config, files=files)
        if self.serving:
            self.files, self.env = files, result if result is not None else env
        return result

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        return self._each("on_template_context", context, template_name=template_name, config=config)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._each("on_post_build", config=config)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer | None:
        from .preview_server import keep_answering

        server = self._each("on_serve", server, config=config, builder=builder) or server
        if self.state is not None:
            # A plain `mkdocs serve` (protectpress serve has its own builder and server): a failed rebuild shows
            # the problems page instead of leaving the browser waiting.
            keep_answering(server, serve_cache.latest_problems, self.state.settings.language)
        return server

    def _each(self, event: str, *args: Any, **kwargs: Any) -> Any:
        """Call `event` on every feature that has it, threading the returned value through like MkDocs does."""
        if self.state is None or not self.config.enabled:
            return None
        value = args[0] if args else None
        for hook in self._hooks(event):
            result = hook(value, *args[1:], **kwargs) if args else hook(**kwargs)
            if args and result is not None:
                value = result
        return value if args else None

    def _hooks(self, event: str) -> tuple[Callable[..., Any], ...]:
        """The features' methods for `event`, in the features' order, looked up once per list of features: four
        page events asked each of twelve features for a method most do not have, on every page."""
        if self._hooks_of is not self.features:
            self._hooks_of, self._hooks_by_event = self.features, {}
        hooks = self._hooks_by_event.get(event)
        if hooks is None:
            hooks = self._hooks_by_event[event] = tuple(
                hook for feature in self.features if (hook := getattr(feature, event, None)) is not None)
        return hooks
