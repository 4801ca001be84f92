"""Site search: what the search index records about a page, and indexing a built site with Pagefind.

Pagefind (the `pagefind[bin]` package ships its binary inside the wheel) reads the built HTML and writes a
chunked index to `site/pagefind/`, so a search downloads only the few chunks its words need instead of the
whole index that Material's search loads on every first visit. The theme marks what is indexed: a page's
article body carries `data-pagefind-body` (so navigation, footers and the emergency lines are left out, and
pages without it, such as redirect pages and `email.html`, are not indexed at all), and hidden elements carry
the record below as Pagefind filters, metadata and a sort key.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..foundation.config import Vocabulary
from ..content.model import ContentItem
from ..foundation.dates import human

INDEX_FOLDER = "pagefind"  # inside site/; the theme's search script loads `pagefind/pagefind.js` from here
# The "¶" permalink that Python-Markdown's toc extension puts in every heading is not part of the text.
NOT_TEXT = ".headerlink"
NEWSLETTER_LABEL = "Newsletter"
# A failing Pagefind should fail the build, not hang it: indexing 3,000 pages takes a few seconds.
INDEX_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class SearchRecord:
    """What the index keeps about one page besides its text: shown in results and used to narrow them."""

    type_label: str
    date_iso: str | None = None  # the sort key ("newest first"); pages without a date drop out of that order
    date_label: str | None = None  # "27 March 2023", shown in results
    topics: tuple[str, ...] = ()  # labels, not slugs: the filter shows them as they are
    sectors: tuple[str, ...] = ()  # every sector the page is found under (a page for all sectors: each one)
    sector_names: tuple[str, ...] = ()  # the sectors as the page states them, shown in a result ("All sectors")

    @property
    def topics_label(self) -> str:
        """The result's topic line: labels as a reader knows them, never slugs."""
        return ", ".join(self.topics)

    @property
    def sectors_label(self) -> str:
        return ", ".join(self.sector_names)


def record_for(item: ContentItem, vocabulary: Vocabulary) -> SearchRecord:
    """A page's record, dated by its last significant change."""
    return _record(item.kind.label, item.updated or item.date, item.tags, item.sectors, vocabulary)


def newsletter_record(date: dt.datetime | None, sectors: tuple[str, ...], vocabulary: Vocabulary) -> SearchRecord:
    """A newsletter's web version: dated by its issue, for the sectors it was sent to."""
    return _record(NEWSLETTER_LABEL, date, (), sectors, vocabulary)


def _record(type_label: str, date: dt.datetime | None, tags: tuple[str, ...], sectors: tuple[str, ...],
            vocabulary: Vocabulary) -> SearchRecord:
    # A page for all sectors is found under every sector, as the sector listings list it, but its result says
    # "All sectors" once rather than naming thirteen. Labels in vocabulary order, each once, whatever the
    # front matter repeats.
    sector_labels = tuple(label for slug, label in vocabulary.sectors.items()
                          if slug in sectors or (slug != "all" and "all" in sectors))
    stated = ("all",) if "all" in sectors else sectors
    return SearchRecord(type_label=type_label, date_iso=f"{date:%Y-%m-%d}" if date else None,
                        date_label=human(date) if date else None,
                        topics=tuple(label for slug, label in vocabulary.tags.items() if slug in tags),
                        sectors=sector_labels,
                        sector_names=tuple(label for slug, label in vocabulary.sectors.items() if slug in stated))


class SearchIndexError(RuntimeError):
    """Pagefind failed: the message says what it reported, for the person running the build."""


@dataclass(frozen=True)
class IndexResult:
    pages: int
    seconds: float


def index_site(site_dir: Path, *, in_background: bool = False) -> IndexResult:
    """Index the built site in `site_dir` into `site_dir/pagefind/`, replacing any earlier index.
    `in_background`: at low priority (`nice`), so that it never slows what a person is waiting for: the preview
    indexes after each save while the next save may already be rebuilding."""
    from pagefind_bin import get_executable  # the binary inside the pagefind[bin] wheel: no download, no Node

    started = time.perf_counter()
    command = [str(get_executable()), "--site", str(site_dir), "--output-subdir", INDEX_FOLDER,
               "--exclude-selectors", NOT_TEXT, "--force-language", "en"]
    nice = shutil.which("nice") if in_background else None
    if nice is not None:
        command = [nice, "-n", "15", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INDEX_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"the search indexer (Pagefind) could not run: {error}") from None
    output = f"{done.stdout}\n{done.stderr}"
    if done.returncode != 0:
        raise SearchIndexError("the search indexer (Pagefind) failed:\n" + _last_lines(output))
    pages = _indexed_pages(output)
    if pages is None:
        raise SearchIndexError("the search indexer (Pagefind) did not say how many pages it indexed:\n"
                               + _last_lines(output))
    return IndexResult(pages=pages, seconds=time.perf_counter() - started)


def _indexed_pages(output: str) -> int | None:
    # Pagefind's summary line: "Indexed 42 pages".
    for line in output.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == "Indexed" and words[1].isdigit() and words[2].startswith("page"):
            return int(words[1])
    return None


def _last_lines(output: str, count: int = 15) -> str:
    return "\n".join(line for line in output.strip().splitlines()[-count:])
