"""`ContentSet`: every valid page of the site at once, and the checks and advice that look across pages
(titles used twice, reviews overdue, action cards too long to print).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..foundation.dates import iso_day, parse_date
from ..foundation.nearest import nearest_pages
from ..foundation.problems import Problems
from ..foundation.site_paths import ContentType
from .items import ContentItem
from .print_size import print_size

# About what fits on one printed A4 page beside the card's heading and emergency line.
ACTION_CARD_WORD_LIMIT = 320


# ----------------------------------------------------------------------------------------------------------
# The whole content set.


@dataclass
class ContentSet:
    """Every valid page of the site, by source path, with the checks that look across pages."""

    items: dict[str, ContentItem]
    # Pages that exist but failed validation: their own problems are reported, so nothing that links to or
    # features them reports a second, misleading one ("not a page of the site").
    invalid: frozenset[str] = frozenset()

    def exists(self, src_uri: str) -> bool:
        return src_uri in self.items or src_uri in self.invalid
    now: dt.datetime = field(kw_only=True)  # what scheduled items were judged against: the run's one "now"

    def published(self, *, include_drafts: bool = False) -> list[ContentItem]:
        """Items that belong in feeds and listings, newest first (`include_drafts`: scheduled ones too)."""
        chosen = [i for i in self.items.values() if i.is_published_type and (include_drafts or i.is_live)]
        return sorted(chosen, key=lambda i: (i.last_updated, i.src_uri), reverse=True)

    def of_type(self, kind: ContentType, *, include_drafts: bool = False) -> list[ContentItem]:
        return [i for i in self.published(include_drafts=include_drafts) if i.kind is kind]

    def nearest(self, src_uri: str, count: int = 3) -> list[str]:
        """The real pages whose paths look most like `src_uri`: for "did you mean" in messages."""
        return nearest_pages(src_uri, [*self.items, *self.invalid], count=count)


def check_content_set(content: ContentSet, problems: Problems, *, now: dt.datetime) -> None:
    """Checks that need every page at once, and advice that never blocks. `now` is the build's one "now" (a
    review falls due on its day, so a build `--at` a moment says what was overdue then)."""
    due = parse_date(now.date())
    seen: dict[tuple[ContentType, str], ContentItem] = {}
    for item in sorted(content.items.values(), key=lambda i: i.src_uri):
        key = (item.kind, item.title.casefold())
        if key in seen and item.kind is not ContentType.PAGE:
            problems.warning(item.path, f"expected a title not used by another {item.kind.value} page "
                             f"({seen[key].path} has it too)", repr(item.title), key="title")
        seen.setdefault(key, item)
        if item.review_by and item.review_by < due:
            problems.info(
                item.path,
                "expected a review by the review_by date",
                f"{iso_day(item.review_by)}, now overdue",
                key="review_by",
            )
        if item.kind is ContentType.ACTION_CARD:
            words = len(item.body.split())
            if words > ACTION_CARD_WORD_LIMIT:
                problems.warning(item.path, f"expected an action card of at most about {ACTION_CARD_WORD_LIMIT} words "
                                 "so that it prints on one A4 page", f"{words} words")
            elif not (size := print_size(item.body)).fits:
                # Few words can still be too many lines: each step and heading takes a line however short it is.
                problems.warning(item.path, "expected an action card short enough to print on one A4 page at 10pt "
                                 "(fewer steps or headings)", f"about {size.lines:.0f} printed lines")
