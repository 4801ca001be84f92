"""The files of a search index: the HTML files Pagefind reads in a built site, and the index it answers with
written into the site's folder (each file only inside it), and how many pages a written index holds.
(core/site/search.py runs Pagefind.)"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .pagefind_answers import SpilledFiles


class SearchIndexError(RuntimeError):
    """Pagefind failed: the message says what it reported, for the person running the build."""


def html_files(site_dir: Path) -> set[str]:
    found = set()
    for folder, _, names in os.walk(site_dir):
        relative = os.path.relpath(folder, site_dir)
        for name in names:
            if name.endswith(".html"):
                found.add(name if relative == "." else f"{relative}/{name}".replace(os.sep, "/"))
    return found


def write_index(index_dir: Path, files: Any) -> dict[str, str]:
    """Write the files of Pagefind's answer (paths inside the index folder, contents in base64); the SHA-256 of
    each, by its path inside the folder ("/" between folders), hashed from the bytes written (the kept index
    names them).

    Each name must stay inside the folder: read as a path (no "..", nothing absolute), each folder it makes
    found inside the folder once its links are followed, and no file written through a link (opened with
    O_NOFOLLOW where the system has it, else looked at first). Resolving every file's path instead (a system
    call for each part of it, for each of 1,100 files at 1,000 pages) took a third of the time the index took to
    write; plain os calls on strings, not pathlib, keep the rest small."""
    if not isinstance(files, (list, SpilledFiles)) or not files:
        raise SearchIndexError("the search indexer (Pagefind) made no index")
    root = index_dir.resolve()
    root_text = str(root)
    folders: set[str] = set()  # folders made and found inside the index's
    written: dict[str, str] = {}
    for file in files:
        relative = _inside_name(file.get("path") if isinstance(file, dict) else None)
        target = os.path.join(root_text, relative) if relative is not None else None
        if target is not None and (folder := os.path.dirname(relative or "")) not in folders:
            parent = Path(target).parent
            parent.mkdir(parents=True, exist_ok=True)
            if parent.resolve().is_relative_to(root):
                folders.add(folder)
            else:
                target = None
        if target is None or (not _NO_FOLLOW and os.path.islink(target)):
            raise _outside(file)
        data = base64.b64decode(file.get("content") or "")
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NO_FOLLOW | _BINARY, 0o666)
        except OSError as error:
            if _NO_FOLLOW and os.path.islink(target):  # ELOOP, or what another system says for it
                raise _outside(file) from None
            raise error
        with open(handle, "wb") as written_file:
            written_file.write(data)
        written[(relative or "").replace(os.sep, "/")] = hashlib.sha256(data).hexdigest()
    return written


_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _outside(file: Any) -> SearchIndexError:
    return SearchIndexError("the search indexer (Pagefind) named a file outside its folder: "
                            f"{file.get('path') if isinstance(file, dict) else None!r}")


def _inside_name(relative: Any) -> str | None:
    """`relative` as a path inside a folder (normalised), or None when it is empty, absolute or climbs out."""
    if not isinstance(relative, str) or not relative or "\x00" in relative:
        return None
    normal = os.path.normpath(relative)
    if os.path.isabs(normal) or os.path.splitdrive(normal)[0] or normal == os.curdir \
            or normal.split(os.sep, 1)[0] == os.pardir:
        return None
    return normal


def entry_pages(index_dir: Path) -> int | None:
    """How many pages the written index holds, from Pagefind's own `pagefind-entry.json`."""
    try:
        entry = json.loads((index_dir / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(language["page_count"]) for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
