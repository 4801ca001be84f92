"""Links hold across every channel: after a build, each internal link and image in the site pages, the feeds and
the emails resolves to a file the build wrote, and each #anchor to an id on the target page.

MkDocs' own `validation:` settings check Markdown links between pages; this check reads what was really
written, so it also covers theme links, generated pages, feeds and emails. A broken link is an error naming
the source the comms officer edits (the Markdown page or newsletter), found through `sources`: the build's
map of page URL path -> project-relative source file.
"""

from __future__ import annotations

import functools
import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..foundation.links import SiteLinks
from ..foundation.linkscan import IMAGE, FoundLink, ScannedHtml, scan_html, scan_json_feed, scan_text, scan_xml_feed
from ..foundation.nearest import nearest_pages
from ..foundation.problems import Problems
from ..foundation.site_paths import EMAIL_HTML, EMAIL_TEXT, FEEDS_FOLDER, WEB_FOLDER
from .kept_scans import KeptScans
from .url_join import joined

# Fragments a browser honours on every page without an id.
ALWAYS_THERE = {"", "top"}
# Placeholders that the sending step fills in (the reader's name, their unsubscribe link): not links yet.
PLACEHOLDER_PREFIX = "[[pp:"


@dataclass(frozen=True)
class Channel:
    """One built file and how its links are read."""

    file: str  # site-relative path, forward slashes
    kind: str  # "page", "feed" or "email"

    @property
    def absolute_only(self) -> bool:
        # Feed readers and mail programs do not know the site's address: a relative link breaks there.
        return self.kind != "page"


@dataclass
class LinkReport:
    """What one check saw: counts, for the build log and the tests."""

    files: int = 0
    links: int = 0
    broken: int = 0
    seen: set = field(default_factory=set)
    checked: set[str] = field(default_factory=set)  # the built files whose links were checked
    with_broken: set[str] = field(default_factory=set)  # those of them with a broken link


