"""The Content-Security-Policy feature: puts core/site/csp.py's policy into every page MkDocs writes and `_headers`.

Each page's policy allows the inline scripts that page runs, by the hashes of their text worked out from its
own HTML as MkDocs wrote it (core/site/csp.py), so a template that changes its inline scripts needs nothing here.
The preview (`protectpress serve`) carries none: MkDocs' live reload is an inline script of its own.
Each whole page is also judged for event handlers and script addresses the theme may have written.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from ..core.foundation.site_paths import EMAIL_HTML, WEB_FOLDER
from ..core.judge.built_page import BuiltPage
from ..core.judge.content_policy import check_built_page
from ..core.site import csp
from .state import BuildState

HEADERS_FILE = "_headers"


class CspFeature:
    def __init__(self, state: BuildState) -> None:
        self.state = state
        self.active = not state.serving
        self.scripts: set[str] = set()
        self.styles: set[str] = set()
        service = csp.origin_of(state.settings.plugin.sending.unsubscribe_url or "")
        self.form_targets = (service,) if service else ()  # the sign-up form posts to the service
        # A page's policy by its hashes: the theme's pages share a few (10 µs a page to write one afresh).
        self.policies: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if not self.active:
            return output
        settings = self.state.settings
        body = page.content or ""
        read = BuiltPage(output, body)  # its bytes once, for both first looks
        # The body was judged already, with its lines: what is left is what the theme wrote around it.
        source = page.file.abs_src_path
        check_built_page((lambda: settings.relative(source)) if source else page.file.src_uri, output,
                         self.state.problems, body=body, page=read)
        return self._with_policy(output, body, read)

    def on_post_template(self, output: str, *, template_name: str, config: MkDocsConfig) -> str:
        """The theme's pages that are not documents (404.html, offline.html)."""
        if not self.active or not template_name.endswith(".html"):
            return output
        read = BuiltPage(output)
        check_built_page(template_name, output, self.state.problems, page=read)
        return self._with_policy(output, "", read)

    def _with_policy(self, html: str, body: str, read: BuiltPage) -> str:
        scripts, styles = csp.page_hashes(html, body=body, page=read)
        self.scripts.update(scripts)
        self.styles.update(styles)
        key = (tuple(scripts), tuple(styles))
        policy = self.policies.get(key)
        if policy is None:
            if len(self.policies) >= 1024:  # a theme writing a script of its own into each page
                self.policies.clear()
            policy = self.policies[key] = csp.site_policy(scripts, styles, form_targets=self.form_targets)
        return csp.with_policy(html, policy)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.active:
            return
        site_dir = self.state.settings.site_dir
        emails = sorted(path.relative_to(site_dir).as_posix() for path in site_dir.glob(f"{WEB_FOLDER}/*/{EMAIL_HTML}"))
        (site_dir / HEADERS_FILE).write_text(
            csp.headers_file(csp.site_policy(self.scripts, self.styles, header=True, form_targets=self.form_targets),
                             emails), encoding="utf-8")
