"""The order of the site's navigation: the top level by what each entry is (home, each kind of page, the
newsletters, the listings, then the service pages, with accessibility and privacy last), and within a section
its index page, then its ranked pages, then the rest as the site generator found them."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from ..foundation.site_paths import (
    ABOUT_PAGE,
    ACCESSIBILITY_PAGE,
    FOLDER_INDEX,
    HOME_SRC_URI,
    LISTING_GROUPS,
    PRIVACY_PAGE,
    SUBSCRIBE_PAGE,
    TYPE_FOLDERS,
    WEB_FOLDER,
)

# Top of the navigation first; anything not named keeps MkDocs' order after these.
NAV_ORDER = [HOME_SRC_URI, *TYPE_FOLDERS, WEB_FOLDER, *(group.folder for group in LISTING_GROUPS), SUBSCRIBE_PAGE,
             ABOUT_PAGE]
NAV_LAST = [ACCESSIBILITY_PAGE, PRIVACY_PAGE]


def nav_rank(key: str) -> tuple[int, str]:
    """Where a top-level entry goes: `key` is a page's source, or a section's first folder (else its title)."""
    if key in NAV_LAST:
        return (len(NAV_ORDER) + 1 + NAV_LAST.index(key), key)
    if key in NAV_ORDER:
        return (NAV_ORDER.index(key), key)
    return (len(NAV_ORDER), key)


def section_rank(src_uri: str | None, ranks: Mapping[str, int]) -> tuple[int, int]:
    """Where one entry of a section goes: `src_uri` is its page's source (None for a sub-section or a link), and
    `ranks` the pages' ranks (the order their listing shows them, `BuildState.nav_ranks`)."""
    if src_uri is not None and posixpath.basename(src_uri) == FOLDER_INDEX:
        return (0, 0)
    if src_uri is not None and src_uri in ranks:
        return (1, ranks[src_uri])
    return (2, 0)  # sorted() is stable: unranked entries keep the generator's order
