"""A rendered newsletter, and how it is filled in for each reader.

The email is rendered once, with placeholders for what changes per reader; `personalise` fills one reader's
name and links into a copy (escaped in the HTML), and `export` passes merge tags through `fill_placeholders`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..foundation.templates import html_text
from .model import DEFAULT_NAME, FeaturedPage

NAME_PLACEHOLDER = "[[pp:name]]"
FIRST_NAME_PLACEHOLDER = "[[pp:first_name]]"
UNSUBSCRIBE_PLACEHOLDER = "[[pp:unsubscribe]]"
# "Manage your email" (the subscriptions service's preferences page), when mkdocs.yml names the service.
MANAGE_PLACEHOLDER = "[[pp:manage]]"


@dataclass(frozen=True)
class RenderedNewsletter:
    slug: str
    source_path: str
    subject: str
    preheader: str
    date: dt.datetime
    sectors: tuple[str, ...]
    draft: bool
    html: str  # full email HTML, placeholders unfilled
    text: str  # plain-text part, placeholders unfilled
    web_url: str  # absolute URL of the web version
    content_hash: str  # sha256 hex of subject + html + text
    features: tuple[FeaturedPage, ...]  # the featured pages, resolved once: the web version shows the same ones
    publish_at: dt.datetime | None = None  # not sent to the list before this moment


def personalise(rendered: RenderedNewsletter, *, name: str | None, unsubscribe_url: str,
                first_name: str | None = None, manage_url: str | None = None) -> tuple[str, str]:
    """(html, text) for one reader: their name and first name (or "Partner" for either they lack), their
    unsubscribe link and their "Manage your email" link (the unsubscribe link when not given), escaped in the
    HTML."""
    shown = " ".join((name or "").split()) or DEFAULT_NAME
    first = " ".join((first_name or "").split()) or DEFAULT_NAME
    manage = unsubscribe_url if manage_url is None else manage_url
    return fill_placeholders(rendered, name_html=html_text(shown), name_text=shown,
                             first_name_html=html_text(first), first_name_text=first,
                             unsubscribe_html=html_text(unsubscribe_url),
                             unsubscribe_text=unsubscribe_url, manage_html=html_text(manage),
                             manage_text=manage)


def unsubscribe_mailto(address: str) -> str:
    """The `mailto:` unsubscribe link: in List-Unsubscribe, and in the email when no web address is set."""
    return f"mailto:{address}?subject=unsubscribe"


def fill_placeholders(rendered: RenderedNewsletter, *, name_html: str, name_text: str, unsubscribe_html: str,
                      unsubscribe_text: str, first_name_html: str | None = None,
                      first_name_text: str | None = None, manage_html: str | None = None,
                      manage_text: str | None = None) -> tuple[str, str]:
    """The one place placeholders are replaced; `personalise` escapes, `export` passes merge tags through.

    The first name falls back to what fills the whole name when not given; "Manage your email" to the
    unsubscribe link (an export has no per-reader preferences link)."""
    html = (rendered.html.replace(NAME_PLACEHOLDER, name_html)
            .replace(FIRST_NAME_PLACEHOLDER, name_html if first_name_html is None else first_name_html)
            .replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_html)
            .replace(MANAGE_PLACEHOLDER, unsubscribe_html if manage_html is None else manage_html))
    text = (rendered.text.replace(NAME_PLACEHOLDER, name_text)
            .replace(FIRST_NAME_PLACEHOLDER, name_text if first_name_text is None else first_name_text)
            .replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe_text)
            .replace(MANAGE_PLACEHOLDER, unsubscribe_text if manage_text is None else manage_text))
    return html, text
