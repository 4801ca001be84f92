"""The one "did you mean" for a page that does not exist: the broken-link message ("the nearest page is") and the
newsletter's missing page or link ("did you mean") both ask here, so they cannot point different ways."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9]+")


def _stem(path: str) -> str:
    return path.removesuffix(".md")


def _is_index(stem: str) -> bool:
    return posixpath.basename(stem) == "index"


def nearest_pages(wanted: str, pages: Iterable[str], *, count: int = 1, cutoff: float = 0.5) -> list[str]:
    """Up to `count` of `pages` (paths such as `action-cards/x.md`) nearest `wanted`, best first.

    A page in the same folder whose name starts with the missing name, then one whose name contains each of its
    words (`action-cards/firearms.md` -> `action-cards/firearms-and-weapons-attacks.md`), come before difflib's
    nearest; an index page only when nothing else is near, since by spelling alone `action-cards/index` is
    nearer `action-cards/firearms` than the page meant (first-time comms officer's trial)."""
    by_stem = {_stem(page): page for page in pages}
    stem = _stem(wanted)
    folder, name = posixpath.dirname(stem), posixpath.basename(stem).casefold()
    words = [word for word in _WORD.findall(name) if len(word) >= 3]

    def likeness(candidate: str) -> float:
        return difflib.SequenceMatcher(None, stem, candidate).ratio()

    siblings = [s for s in by_stem if posixpath.dirname(s) == folder and not _is_index(s) and s != stem]
    starting = sorted((s for s in siblings if name and posixpath.basename(s).casefold().startswith(name)),
                      key=likeness, reverse=True)
    containing = sorted((s for s in siblings if words and all(w in posixpath.basename(s).casefold() for w in words)),
                        key=likeness, reverse=True)
    others = [s for s in by_stem if not _is_index(s)]
    indexes = [s for s in by_stem if _is_index(s)]
    chosen = [*starting, *containing, *difflib.get_close_matches(stem, others, n=count, cutoff=cutoff)]
    if not chosen:
        chosen = difflib.get_close_matches(stem, indexes, n=count, cutoff=cutoff)
    return [by_stem[s] for s in dict.fromkeys(chosen)][:count]