class BuiltSite:
    """A built site folder: which files exist, and the ids in each HTML page (read once, on demand)."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        # One walk of the folder; every later question is a set lookup, not a disk access.
        self.files = _files_under(str(site_dir), "")
        self._ids: dict[str, frozenset[str]] = {}
        self._all_ids_read: set[str] = set()

    def rewritten(self, files: Iterable[str]) -> None:
        """These files were written again (the preview's quick rebuild) and no file came or went: their ids
        are read afresh when next asked."""
        for file in files:
            self._ids.pop(file, None)
            self._all_ids_read.discard(file)

    def file_for(self, url_path: str) -> str | None:
        """The site-relative file a site-relative URL path serves, or None when the build wrote nothing there."""
        return next((file for file in SiteLinks.files_for_address(url_path) if file in self.files), None)

    def has_id(self, file: str, fragment: str) -> bool:
        """Whether the page in `file` has an element with id (or anchor name) `fragment`. The ids of a page's
        own body, remembered while it was rendered, answer almost every question; the whole file (the theme's
        ids too) is read only for a fragment not among them."""
        if not file.endswith(".html"):
            return False
        if fragment in self._ids.get(file, ()):
            return True
        if file not in self._all_ids_read:
            self._all_ids_read.add(file)
            self._ids[file] = self._ids.get(file, frozenset()) | scan_html(self._read(file)).ids
        return fragment in self._ids[file]

    def remember_ids(self, file: str, ids: frozenset[str], *, whole_file: bool) -> None:
        """Ids found in `file` (`whole_file`: all of it; otherwise the page's body, and the theme's are read
        later only if needed)."""
        self._ids[file] = self._ids.get(file, frozenset()) | ids
        if whole_file:
            self._all_ids_read.add(file)

    def _read(self, file: str) -> str:
        return (self.site_dir / file).read_text(encoding="utf-8", errors="replace")


def _files_under(folder: str, prefix: str) -> set[str]:
    """Every file under `folder` (a symbolic link to a file too, as `Path.is_file` says), by its path from the
    top, "/"-separated; linked folders are not entered, as `Path.rglob` does not enter them. Read from the
    folder's entries (os.scandir), not a question to the disk for each file: `rglob` with `is_file` took 0.2 s
    at 1,000 pages."""
    found: set[str] = set()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                found |= _files_under(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                found.add(prefix + entry.name)
    return found


def channels(site: BuiltSite) -> list[Channel]:
    """Every built file whose links we check: pages first (their messages read best), then feeds and emails."""
    found = []
    for rel in sorted(site.files):
        top, name = rel.split("/", 1)[0], posixpath.basename(rel)
        if top == WEB_FOLDER and name in (EMAIL_HTML, EMAIL_TEXT):
            found.append(Channel(rel, "email"))
        elif top == FEEDS_FOLDER and name.endswith((".xml", ".json")):
            found.append(Channel(rel, "feed"))
        elif rel.endswith(".html"):
            found.append(Channel(rel, "page"))
    order = {"page": 0, "feed": 1, "email": 2}
    return sorted(found, key=lambda c: (order[c.kind], c.file))


def page_url_of(file: str) -> str:
    """The URL path a built file is served at: `guidance/pals/index.html` -> `guidance/pals/`."""
    return SiteLinks.address_of_file(file)


def check_site_links(site_dir: Path, links: SiteLinks, sources: Mapping[str, str], problems: Problems, *,
                     project_dir: Path | None = None, bodies: Mapping[str, ScannedHtml] | None = None,
                     site: BuiltSite | None = None, docs_path: str = "docs",
                     kinds: frozenset[str] = frozenset({"page", "feed", "email"}),
                     known_good: frozenset[str] = frozenset(), scans: KeptScans | None = None,
                     written: Mapping[str, Sequence[FoundLink]] | None = None) -> LinkReport:
    """Check every internal link in a built site. Adds one error per broken link, naming its source file.

    `bodies`: built file -> the links and ids of that page's own body, scanned while MkDocs rendered it. Those
    pages are not read again: the rest of each is the theme, whose links MkDocs makes from its navigation and
    which the integrity feature hands over whole for a few pages (the first of each template in each folder).
    Every other file (feeds, emails, redirect pages, 404.html, files from docs/) is read and scanned whole.
    `docs_path`: the docs folder as messages name it, for the file a broken link asks for. `kinds`: which
    channels to check (the preview leaves out the feeds, made from the same pages' bodies). `known_good`: built
    files whose every link was found good by a check of this same site, with the same files and ids, and which
    have not changed since (the preview's): not checked again. `scans`: where each file's scan is looked up by
    its bytes' digest before it is scanned (what the last build found in the same bytes; kept_scans.py).
    `written`: built file -> its links as the code that wrote it knows them (the feeds: `FeedWriter.links`, the
    links a scan of the written file finds, in its order), so this build's own feeds are not read back and parsed
    again; any file not in it is read and scanned as ever."""
    site = site or BuiltSite(site_dir)
    bodies = bodies or {}
    written = written or {}
    for file, body in bodies.items():
        site.remember_ids(file, body.ids, whole_file=False)
    checker = _Checker(site, links, sources, problems, _SourceLocator(project_dir), docs_path,
                       scans=scans or KeptScans())
    scanned = [(channel, list(bodies[channel.file].links) if channel.file in bodies else
                list(written[channel.file]) if channel.file in written else checker.links_of(channel))
               for channel in channels(site) if channel.kind in kinds and channel.file not in known_good]
    for channel, found in scanned:
        if found is None:
            continue
        checker.report.files += 1
        checker.report.checked.add(channel.file)
        checker.report.links += len(found)
        checker.check_all(found, channel)
    return checker.report


@dataclass
class _Checker:
    site: BuiltSite
    links: SiteLinks
    sources: Mapping[str, str]
    problems: Problems
    locator: _SourceLocator
    docs_path: str = "docs"
    scans: KeptScans = field(default_factory=KeptScans)
    report: LinkReport = field(default_factory=LinkReport)
    good: set[tuple[str, str, str, bool]] = field(default_factory=set)
    resolved: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # absolute address -> _resolve's answer
    owns: dict[str, tuple[str, str]] = field(default_factory=dict)  # built file -> its URL path and absolute address

    def __post_init__(self) -> None:
        self.site_parts = urlsplit(self.links.site_url)

    def links_of(self, channel: Channel) -> list[FoundLink] | None:
        text = (self.site.site_dir / channel.file).read_text(encoding="utf-8", errors="replace")
        try:
            if channel.file.endswith(".html"):
                scanned = self.scans.html(text, scan_html)
                self.site.remember_ids(channel.file, scanned.ids, whole_file=True)
                return list(scanned.links)
            if channel.file.endswith(".xml"):
                return self.scans.links(scan_xml_feed, text)
            if channel.file.endswith(".json"):
                return self.scans.links(scan_json_feed, text)
            return self.scans.links(scan_text, text)
        except ValueError as error:
            self.problems.error(self.source_for(channel, None), f"expected {error}", f"a broken file {channel.file}")
            return None

    def check_all(self, found: Iterable[FoundLink], channel: Channel) -> None:
        # Feeds carry the same entry bodies many times over (site, type, topic and sector feeds, in three
        # formats): a link found good once is good wherever it resolves the same way. What the key takes from
        # the file is worked out once for all its links (25,000 of them at 1,000 pages).
        good, absolute_only, own = self.good, channel.absolute_only, self._own(channel.file)[0]
        for link in found:
            key = (link.target, link.base or own, link.kind, absolute_only)
            if key not in good and self._check(link, channel):
                good.add(key)

    def _own(self, file: str) -> tuple[str, str]:
        """The URL path a built file is served at and its absolute address: once per file, not per link."""
        if file not in self.owns:
            url_path = page_url_of(file)
            self.owns[file] = (url_path, self.links.address_url(url_path))
        return self.owns[file]

    def _check(self, link: FoundLink, channel: Channel) -> bool:
        """Whether the link is good; a broken one is reported."""
        target = link.target
        if not target or target.startswith(PLACEHOLDER_PREFIX):
            return True
        parts = _split(target)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return True  # mailto:, tel:, data: ... are not files of ours
        site_parts = self.site_parts
        if parts.scheme or target.startswith("//"):
            if parts.netloc.lower() != site_parts.netloc.lower() or not parts.path.startswith(site_parts.path):
                return True  # another site
            absolute = target
        else:
            if channel.absolute_only and link.base is None:
                self.broken(channel, link, f"expected an absolute address in {_where(channel)} (feed readers and "
                            "mail programs do not know the site's address)", repr(target))
                return False
            absolute = _joined(link.base or self._own(channel.file)[1], target)
        if absolute not in self.resolved:
            self.resolved[absolute] = self._resolve(absolute)
        outcome = self.resolved[absolute]
        if outcome is None:
            return True
        problem, where = outcome
        if problem == "outside":
            self.broken(channel, link, f"expected a link inside the site {self.links.site_url}", repr(target))
        elif problem == "not built":
            # In the author's terms: the file in docs/ the link asks for, that it is not there, and the
            # nearest page that is.
            wanted, is_page = self.wanted_source(where, self.source_for(channel, link) if channel.kind == "page"
                                                 and not parts.scheme and not target.startswith("/") else None,
                                                 parts.path)
            noun = "an image" if link.kind == IMAGE else "a link to a page" if is_page else "a link to a file"
            nearest = self.nearest_page(wanted) if is_page and link.kind != IMAGE else None
            nearest_words = f"; the nearest page is {nearest}" if nearest else ""
            # `../` once too often from a page leads above docs/: said, or the path looks like the page it meant.
            why = nearest_words if wanted.startswith(self.docs_path + "/") else \
                f": the link climbs out of {self.docs_path}/ with too many ../{nearest_words}"
            self.broken(channel, link, f"expected {noun} that exists ({wanted} does not exist{why})",
                        f"{target!r} {_in(channel)}".strip())
        else:
            page = page_url_of(where) or "the home page"
            self.broken(channel, link, f"expected a link to a heading or id that exists on {page}",
                        f"{target!r} {_in(channel)}".strip())
        return False

    def _resolve(self, absolute: str) -> tuple[str, str] | None:
        """Where an absolute address inside the site leads: None when the build wrote it (and the heading it
        names), else what is wrong ("outside", "not built" or "no id") and the URL path or file concerned. The
        same for every link that resolves to it, so it is worked out once per address."""
        site_parts = self.site_parts
        parts = urlsplit(absolute)
        if not parts.path.startswith(site_parts.path):
            return ("outside", "")
        url_path = parts.path[len(site_parts.path):]
        file = self.site.file_for(url_path)
        if file is None:
            return ("not built", url_path)
        fragment = unquote(parts.fragment)
        if fragment not in ALWAYS_THERE and file.endswith(".html") and not self.site.has_id(file, fragment):
            return ("no id", file)
        return None

    def wanted_source(self, url_path: str, source: str | None = None, written: str = "") -> tuple[str, bool]:
        """(the file in docs/ a link asks for, whether it is a page). A link to a file written in a page
        (`../action-cards/x.md`, `../assets/plan.png`) is read from that page's `source` file, as its author
        wrote it; any other from the address it leads to: `guidance/pals/` and `guidance/pals.html` ask for
        docs/guidance/pals.md, `assets/plan.pdf` for docs/assets/plan.pdf."""
        written = unquote(written)
        last = written.rsplit("/", 1)[-1]
        if source is not None and "." in last and not last.endswith(".html") \
                and source.startswith(self.docs_path + "/"):
            # A file's path (`x.md`, `plan.png`) that MkDocs could not resolve stays as the author wrote it.
            return posixpath.normpath(posixpath.join(posixpath.dirname(source), written)), written.endswith(".md")
        path = unquote(url_path)
        last = path.rstrip("/").rsplit("/", 1)[-1]
        if not path or path.endswith("/") or path.endswith((".md", ".html")) or "." not in last:
            stem = path.rstrip("/").removesuffix(".md").removesuffix(".html")
            if stem.endswith("/index") or stem == "index":
                stem = stem.removesuffix("index").rstrip("/")
            return f"{self.docs_path}/{stem or 'index'}.md", True
        return f"{self.docs_path}/{path}", False

    def nearest_page(self, wanted: str) -> str | None:
        """The page an author wrote whose file is nearest to `wanted` (a file in docs/), or None."""
        prefix = self.docs_path + "/"

        def name(source: str) -> str:  # compared without what every page shares, so `gone` is not near `index`
            return source.removeprefix(prefix).removesuffix(".md")

        authored = {name(source): source for source in self.sources.values() if source.endswith(".md")}
        near = nearest_pages(name(wanted), authored, cutoff=0.75)
        return authored[near[0]] if near else None

    def source_for(self, channel: Channel, link: FoundLink | None) -> str:
        """The file a comms officer edits to fix a link: the feed entry's page, else the built file's page."""
        entry = self.links.site_relative(link.entry) if link is not None and link.entry else None
        if entry is not None and entry in self.sources:
            return self.sources[entry]
        own = posixpath.dirname(channel.file) + "/" if channel.kind == "email" else page_url_of(channel.file)
        return self.sources.get(own, channel.file)

    def broken(self, channel: Channel, link: FoundLink, expected: str, found: str) -> None:
        source = self.source_for(channel, link)
        parts = urlsplit(link.target)
        self.report.with_broken.add(channel.file)
        # The same mistake comes back in the feed and email copies of a page: report it once.
        key = (source, posixpath.basename(parts.path.rstrip("/")), parts.fragment, expected.split(" (")[0])
        if key in self.report.seen:
            return
        self.report.seen.add(key)
        self.report.broken += 1
        self.problems.error(source, expected, found, line=self.locator.line_of(source, link.target))


# A site's pages link to the same few thousand targets, each split once (a tuple, never changed).
_split = functools.lru_cache(maxsize=65536)(urlsplit)


@functools.lru_cache(maxsize=65536)
def _joined(base: str, target: str) -> str:
    # Feeds carry the same entry bodies many times over (site, type, topic and sector feeds, three formats).
    return joined(base, target)


def _where(channel: Channel) -> str:
    return "an email" if channel.kind == "email" else f"the feed {channel.file}"


def _in(channel: Channel) -> str:
    return "" if channel.kind == "page" else f"in {channel.file} "


class _SourceLocator:
    """Best effort: the line of the Markdown source where a broken target was written."""

    def __init__(self, project_dir: Path | None) -> None:
        self.project_dir = project_dir
        self._texts: dict[str, list[str] | None] = {}

    def line_of(self, source: str, target: str) -> int | None:
        lines = self._lines(source)
        if not lines:
            return None
        parts = urlsplit(target)
        stem = posixpath.basename(parts.path.rstrip("/"))
        needles = [n for n in (f"#{parts.fragment}" if parts.fragment else "", stem) if n and n not in (".", "..")]
        for needle in needles:
            for number, line in enumerate(lines, start=1):
                if needle in line:
                    return number
        return None

    def _lines(self, source: str) -> list[str] | None:
        if source not in self._texts:
            path = self.project_dir / source if self.project_dir else None
            try:
                self._texts[source] = path.read_text(encoding="utf-8").splitlines() if path and path.is_file() \
                    and path.suffix == ".md" else None
            except (OSError, UnicodeDecodeError):
                self._texts[source] = None
        return self._texts[source]
