"""What the search index records about a page: its kind, topics, sectors and date, as Pagefind filters, metadata
and a sort key that the theme writes into hidden elements of each page (search.py indexes them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..content.items import ContentItem
from ..foundation.dates import human, iso_day
from ..foundation.settings import Vocabulary
from ..foundation.site_paths import FOLDER_INDEX, NEWSLETTER_LABEL, listing_group


@dataclass(frozen=True)
class SearchRecord:
    """What the index keeps about one page besides its text: shown in results and used to narrow them."""

    type_label: str
    date_iso: str | None = None  # the sort key ("newest first"); pages without a date drop out of that order
    date_label: str | None = None  # "27 March 2023", shown in results
    topics: tuple[str, ...] = ()  # labels, not slugs: the filter shows them as they are
    sectors: tuple[str, ...] = ()  # every sector the page is found under (a page for all sectors: each one)
    sector_names: tuple[str, ...] = ()  # the sectors as the page states them, shown in a result ("All sectors")

    @property
    def topics_label(self) -> str:
        """The result's topic line: labels as a reader knows them, never slugs."""
        return ", ".join(self.topics)

    @property
    def sectors_label(self) -> str:
        return ", ".join(self.sector_names)


def record_for(item: ContentItem, vocabulary: Vocabulary) -> SearchRecord:
    """A page's record, dated by its last significant change."""
    return _record(item.kind.label, item.updated or item.date, item.tags, item.sectors, vocabulary)


def excluded_from_search(search: Any) -> bool:
    """Whether a page's front matter leaves it out of search: `search: {exclude: true}`, as Material reads it."""
    return isinstance(search, dict) and search.get("exclude") is True


def listing_record(src_uri: str) -> SearchRecord:
    """A page we generated, with no item of its own (its lists are left out with data-pagefind-ignore): a topic's
    or sector's listing says which it is; a group's index is a plain page."""
    folder, _, name = src_uri.rpartition("/")
    group = listing_group(folder)
    return SearchRecord(type_label=group.label if group is not None and name != FOLDER_INDEX else "Page")

def newsletter_record(date: dt.datetime | None, sectors: tuple[str, ...], vocabulary: Vocabulary) -> SearchRecord:
    """A newsletter's web version: dated by its issue, for the sectors it was sent to."""
    return _record(NEWSLETTER_LABEL, date, (), sectors, vocabulary)


def _record(type_label: str, date: dt.datetime | None, tags: tuple[str, ...], sectors: tuple[str, ...],
            vocabulary: Vocabulary) -> SearchRecord:
    # A page for all sectors is found under every sector, as the sector listings list it, but its result says
    # "All sectors" once rather than naming thirteen. Labels in vocabulary order, each once, whatever the
    # front matter repeats.
    sector_labels = tuple(label for slug, label in vocabulary.sectors.items()
                          if slug in sectors or (slug != "all" and "all" in sectors))
    stated = ("all",) if "all" in sectors else sectors
    return SearchRecord(type_label=type_label, date_iso=iso_day(date) if date else None,
                        date_label=human(date) if date else None,
                        topics=tuple(label for slug, label in vocabulary.tags.items() if slug in tags),
                        sectors=sector_labels,
                        sector_names=tuple(label for slug, label in vocabulary.sectors.items() if slug in stated))
