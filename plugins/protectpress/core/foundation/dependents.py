"""`Dependents`: what one build made from each page, recorded as it makes it. The one place that says which
outputs must be made again when a page changes (the preview's quick rebuild after a save, cli/serve.py), so
that no second copy of the listing, feed or newsletter rules decides it.

Each output records the page's parts it carries: its front matter (title, summary, dates, tags: what menus,
listings and cards show) or its body too (a feed entry's content, a newsletter that embeds the page whole).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Carries(enum.Enum):
    """What of a page an output carries."""

    FRONT_MATTER = "front matter"
    BODY = "body"  # the body too (which implies the front matter)


class Dependents:
    """Page src_uri -> the outputs made from it (a listing page's src_uri, a feed's path, a newsletter's web
    version src_uri), each with what of the page it carries. Filled by the features as they make each output."""

    def __init__(self) -> None:
        self._made: dict[str, dict[str, Carries]] = {}

    def record(self, src_uris: Iterable[str], output: str, carries: Carries) -> None:
        """`output` was made from each of the pages `src_uris`, carrying `carries` of each."""
        for src_uri in src_uris:
            outputs = self._made.setdefault(src_uri, {})
            if outputs.get(output) is not Carries.BODY:  # the body is the larger dependence: it is kept
                outputs[output] = carries

    def of(self, src_uri: str) -> dict[str, Carries]:
        """Every output made from the page, with what of it each carries."""
        return dict(self._made.get(src_uri, {}))

    def carrying_body(self, src_uri: str) -> frozenset[str]:
        """The outputs that must be made again when only the page's body changed."""
        return frozenset(output for output, carries in self._made.get(src_uri, {}).items()
                         if carries is Carries.BODY)
