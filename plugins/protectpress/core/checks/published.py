"""URLs that were published stay published.

Sent emails and feed ids point at page URLs for ever, so the project commits a record of every page address
it has published (`published-urls.txt`, one site-relative URL a line, sorted). A build in which a recorded
address is gone fails, naming it, unless the page that replaced it declares `redirect_from`: only an address
that disappears needs a person. A new address breaks nothing, so `protectpress build` adds it to the record
itself once the new site is in place (and says so, for the file to be committed with the pages); `check` and
the preview never write it, and `protectpress urls --update` does the same by hand.

Recorded: every published page an author wrote (drafts are not published) and the web version of every
published newsletter. Generated listings (topics, sectors, the archive) come and go with the content and are
not promises.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..content.contentset import ContentSet
from ..foundation.problems import Problems
from ..foundation.settings import Settings
from ..newsletter.model import load_newsletters, newsletter_slug
from ..newsletter.web import web_src_uri

RECORD_NAME = "published-urls.txt"
HEADER = """\
# Every page address this site has published (from the root of site_url), one a line, sorted.
# Emails and feeds link to these for ever: a build fails when one disappears. When you move or rename a page,
# add `redirect_from: [old/address/]` to its front matter. `protectpress build` adds new pages by itself.
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
    """Write the record sorted, so that its git diff shows exactly which addresses were added.

    Written beside it and renamed into place: every build may write it now, so a record that is a link (a
    symlink planted in a repository) is replaced by the file, never followed to overwrite what it points at,
    and a build stopped half-way leaves the old record whole."""
    lines = sorted(set(urls))
    text = HEADER + "".join(f"{shown(url)}\n" for url in lines)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        # mkstemp makes it private; the record is a public file of the project: its own mode, or the usual one.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.is_file() and not path.is_symlink() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
    """Errors for recorded addresses the build no longer serves.

    `is_built(url)` says whether the built site serves that URL path (a page or a redirect page). Returns the
    new URLs not in the record (the build records them: see `record_new_addresses`)."""
    if not record.exists:
        return []
    where = settings.relative(record.path)
    explained = _newsletters_in_error(settings, problems)
    for url, line in sorted(record.urls.items(), key=lambda pair: pair[1]):
        if not is_built(url) and url not in explained:
            problems.error(where, f"expected a page at {shown(url)} (it was published: emails and feeds link to "
                           "it)", f"no page there. If you moved or renamed it, add "
                           f"'redirect_from: [{shown(url)}]' to the front matter of the page that replaced it; "
                           "if you deleted it by mistake, put it back", line=line)
    return sorted(current - set(record.urls))


def _newsletters_in_error(settings: Settings, problems: Problems) -> set[str]:
    """The web addresses of newsletters whose own files have errors in this run, so are not built: those errors
    say why, and "add redirect_from" would send comms staff to fix the wrong thing (each mistake once)."""
    folder = settings.relative(settings.newsletters_dir)
    return {settings.links.page_path(web_src_uri(newsletter_slug(problem.path))) for problem in problems.errors
            if Path(problem.path).parent.as_posix() == folder and problem.path.endswith(".md")}


def record_new_addresses(settings: Settings, content: ContentSet) -> list[str]:
    """Add every address the content publishes now and the record lacks; return them (none: the file is left
    as it is). Only where the project keeps a record: without one, the published-address check is off."""
    record = read_record(record_path(settings))
    if not record.exists:
        return []
    urls, added = updated_record(record, published_urls(settings, content))
    if added:
        write_record(record.path, urls)
    return added


def new_addresses(number: int) -> str:
    return f"{number:,} new address{'' if number == 1 else 'es'}"


def listed(urls: list[str], most: int = 5) -> str:
    """`/a/, /b/ and 3 more`: addresses as a line says them."""
    return ", ".join(shown(url) for url in urls[:most]) + (f" and {len(urls) - most} more" if len(urls) > most else "")


def updated_record(record: PublishedRecord, current: set[str]) -> tuple[list[str], list[str]]:
    """What `urls --update` writes: every recorded URL kept (a published address stays a promise) plus the
    current ones. Returns (all URLs, the newly added ones)."""
    added = sorted(current - set(record.urls))
    return sorted(set(record.urls) | current), added
