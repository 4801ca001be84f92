"""What a page tells search engines and link previews: descriptions, titles, sitemap dates, robots.txt and the
preview picture."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .images import PREVIEW_SIZE
from ..foundation.links import SiteLinks

# Where the build writes the link-preview picture (core/site/images.py), unless the theme or docs have their own.
PREVIEW_IMAGE = "assets/images/preview.png"

# Search engines and link previews cut longer descriptions wherever they like, often mid-word.
DESCRIPTION_LIMIT = 160
_ELLIPSIS = "…"


def short_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` on one line, at most `limit` characters, cut at the end of a word with an ellipsis if it is longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(_ELLIPSIS) + 1]
    cut = cut[: cut.rfind(" ")] if " " in cut else cut[: limit - len(_ELLIPSIS)]
    return cut.rstrip(" ,;:.-–—") + _ELLIPSIS


# A guidance page lists its sections under its title (GOV.UK's contents list) from this many sections; a
# newsletter's web version, read as a whole letter, from two.
CONTENTS_MINIMUM = 4
_NEWSLETTER_CONTENTS_MINIMUM = 2


def wants_contents(sections: int, *, newsletter: bool = False) -> bool:
    """Whether a page with this many sections (h2s) shows a contents list under its title."""
    return sections >= (_NEWSLETTER_CONTENTS_MINIMUM if newsletter else CONTENTS_MINIMUM)


def listing_title(label: str, noun: str) -> str:
    """The browser title of a topic or sector listing, which may share its label with a page ("Martyn's Law")."""
    return f"{noun.capitalize()}: {label}"


def lastmod(value: dt.datetime | None) -> str | None:
    """A sitemap `lastmod`: the day a page last changed by its own dates, never the day of the build."""
    return f"{value:%Y-%m-%d}" if value else None


def robots_txt(links: SiteLinks) -> str:
    """Allow everything and point crawlers at the sitemap by its absolute address, as robots.txt requires."""
    return f"User-agent: *\nAllow: /\nSitemap: {links.absolute('/sitemap.xml')}\n"


@dataclass(frozen=True)
class PreviewImage:
    """A page's `og:image`: absolute, as link previews are fetched from other sites."""

    url: str
    width: int
    height: int
    alt: str
    media_type: str = "image/png"


def preview_image(links: SiteLinks, site_name: str) -> PreviewImage:
    """The one preview picture for every page: the site's shield, described by the site's name."""
    width, height = PREVIEW_SIZE
    return PreviewImage(url=links.absolute("/" + PREVIEW_IMAGE), width=width, height=height,
                        alt=f"The {site_name} shield")
