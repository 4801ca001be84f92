"""Parts of a page that are the same on many pages, rendered once a build instead of once a page.

The sidebar shows every top-level entry on every page. With `navigation.prune` an entry the page is not in is
collapsed to one link (Material's `render_pruned`: its first page, or the page itself), and what Material's
macros write for it depends on the page only through that link's address relative to the page. Rendering it
through the macros cost about half a millisecond a page at 1,000 pages (four macro calls an entry, ten entries):
kept here by the entry, its position and that relative address, it is rendered once for each address it is seen
with (a handful: one for each depth of page). partials/nav.html decides which entries qualify.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class RenderedOnce:
    """Rendered HTML by the item it was rendered for and what else it depended on. The item is kept with its
    HTML and compared by identity, so a key never matches another item that happens to reuse its id. One a build:
    the site feature makes a new one in `on_env`, so nothing outlives the build's navigation."""

    def __init__(self) -> None:
        self._kept: dict[tuple[Any, ...], tuple[object, str]] = {}

    def get(self, item: object, *key: Any) -> str | None:
        kept = self._kept.get((id(item), *key))
        return kept[1] if kept is not None and kept[0] is item else None

    def keep(self, item: object, *key: Any, html: str) -> str:
        self._kept[(id(item), *key)] = (item, html)
        return html

    def collapsed_link(self, item: object, page: object) -> object | None:
        """What `item`'s entry links to when it is collapsed on `page`, as Material's `render_pruned` finds it: a
        section's first child, down through first children that are sections; a page or link is itself. None
        where the entry is not a collapsed link whose markup is the same on other pages: the page's own or one
        of its sections (`active`), a blog view that shows the page (`pages`, which the macro looks at), or a walk
        that ends at no address (an empty section); the caller leaves those to the macros."""
        if getattr(item, "active", False) or getattr(item, "pages", None) or item == page:
            return None
        while True:
            children = getattr(item, "children", None)
            if not children:
                return item if getattr(item, "url", None) is not None else None
            item = children[0]

LANGUAGE = "partials/language.html"  # Material's partial that says the theme's words


class TranslationsOnce:
    """Material's `lang.t(key)` (partials/language.html: the words for mkdocs.yml's language, else English), said
    once a build for each key. base.html imported that partial with each page's context and every call ran three
    macros, building Material's 150-entry English table each time (the five words a page needs were about a
    tenth of its template's time); the words depend only on the key and the language. `make` gives the partial's
    module when it is first needed, so it is compiled through whatever cache the build has given the theme by
    then."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._translate: Callable[[str], str] | None = None
        self._said: dict[str, str] = {}

    def t(self, key: str) -> str:
        said = self._said.get(key)
        if said is None:
            if self._translate is None:
                self._translate = self._make().t
            said = self._said[key] = self._translate(key)
        return said
