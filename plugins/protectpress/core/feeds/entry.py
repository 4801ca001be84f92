"""One feed entry, whatever produced it: a site page or a newsletter's web version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class FeedEntry:
    id: str  # the page's canonical absolute URL: permanent, never changed by a rebuild
    url: str  # absolute link to the page
    title: str
    summary: str
    published: dt.datetime  # tz-aware
    updated: dt.datetime  # tz-aware; `updated` date, else `published`
    content_html: str  # the page body as rendered; the feed builder sanitises it and makes links absolute
    page_path: str  # the page's site-relative URL path, the base for its relative links (e.g. "guidance/pals/")
    source_path: str  # project-relative source file, named in warnings
    kind: str  # guidance | action-card | conference | news | newsletter
    tags: tuple[str, ...] = ()  # topic slugs
    sectors: tuple[str, ...] = ()  # sector slugs; "all" means every sector
    image: str | None = None  # absolute URL
    image_alt: str | None = None
    image_length: int = 0  # the image's size in bytes when known (RSS enclosures want it; 0 means unknown)
    change_note: str = ""  # the page's newest change note (`changes:`), plain text, shown with its updated date
