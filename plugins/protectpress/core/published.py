"""URLs that were published stay published.

Sent emails and feed ids point at page URLs for ever, so the project commits a record of every page address
it has published (`published-urls.txt`, one site-relative URL a line, sorted). A build in which a recorded
address is gone fails, naming it, unless the page that replaced it declares `redirect_from`. New pages join
the record only by an explicit `protectpress urls --update`, reviewed in git like any content change: a
build never rewrites a committed file behind the author's back.

Recorded: every published page an author wrote (drafts are not published) and the web version of every
published newsletter. Generated listings (topics, sectors, the archive) come and go with the content and are
not promises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .content import ContentSet
from .newsletter.model import load_newsletters
from .newsletter.web import web_src_uri
from .problems import Problems

RECORD_NAME = "published-urls.txt"
UPDATE_COMMAND = "protectpress urls --update"
HEADER = f"""\
# Every page address this site has published (from the root of site_url), one a line, sorted.
# Emails and feeds link to these for ever: a build fails when one disappears. When you move or rename a page,
# add `redirect_from: [old/address/]` to its front matter. Add new pages with `{UPDATE_COMMAND}`.
# Delete a line only when a page is withdrawn on purpose, in a reviewed commit.
"""


@dataclass
class PublishedRecord:
    """The committed record: each URL with its line in the file, for messages."""

    path: Path
    urls: dict[str, int] = field(default_factory=dict)
    exists: bool = False


def record_path(settings: Settings) -> Path:
    return settings.project_dir / RECORD_NAME


def read_record(path: Path) -> PublishedRecord:
    """Read the record; a missing file is an empty record that does not exist (the check is then off)."""
    if not path.is_file():
        return PublishedRecord(path)
    urls: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        url = line.strip()
        if url and not url.startswith("#"):
            urls.setdefault(url.lstrip("/"), number)
    return PublishedRecord(path, urls, exists=True)


def write_record(path: Path, urls: Iterable[str]) -> None:
    """Write the record sorted, so that its git diff shows exactly which addresses were added."""
    lines = sorted(set(urls))
    path.write_text(HEADER + "".join(f"{shown(url)}\n" for url in lines), encoding="utf-8")


def shown(url: str) -> str:
    """How the record and messages write a site-relative URL path: from the site's root, so the home page is
    `/` rather than an empty line."""
    return "/" + url


def published_urls(settings: Settings, content: ContentSet, problems: Problems | None = None) -> set[str]:
    """The site-relative URL of every page the build publishes: authored pages and newsletter web versions."""
    links = settings.links
    urls = {links.page_path(item.src_uri) for item in content.items.values() if item.is_live}
    if settings.plugin.newsletter.enabled:
        for newsletter in load_newsletters(settings, problems if problems is not None else Problems()):
            if newsletter.is_live(content.now):
                urls.add(links.page_path(web_src_uri(newsletter.slug)))
    return urls


def check_published(record: PublishedRecord, is_built: Callable[[str], bool], current: set[str],
                    problems: Problems, settings: Settings) -> list[str]:
    """Errors for recorded addresses the build no longer serves; a note for pages not yet recorded.

    `is_built(url)` says whether the built site serves that URL path (a page or a redirect page). Returns the
    new URLs not in the record."""
    if not record.exists:
        return []
    where = settings.relative(record.path)
    for url, line in sorted(record.urls.items(), key=lambda pair: pair[1]):
        if not is_built(url):
            problems.error(where, f"expected a page at {shown(url)} (it was published: emails and feeds link to "
                           "it)", f"no page there. If you moved or renamed it, add "
                           f"'redirect_from: [{shown(url)}]' to the front matter of the page that replaced it; "
                           "if you deleted it by mistake, put it back", line=line)
    new = sorted(current - set(record.urls))
    if new:
        listed = ", ".join(shown(url) for url in new[:5]) + (f" and {len(new) - 5} more" if len(new) > 5 else "")
        problems.info(where, f"expected every published page in the record (run `{UPDATE_COMMAND}` and commit "
                      "the file when you publish)", f"{len(new)} not yet recorded: {listed}")
    return new


def updated_record(record: PublishedRecord, current: set[str]) -> tuple[list[str], list[str]]:
    """What `urls --update` writes: every recorded URL kept (a published address stays a promise) plus the
    current ones. Returns (all URLs, the newly added ones)."""
    added = sorted(current - set(record.urls))
    return sorted(set(record.urls) | current), added
