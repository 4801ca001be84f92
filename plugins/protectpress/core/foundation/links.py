"""Site links: where a page lives, and the one function that makes any link absolute.

Two kinds of link reach us. Markdown sources link to other sources (`/guidance/pals.md#scope` from the
docs root, or `pals.md` beside the page); rendered HTML links relative to the page's own URL
(`../pals/#scope`). Feeds and emails leave the site, so both must become absolute URLs from `site_url`.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit


@dataclass(frozen=True)
class SiteLinks:
    """What decides a page's address: the site's root URL and MkDocs' `use_directory_urls`."""

    site_url: str
    use_directory_urls: bool = True

    def __post_init__(self) -> None:
        # One trailing slash, always, so joining never drops the last path segment.
        object.__setattr__(self, "site_url", self.site_url.rstrip("/") + "/")

    def page_path(self, src_uri: str) -> str:
        """The URL path, relative to the site root, of the page built from `src_uri` (a docs-relative path)."""
        stem, ext = posixpath.splitext(src_uri)
        if ext.lower() not in (".md", ".markdown"):
            return src_uri
        name = posixpath.basename(stem)
        parent = posixpath.dirname(stem)
        if name in ("index", "README"):
            return f"{parent}/" if parent else ""
        if self.use_directory_urls:
            return f"{stem}/"
        return f"{stem}.html"

    @staticmethod
    def files_for_address(url_path: str) -> tuple[str, ...]:
        """The site-relative files that may serve a site-relative URL path, in the order a web server tries
        them: `guidance/pals/` -> `guidance/pals/index.html`; `feeds/rss.xml` -> itself, then a folder's index.
        Empty for a path above the site root. The one mapping from addresses to built files."""
        path = posixpath.normpath(unquote(url_path)) if url_path else ""
        if path in (".", ""):
            return ("index.html",)
        if path == ".." or path.startswith("../"):
            return ()
        if url_path.endswith("/"):
            return (f"{path}/index.html",)
        return (path, f"{path}/index.html")

    @staticmethod
    def address_of_file(file: str) -> str:
        """The site-relative URL path a built file is served at: `guidance/pals/index.html` -> `guidance/pals/`.
        The one mapping from built files to addresses."""
        if file == "index.html":
            return ""
        if file.endswith("/index.html"):
            return file[: -len("index.html")]
        return file

    def page_url(self, src_uri: str) -> str:
        """The page's canonical absolute URL: what feeds use as a permanent id."""
        return self.site_url + self.page_path(src_uri)

    def absolute(self, target: str, *, from_src: str | None = None, from_url: str | None = None) -> str:
        """Make `target` absolute. The one function for it: feeds, emails and checks all call this.

        - `from_src`: `target` was written in the Markdown source at that docs-relative path; links to
          `.md` files become the target page's URL, and relative paths resolve against the source's folder.
        - `from_url`: `target` came from rendered HTML of the page at that site-relative URL path.
        External addresses (`https:`, `mailto:`, `tel:`, ...) and protocol-relative ones pass through.
        """
        parts = urlsplit(target)
        if parts.scheme or target.startswith("//"):
            return target
        if from_url is not None:
            return urljoin(self.site_url + from_url.lstrip("/"), target)
        page_src = from_src or "index.md"
        if not parts.path:  # "#anchor" or "?query": the page itself
            return urlunsplit(("", "", self.page_url(page_src), parts.query, parts.fragment))
        if parts.path.startswith("/"):
            resolved = posixpath.normpath(parts.path.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page_src), parts.path))
        resolved = "" if resolved == "." else resolved.lstrip("/")
        while resolved.startswith("../"):  # above the docs root: clamp, as a browser does at "/"
            resolved = resolved[3:]
        if resolved.lower().endswith((".md", ".markdown")):
            path = self.page_path(resolved)
        else:
            path = resolved + ("/" if parts.path.endswith("/") and resolved else "")
        return urlunsplit(("", "", self.site_url + path, parts.query, parts.fragment))

    def relative_url(self, to_src: str, *, from_src: str) -> str:
        """The link from the page built from `from_src` to the page built from `to_src`, relative as MkDocs
        writes links, so that it works wherever the site is hosted. For HTML we generate ourselves."""
        here, there = self.page_path(from_src), self.page_path(to_src)
        # Plain string work, not posixpath.relpath (which asks the OS for the working folder): listings call
        # this thousands of times a build.
        folder = [part for part in (here if here.endswith("/") else posixpath.dirname(here)).split("/") if part]
        target = [part for part in there.split("/") if part]
        common = 0
        while common < min(len(folder), len(target)) and folder[common] == target[common]:
            common += 1
        relative = "/".join([".."] * (len(folder) - common) + target[common:])
        if not relative:
            return "./"
        return relative + "/" if there.endswith("/") or not there else relative

    def source_of_link(self, target: str, *, from_src: str) -> str | None:
        """The docs-relative source a Markdown link points at, or None for external or non-Markdown links."""
        parts = urlsplit(target)
        if parts.scheme or target.startswith("//") or not parts.path.lower().endswith((".md", ".markdown")):
            return None
        if parts.path.startswith("/"):
            return posixpath.normpath(parts.path.lstrip("/"))
        return posixpath.normpath(posixpath.join(posixpath.dirname(from_src), parts.path))

    def is_internal(self, url: str) -> bool:
        return url.startswith(self.site_url)

    def site_relative(self, url: str) -> str | None:
        """`https://example.org/x/guidance/pals/` -> `guidance/pals/`; None when outside the site."""
        if not self.is_internal(url):
            return None
        return url[len(self.site_url):]

    @staticmethod
    def listing_source(group: str, slug: str) -> str:
        """The docs source of a topic's or sector's listing page (`group` is "topics" or "sectors"). The one home
        of that path: the listings write it, pages link to it, feeds take it as their home page and as the
        scheme of each category."""
        return f"{group}/{slug}.md"


EXPECTED_ONE_ADDRESS = ("expected one file for each address (addresses that differ only in capitals or in how an "
                        "accent is stored are one page on many hosts and to readers)")


def same_addresses(files: Iterable[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(first source, second source, address) for each two files, given as (source, site-relative address), whose
    addresses differ only in letter case or Unicode form (`café` typed as one character or as `e` and an accent):
    a case-insensitive host (Windows, macOS, many CDNs) or a reader's browser serves one of them in the other's
    place."""
    seen: dict[str, tuple[str, str]] = {}
    found = []
    for source, address in files:
        key = unicodedata.normalize("NFC", address).casefold()
        if key in seen and seen[key][1] != address:
            found.append((seen[key][0], source, address))
        else:
            seen.setdefault(key, (source, address))
    return found
