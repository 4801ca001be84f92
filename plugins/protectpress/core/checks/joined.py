"""Where a link found in a built file leads: `urllib.parse.urljoin`'s answer, worked out the short way for the
plain links a site's pages hold (issue 29).

At 1,000 pages the link check joins about 9,000 distinct (page address, link) pairs, and urljoin, pure Python
that splits and coerces both addresses each time, was two thirds of the check's own time. A page's address is
split once; a link made only of a path's plain characters and perhaps a `#fragment` is joined by urljoin's own
steps (RFC 3986's merge and dot-segment removal, as Python writes them); anything else (a query, `;`, `:`,
`//`, white space, a non-ASCII character, a base with a query) goes to urljoin itself. tests/test_joined.py
compares the two on tricky and random addresses.
"""

from __future__ import annotations

import functools
import string
from urllib.parse import urljoin, urlsplit, urlunsplit

# What a plain link's path may hold: nothing urlsplit reads as a scheme, query or parameters, or strips.
_PLAIN_PATH = frozenset(string.ascii_letters + string.digits + "-._~!$&'()*+,=@%/")
_PLAIN_FRAGMENT = _PLAIN_PATH | frozenset(":?#")


@functools.lru_cache(maxsize=65536)
def joined(base: str, target: str) -> str:
    """`urljoin(base, target)`. Cached: feeds carry the same entry bodies many times over (site, type, topic and
    sector feeds, three formats)."""
    parts = _plain_base(base)
    path, mark, fragment = target.partition("#")
    if parts is None or not _PLAIN_PATH.issuperset(path) or path[:2] == "//" \
            or (mark and not _PLAIN_FRAGMENT.issuperset(fragment)):
        return urljoin(base, target)
    origin, base_path = parts
    after = "#" + fragment if fragment else ""  # urlunsplit writes no empty fragment
    if not path:
        return origin + base_path + after
    if path[:1] == "/":
        segments = path.split("/")
    else:
        base_parts = base_path.split("/")
        if base_parts[-1] != "":
            del base_parts[-1]  # a file's name: not a folder the link is relative to
        segments = base_parts + path.split("/")
        segments[1:-1] = filter(None, segments[1:-1])
    resolved: list[str] = []
    for segment in segments:
        if segment == "..":
            if resolved:
                resolved.pop()
        elif segment != ".":
            resolved.append(segment)
    if segments[-1] in (".", ".."):
        resolved.append("")
    new_path = "/".join(resolved) or "/"
    if new_path[:1] != "/":
        new_path = "/" + new_path
    return origin + new_path + after


@functools.lru_cache(maxsize=4096)
def _plain_base(base: str) -> tuple[str, str] | None:
    """(`scheme://netloc`, path) of an http(s) address with a path and nothing after it, written as urlsplit
    and urlunsplit would write it again; None for any other (joined by urljoin itself)."""
    if not base.isascii() or any(char <= " " or char == "\x7f" for char in base):
        return None
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or not parts.path.startswith("/") or ";" in parts.path or urlunsplit(parts) != base:
        return None
    return f"{parts.scheme}://{parts.netloc}", parts.path
