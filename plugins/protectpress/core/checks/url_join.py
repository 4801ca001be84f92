"""A link's target joined to the address it is relative to, as `urllib.parse.urljoin` joins them (issue 29).

A page's links are relative to its own address, which no other page shares: at 1,000 pages the link check joins
9,000 pairs, none of them twice, and urljoin parsed both addresses afresh for each (most of the check's time).
A target made only of plain path characters (`../../news/x/`, the most of them) is joined here by urljoin's own
steps, against the base address parsed once for all its page's links; any other is given to urljoin.
tests/test_url_join.py compares the two on the corpus' pairs and on random ones.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urljoin, urlparse

# No scheme (no ":"), no query, fragment or parameters, no leading "/" (rooted, urljoin drops the base's path).
_PLAIN_TARGET = re.compile(r"[\w.~-][\w.~/-]*", re.ASCII)


def joined(base: str, target: str) -> str:
    split = _base(base) if _PLAIN_TARGET.fullmatch(target) else None
    if split is None:
        return urljoin(base, target)
    origin, folder, names = split
    # Most: "../" a few times, then names none of which begins with a dot or is empty. The steps below come
    # to the base's folder names less one for each "../" (none left when there are more), then those names.
    ups = 0
    while target.startswith("../", ups * 3):
        ups += 1
    rest = target[ups * 3:]
    if names is not None and rest[:1] not in ("/", ".") and "/." not in rest and "//" not in rest:
        return "/".join((origin, *names[:max(len(names) - ups, 0)], rest))
    segments = [*folder, *target.split("/")]
    segments[1:-1] = filter(None, segments[1:-1])  # as urljoin: no empty segment but the first and last
    resolved: list[str] = []
    for segment in segments:
        if segment == "..":
            if resolved:  # a ".." above the top is dropped
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in (".", ".."):
        resolved.append("")
    path = "/".join(resolved) or "/"
    return origin + path if path[:1] == "/" else f"{origin}/{path}"


@functools.lru_cache(maxsize=4096)
def _base(base: str) -> tuple[str, list[str], tuple[str, ...] | None] | None:
    """`scheme://netloc`, the folder's path segments of an http(s) base address as urljoin reads them, and its
    folder names when none is "." or ".." (else None); None for any other address (urljoin joins it)."""
    scheme, netloc, path, _, _, _ = urlparse(base)
    if scheme not in ("http", "https") or not netloc:
        return None
    folder = path.split("/")
    if folder[-1] != "":
        del folder[-1]  # the last segment is a file's name, not a folder: not part of what is joined to
    names = tuple(name for name in folder if name)
    return f"{scheme}://{netloc}", folder, None if "." in names or ".." in names else names
