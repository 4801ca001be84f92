"""`PageMemo`: what validation found for each page's text, kept between the rebuilds of one process
(`protectpress serve`), so that an edited page is the only one read again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ..foundation.dates import scheduled_later
from ..foundation.problems import Problem, Problems
from ..foundation.settings import Vocabulary
from .items import ContentItem
from .schema import read_item


class PageMemo:
    """What `read_item` found for each page's text, kept by a process that reads the same pages on every save
    (`protectpress serve`), so that one edited page is the only one parsed and validated again.

    A page's item and problems depend only on its text, where it is, the vocabulary and the Markdown
    extensions, which are all in the key; `now` decides only `scheduled`, which is worked out again on every
    read. A page whose validation looked at other files (its `image:`) is read again every time, because
    those files may have changed. One entry per page: an edit replaces the page's entry."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[tuple[Any, ...], ContentItem | None, tuple[Problem, ...]]] = {}

    def read(self, src_uri: str, path: str, text: str, vocabulary: Vocabulary, problems: Problems,
             docs_file_exists: Callable[[str], bool] | None, *, now: dt.datetime,
             markdown_extensions: Sequence[str]) -> ContentItem | None:
        key = (path, text, tuple(vocabulary.tags.items()), tuple(vocabulary.sectors.items()),
               tuple(markdown_extensions))
        kept = self._found.get(src_uri)
        if kept is not None and kept[0] == key:
            item, found = kept[1], kept[2]
        else:
            looked_at_files = False

            def exists(docs_path: str) -> bool:
                nonlocal looked_at_files
                looked_at_files = True
                return docs_file_exists(docs_path) if docs_file_exists is not None else True

            own = Problems()
            item = read_item(src_uri, path, text, vocabulary, own, exists if docs_file_exists else None, now=now,
                             markdown_extensions=markdown_extensions)
            found = tuple(own.added_since(0))
            if item is not None and item.read_meta is not None:
                # Only a build hands a page's read front matter to MkDocs (page_source.py); held here, it would
                # stay for the whole preview session.
                item = replace(item, read_meta=None)
            if looked_at_files:
                self._found.pop(src_uri, None)
            else:
                self._found[src_uri] = (key, item, found)
        problems.extend(found)
        if item is not None and item.publish_at is not None:
            item = replace(item, scheduled=scheduled_later(item.publish_at, now))
        return item
