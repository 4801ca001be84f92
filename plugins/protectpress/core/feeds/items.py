"""Site pages -> feed entries: what a guidance page, action card, write-up or news item says in a feed."""

from __future__ import annotations

from ..content.model import ContentItem
from ..foundation.config import Settings
from .entry import FeedEntry
from .images import local_file


def entry_from_item(item: ContentItem, content_html: str, settings: Settings) -> FeedEntry:
    """One published page as a feed entry. `content_html` is the page body as MkDocs rendered it.

    The id is the page's canonical URL, so it survives rebuilds and `updated` changes; `updated` falls
    back to `date`, so that a changed `updated` date makes feed readers show the page again.
    """
    if item.date is None:  # the content schema requires a date for every published type
        raise ValueError(f"{item.path}: a published {item.kind.value} has no date")
    links = settings.links
    url = links.page_url(item.src_uri)
    image = links.absolute(item.image, from_src=item.src_uri) if item.image else None
    return FeedEntry(
        id=url,
        url=url,
        title=item.title,
        summary=item.summary,
        published=item.date,
        updated=item.last_updated or item.date,
        content_html=content_html,
        page_path=links.page_path(item.src_uri),
        source_path=item.path,
        kind=item.kind.value,
        tags=item.tags,
        sectors=item.sectors,
        image=image,
        image_alt=item.image_alt,
        image_length=_local_size(image, settings) if image else 0,
        change_note=item.latest_change.note if item.latest_change else "",
    )


def _local_size(image_url: str, settings: Settings) -> int:
    """The size in bytes of an image this site publishes, else 0 (unknown)."""
    local = local_file(image_url, settings)
    return local.stat().st_size if local else 0
