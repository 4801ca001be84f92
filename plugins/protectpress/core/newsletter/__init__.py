"""Newsletters: Markdown letters that feature site pages, rendered into accessible emails and web versions.

`model` reads and validates the files, `markdown` and `text` render the two email parts from one parse,
`render` fills the MJML template and checks the `rules`, `web` writes the site pages, `message` builds MIME.
"""

from __future__ import annotations

from ..content.model import ContentSet
from ..foundation.config import Settings
from ..foundation.problems import Problems
from .colours import report_colours
from .model import Feature, Newsletter, load_newsletters, resolve_features
from .render import (
    NAME_PLACEHOLDER,
    UNSUBSCRIBE_PLACEHOLDER,
    RenderedNewsletter,
    personalise,
    render,
    render_newsletter,
    template_exists,
)
from .web import known_sources


def render_all(settings: Settings, content: ContentSet, problems: Problems, *,
               dev_server_url: str | None = None) -> list[tuple[Newsletter, RenderedNewsletter | None]]:
    """Validate and render every newsletter, drafts included, reporting every problem in the one list."""
    newsletters = load_newsletters(settings, problems)
    # Settings shared by every newsletter are checked once, so a mistake there is listed once.
    if not newsletters or not report_colours(settings.plugin.newsletter, problems, settings.config_file.name) \
            or not template_exists(settings, problems):
        return [(n, None) for n in newsletters]
    known = known_sources(settings, content)
    return [(n, render(settings, n, content, known, problems, dev_server_url=dev_server_url)) for n in newsletters]


__all__ = ["NAME_PLACEHOLDER", "UNSUBSCRIBE_PLACEHOLDER", "Feature", "Newsletter", "RenderedNewsletter",
           "load_newsletters", "personalise", "render", "render_all", "render_newsletter", "resolve_features"]
