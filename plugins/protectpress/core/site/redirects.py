"""Redirect pages: a page that replaced another declares `redirect_from: [old/address/]`, and the build writes a
small page at each old address that sends readers (and feed readers, and links in old emails) to the new one.

A static host cannot answer with an HTTP redirect, so the page uses all three ways a browser or a person can
follow: an instant meta refresh (WCAG allows a refresh with no delay), a canonical link for search engines,
and a plain link with the new page's title for anyone whose browser does not refresh.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..content.model import ContentSet
from .csp import site_policy, with_policy
from ..foundation.links import SiteLinks
from .metadata import PREVIEW_IMAGE
from .offline import MANIFEST_NAME, OFFLINE_PAGE, WORKER_NAME
from ..foundation.problems import Problems
from .search import INDEX_FOLDER

EXPECTED_ADDRESS = ("expected an old address of this site like guidance/old-name/ (the part after the site's "
                    "address)")


# What the build and the search indexer write, whatever the pages are: a redirect page there would stand where one
# of them must go (a folder `pagefind/pagefind.js/` made the indexer wait on itself until its time limit).
GENERATED_FOLDERS = (f"{INDEX_FOLDER}/", "assets/", "feeds/", "search/")
GENERATED_FILES = frozenset({WORKER_NAME, MANIFEST_NAME, OFFLINE_PAGE, "404.html", "robots.txt", "sitemap.xml",
                             "sitemap.xml.gz", "_headers", PREVIEW_IMAGE})
EXPECTED_NOT_GENERATED = ("expected an old address of a page, not one where the build writes its own files "
                          "(search index, feeds, assets, the offline worker)")


@dataclass(frozen=True)
class Redirect:
    old_path: str  # site-relative URL path that used to be a page, e.g. "guidance/old-name/"
    new_path: str  # site-relative URL path of the page that replaced it
    new_src: str  # the docs-relative source of that page
    title: str  # the new page's title, for the link text
    source: str  # project-relative source of the page that declared it, for messages


def normalise_old_address(value: str, links: SiteLinks) -> str | None:
    """`/guidance/old-name`, `guidance/old-name/` and `guidance/old-name.md` -> `guidance/old-name/`; None
    when the value is not an address inside this site (another site, a #fragment, `..`, the home page)."""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        if links.site_relative(text) is None:
            return None
        parts = urlsplit(links.site_relative(text) or "")
    if parts.query or parts.fragment or not parts.path.strip("/"):
        return None
    path = parts.path.lstrip("/")
    if any(segment in ("..", ".") for segment in path.split("/")) or "//" in path:
        return None
    if path.lower().endswith((".md", ".markdown")):
        return links.page_path(path) or None
    if path.endswith("/") or path.endswith(".html"):
        return path
    return f"{path}/" if links.use_directory_urls else f"{path}.html"


def plan_redirects(content: ContentSet, links: SiteLinks, problems: Problems) -> list[Redirect]:
    """Every redirect that the published pages declare, with an error for each unusable old address."""
    claimed: dict[str, Redirect] = {}
    for item in sorted(content.items.values(), key=lambda i: i.src_uri):
        if not item.is_live:
            # A draft (or a page scheduled for later) is not published, so it cannot stand in for a page that was.
            continue
        new_path = links.page_path(item.src_uri)
        for value in item.redirect_from:
            old = normalise_old_address(value, links)
            if old is None:
                problems.error(item.path, EXPECTED_ADDRESS, repr(value), key="redirect_from")
            elif old.rstrip("/") in GENERATED_FILES or f"{old.rstrip('/')}/".startswith(GENERATED_FOLDERS):
                problems.error(item.path, EXPECTED_NOT_GENERATED, repr(value), key="redirect_from")
            elif old == new_path:
                problems.error(item.path, "expected an old address, not this page's own", repr(value),
                               key="redirect_from")
            elif old in claimed:
                problems.error(item.path, f"expected an old address that no other page redirects "
                               f"({claimed[old].source} does too)", repr(value), key="redirect_from")
            else:
                claimed[old] = Redirect(old, new_path, item.src_uri, item.title, item.path)
    return list(claimed.values())


def redirect_file(old_path: str) -> str:
    """The site-relative file that serves an old address: the first a web server tries for it."""
    return SiteLinks.files_for_address(old_path)[0]


def redirect_html(redirect: Redirect, links: SiteLinks, language: str) -> str:
    # Relative, so that it works on any host, under any sub-folder and in a local preview. The old address is
    # not a source file, but page_path leaves a URL path as it is, which is all relative_url needs.
    href = html.escape(links.relative_url(redirect.new_src, from_src=redirect.old_path))
    canonical = html.escape(links.site_url + redirect.new_path)
    title = html.escape(redirect.title)
    return with_policy(f"""<!doctype html>
<html lang="{html.escape(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>This page has moved: {title}</title>
<link rel="canonical" href="{canonical}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={href}">
</head>
<body>
<main>
<h1>This page has moved</h1>
<p>It is now <a href="{href}">{title}</a>.</p>
</main>
</body>
</html>
""", site_policy(()))


def write_redirects(site_dir: Path, redirects: list[Redirect], links: SiteLinks, problems: Problems,
                    language: str) -> list[str]:
    """Write each redirect page into a built site. An old address where the build put a page is an error: the
    page would be hidden, or the redirect would be. Returns the site-relative files written."""
    written = []
    for redirect in redirects:
        file = redirect_file(redirect.old_path)
        target = site_dir / file
        taken = "a page" if target.exists() else _file_in_the_way(site_dir, file)
        if taken is not None:
            problems.error(redirect.source, "expected an old address that no page uses now",
                           f"{redirect.old_path!r}, where the build wrote {taken}", key="redirect_from")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(redirect_html(redirect, links, language), encoding="utf-8")
        written.append(file)
    return written


def _file_in_the_way(site_dir: Path, file: str) -> str | None:
    """A file the build wrote where the redirect needs a folder: `feeds/rss.xml/` cannot hold an index.html."""
    path = site_dir
    for part in file.split("/")[:-1]:
        path = path / part
        if path.exists() and not path.is_dir():
            return path.relative_to(site_dir).as_posix()
    return None
