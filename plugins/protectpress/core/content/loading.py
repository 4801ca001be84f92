"""Loading the content: which files of docs/ are pages, and `load_content`, which reads and validates
every one of them into a `ContentSet`. Validation never stops at the first mistake: each file adds its problems
to the run's `Problems` list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ..foundation.dates import build_now
from ..foundation.frontmatter import read_source
from ..foundation.problems import Problems
from ..foundation.settings import Vocabulary, relative_path
from ..foundation.site_paths import NOTICE_SOURCE
from ..judge.boundary import ProjectBoundary
from .contentset import ContentSet, check_content_set
from .memo import PageMemo
from .schema import read_item


def is_hidden(src_uri: str) -> bool:
    """A source under a dot-folder or named with a dot (`.drafts/x.md`) is not content, as MkDocs sees it too."""
    return any(part.startswith(".") for part in src_uri.split("/"))


def is_content_source(src_uri: str) -> bool:
    """A page's source: not hidden, and not the urgent notice (docs/notice.md, core/project/notice.py), which is a
    banner on every page rather than a page of its own."""
    return not is_hidden(src_uri) and src_uri != NOTICE_SOURCE


def load_content(docs_dir: Path, project_dir: Path, vocabulary: Vocabulary, problems: Problems,
                 sources: dict[str, str] | None = None, now: dt.datetime | None = None, *,
                 boundary: ProjectBoundary | None = None, theme_dir: Path | None = None,
                 markdown_extensions: Sequence[str] = (), memo: PageMemo | None = None) -> ContentSet:
    """Read and validate every Markdown page under `docs_dir` (or the given `sources`: src_uri -> text).
    Reading the folder itself, files that `boundary` refuses (links out of the project, personal data) are
    errors and are never read. Pages whose `publish_at` is after `now` (default: this run's build_now) are
    scheduled, not live. `theme_dir` (the theme's custom_dir) publishes its files at the same paths as docs/,
    so an `image:` may name one of its files too. `memo` keeps what was found between calls (see PageMemo)."""
    now = now or build_now()
    docs_prefix = relative_path(docs_dir, project_dir)  # once, not per file: each resolve asks the OS

    def shown(src_uri: str) -> str:
        return f"{docs_prefix}/{src_uri}" if docs_prefix else src_uri

    unreadable: set[str] = set()
    if sources is None:
        sources = {}
        boundary = boundary or ProjectBoundary.around(project_dir)
        for src_uri in boundary.files_under(docs_dir, docs_prefix, problems):
            if not src_uri.endswith(".md") or not is_content_source(src_uri):
                continue
            text = read_source(docs_dir / src_uri, shown(src_uri), problems)
            if text is not None:
                sources[src_uri] = text
            else:
                unreadable.add(src_uri)
    items, invalid = {}, set(unreadable)

    def docs_file_exists(docs_path: str) -> bool:
        return (docs_dir / docs_path).is_file() or (theme_dir is not None and (theme_dir / docs_path).is_file())

    for src_uri, text in sources.items():
        read = memo.read if memo is not None else read_item
        item = read(src_uri, shown(src_uri), text, vocabulary, problems, docs_file_exists, now,
                    markdown_extensions=markdown_extensions)
        if item is not None:
            items[src_uri] = item
        else:
            invalid.add(src_uri)
    content = ContentSet(items, frozenset(invalid), now)
    check_content_set(content, problems, now=now)
    return content
