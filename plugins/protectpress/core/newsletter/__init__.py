"""Newsletters: Markdown letters that feature site pages, rendered into accessible emails and web versions.

`model` reads and validates the files, `markdown` and `text` render the two email parts from one parse,
`render` fills the MJML template and checks the `rules`, `rendered` fills in each reader, `web` writes the site
pages, `message` builds MIME.
In `render`: `render_email` makes one validated newsletter's email with the site's pages (what a build does for
each issue, through `render_all`); `render_email_outside_build` reads the site's pages itself first (a letter
that is not a file: the urgent notice, the confirmation email); `render_newsletter_file` reads and validates a
newsletter named by path or slug and renders it (`export`, `send`).
"""

from __future__ import annotations

from ..content.contentset import ContentSet
from ..foundation.problems import Problems
from ..foundation.settings import Settings
from .colours import report_colours
from .model import FeaturedPage, Newsletter, load_newsletters, resolve_features
from .render import render_email, render_newsletter_file, template_exists
from .rendered import NAME_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER, RenderedNewsletter, personalise
from .web import known_sources


def render_all(settings: Settings, content: ContentSet, problems: Problems, *,
               dev_server_url: str | None = None) -> list[tuple[Newsletter, RenderedNewsletter | None]]:
    """Validate and render every newsletter, drafts included, reporting every problem in the one list."""
    # A letter with errors in its file is judged too (items, body, email rules), so one run lists them all,
    # but it is never returned: only valid letters are published.
    judged = load_newsletters(settings, problems, with_errors=True)
    newsletters = [n for n in judged if not n.in_error]
    # Settings shared by every newsletter are checked once, so a mistake there is listed once.
    if not judged or not report_colours(settings.plugin.newsletter, problems, settings.config_file.name) \
            or not template_exists(settings, problems):
        return [(n, None) for n in newsletters]
    known = known_sources(settings, content)
    rendered = {n.path: render_email(settings, n, content, known, problems, dev_server_url=dev_server_url)
                for n in judged}
    return [(n, rendered[n.path]) for n in newsletters]


__all__ = ["NAME_PLACEHOLDER", "UNSUBSCRIBE_PLACEHOLDER", "FeaturedPage", "Newsletter", "RenderedNewsletter",
           "load_newsletters", "personalise", "render_all", "render_email", "render_newsletter_file",
           "resolve_features"]
