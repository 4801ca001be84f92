"""The typed items a valid page becomes (`Guidance`, `ActionCard`, `ConferenceWriteUp`, `NewsItem`, `Page`),
with what every channel asks of an item (is it live, its last update). The kinds themselves, with their folders
and labels, are core/foundation/site_paths.py's `ContentType`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..foundation.site_paths import ContentType


@dataclass(frozen=True)
class Change:
    """One entry of a page's change history (`changes:`), GOV.UK style: what changed and when."""

    date: dt.datetime
    note: str  # plain text, escaped wherever written
    major: bool = False  # worth telling partners: `protectpress check` lists it as a newsletter candidate


class ReadMeta:
    """A page's front matter as read (its YAML text and value), handed on once and then let go: held by the item
    for the whole build, once the site had made its own copy of a page's meta, it was about 2 KB a page of the
    build's peak memory (6 MB at 3,000 pages), and a second build given the same item would get a meta the
    first one had changed."""

    __slots__ = ("_read",)

    def __init__(self, yaml_text: str, data: dict[str, Any]) -> None:
        self._read: tuple[str, dict[str, Any]] | None = (yaml_text, data)

    def take(self) -> tuple[str, dict[str, Any]] | None:
        read, self._read = self._read, None
        return read


@dataclass(frozen=True)
class ContentItem:
    """One page of the site, validated. Subclasses name the published types."""

    kind: ClassVar[ContentType] = ContentType.PAGE

    src_uri: str  # relative to docs_dir, forward slashes
    path: str  # relative to the project, for messages
    title: str
    summary: str
    date: dt.datetime | None
    updated: dt.datetime | None
    review_by: dt.datetime | None
    tags: tuple[str, ...]
    sectors: tuple[str, ...]
    image: str | None
    image_alt: str | None
    draft: bool
    body: str  # the Markdown after the front matter, from its first line that is not blank (as MkDocs reads it)
    body_line: int  # the file line `body` starts on
    redirect_from: tuple[str, ...] = ()
    publish_at: dt.datetime | None = None  # not on the site before this moment
    scheduled: bool = False  # publish_at is still ahead at this build's "now": kept out like a draft
    changes: tuple[Change, ...] = ()  # newest first; the newest one's date is `updated`
    # The front matter's YAML and its value as the safe loader reads it, when it is exactly that (FrontMatter.
    # safe_loaded): MkDocs is given it instead of parsing the page's YAML a second time. Not part of the item's
    # identity, and handed on once only (mkdocs_plugins/page_source.py), as MkDocs changes the meta it holds.
    read_meta: ReadMeta | None = field(default=None, compare=False, repr=False)

    @property
    def latest_change(self) -> Change | None:
        return self.changes[0] if self.changes else None

    @property
    def is_live(self) -> bool:
        """On the public site now: neither a draft nor scheduled for later (core.foundation.dates.is_live, with
        `scheduled` worked out at the run's "now"). Everything that publishes asks this."""
        return not self.draft and not self.scheduled

    @property
    def last_updated(self) -> dt.datetime | None:
        """What feeds call `updated`: the `updated` date, or first publication."""
        return self.updated or self.date

    @property
    def is_published_type(self) -> bool:
        """Guidance, cards, write-ups and news go into feeds and listings; plain pages do not."""
        return self.kind is not ContentType.PAGE

    def in_sector(self, sector: str) -> bool:
        return sector in self.sectors or "all" in self.sectors


class Page(ContentItem):
    kind = ContentType.PAGE


class Guidance(ContentItem):
    kind = ContentType.GUIDANCE


class ActionCard(ContentItem):
    kind = ContentType.ACTION_CARD


class ConferenceWriteUp(ContentItem):
    kind = ContentType.CONFERENCE


class NewsItem(ContentItem):
    kind = ContentType.NEWS


ITEM_CLASSES: dict[ContentType, type[ContentItem]] = {
    cls.kind: cls for cls in (Page, Guidance, ActionCard, ConferenceWriteUp, NewsItem)
}
