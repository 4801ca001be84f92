"""The search index a build made, kept for the next build that writes the very same pages (issue 29).

Pagefind's work is about a seventh of a build's CPU seconds, and a build that writes every page as the one
before it wrote them makes the same index. `KeptSearchIndex` stands where `PageIndexer` stands in `protectpress
build`: while each page handed over is the one the last index was made from (same path, same digest, textmemo's, of
what Pagefind is given of its HTML), it is only noted; at the first page that differs, Pagefind is started and
given the pages noted so far (read back from the folder MkDocs wrote them to) and every page after, exactly as a
first build gives them. If the build ends with every HTML file the same as the last time, the index files kept
in `.cache/protectpress/search-index/` are put in the site instead.

What is published must never come from a planted file: the index's files are what a reader's browser loads
and shows as search results. So what the kept index was made from (every page's digest, Pagefind's version,
the language, this code) and the SHA-256 of each of its files are one entry of a `SealedMemory`, sealed with the
user's key; each kept file is used only if its bytes have the digest the sealed entry names. Anything else (no
key, a broken or planted entry or file, a page added, gone or changed) indexes the site with Pagefind as before.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from ..foundation.sealedmemory import SealedMemory, code_version, installed_versions, user_key
from ..foundation.textmemo import text_digest
from . import search, search_files
from .search import INDEX_FOLDER, IndexResult, PageIndexer, SearchIndexError
from .search_files import entry_pages, html_files

KEPT_FOLDER = "search-index"
SEALED_FILE = "search.sealed.json"


# Pagefind reads its settings from these files in the folder it runs in, and from PAGEFIND_ variables.
PAGEFIND_CONFIG_FILES = ("pagefind.json", "pagefind.yml", "pagefind.yaml", "pagefind.toml")


def _kind(language: str) -> str:
    """What besides the pages decides the index: Pagefind's version and settings, the language, this code."""
    settings = hashlib.blake2b(digest_size=16)
    for name in PAGEFIND_CONFIG_FILES:
        try:
            settings.update(name.encode() + b"\0" + (Path.cwd() / name).read_bytes() + b"\0")
        except OSError:
            settings.update(name.encode() + b" none\0")
    for variable, value in sorted(os.environ.items()):
        if variable.startswith("PAGEFIND_"):
            settings.update(f"{variable}={value}\0".encode("utf-8", "surrogateescape"))
    return (f"search-index {installed_versions('pagefind-bin')} {language} {settings.hexdigest()} "
            f"{code_version(__file__, search.__file__, search_files.__file__)}")


class KeptSearchIndex:
    """`PageIndexer`'s `add`, `finish` and `close`, starting Pagefind only when a page is not the one the kept
    index was made from."""

    def __init__(self, site_dir: Path, *, language: str, cache_dir: Path) -> None:
        self.site_dir = site_dir
        self.language = language
        self.folder = cache_dir / KEPT_FOLDER
        self.memory = SealedMemory(cache_dir / SEALED_FILE, user_key())
        self.kind = _kind(language)
        kept = self.memory.get(self.kind, "index")
        self.kept: dict[str, Any] | None = kept if _well_formed(kept) else None
        self.pages: dict[str, str] = {}  # path inside the site -> digest of the HTML Pagefind is (or would be) given
        self.held: list[str] = []  # pages noted but not handed over: the same as when the kept index was made
        self.indexer: PageIndexer | None = None
        self.reused = False
        self.failed: SearchIndexError | None = None  # Pagefind could not start during the build: said at finish
        if self.kept is None:
            self._start()

    def add(self, path: str, html: str) -> None:
        if path in self.pages:
            return
        contents = search.search_contents(html)  # made once: hashed here, and sent as it is
        digest = text_digest(contents)  # the view Pagefind is given: all the index is made from
        self.pages[path] = digest
        if self.indexer is None and self.kept is not None and self.kept["pages"].get(path) == digest:
            self.held.append(path)
            return
        try:
            self._start().add_contents(path, contents)
        except SearchIndexError as error:  # raised in MkDocs' page loop, it would read as a fault of ours
            self.failed = self.failed or error

    def finish(self) -> IndexResult:
        started = time.perf_counter()
        if self.failed is not None:
            raise self.failed
        # What the build wrote without handing over (the 404 page, redirects, emails): Pagefind reads them too.
        # Listed once, for the indexer's finish too: each walk of the site opens its thousand folders.
        written = html_files(self.site_dir)
        for path in sorted(written - set(self.pages)):
            contents = search.search_contents(self._read(path))
            self.pages[path] = text_digest(contents)
            if self.indexer is not None:  # given now, so that its finish does not read and cut the page again
                self.indexer.add_contents(path, contents)
        if self.indexer is None:
            if self.kept is not None and self.pages == self.kept["pages"] and self._put_kept_files():
                self.reused = True
                pages = entry_pages(self.site_dir / INDEX_FOLDER)
                if pages is not None:
                    return IndexResult(pages=pages, seconds=time.perf_counter() - started)
            shutil.rmtree(self.site_dir / INDEX_FOLDER, ignore_errors=True)
            self.reused = False
        result = self._start().finish(written)
        self._keep(result.files)
        return result

    def close(self) -> None:
        if self.indexer is not None:
            self.indexer.close()

    def _start(self) -> PageIndexer:
        if self.indexer is None:
            self.indexer = PageIndexer(self.site_dir, language=self.language)
            held, self.held = self.held, []
            for path in held:  # written by MkDocs before the page that differs was handed over
                self.indexer.add(path, self._read(path))
        return self.indexer

    def _read(self, path: str) -> str:
        return (self.site_dir / path).read_text(encoding="utf-8", errors="replace")

    def _put_kept_files(self) -> bool:
        """Copy the kept index into the site, each file only if it is the one the sealed entry names. (About
        1,100 small files at 1,000 pages: plain os calls, each folder made once.)"""
        assert self.kept is not None
        index_dir = os.path.join(self.site_dir, INDEX_FOLDER)
        kept_dir = str(self.folder)
        made: set[str] = set()
        for relative, digest in self.kept["files"].items():
            try:
                with open(os.path.join(kept_dir, relative), "rb") as source:
                    data = source.read()
            except OSError:
                return False
            if hashlib.sha256(data).hexdigest() != digest:
                return False
            target = os.path.join(index_dir, relative)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(target, "wb") as written:
                written.write(data)
        return True

    def _keep(self, files: dict[str, str]) -> None:
        """After Pagefind's index was written: keep its files (hard links where the file system allows: the site's
        copy is never changed in place, and a kept file read back is checked against its digest anyway) and what
        they were made from, for the next build. `files` names each file by its path inside the index folder with
        the SHA-256 of the bytes written (search.py hashes them as it writes them, so none is read again here).
        Never fails the build (a read-only project just indexes every time)."""
        if not self.memory.active or not files:
            return  # no key to seal with (core/foundation/sealedmemory.py user_key): nothing kept is ever read
        index_dir = os.path.join(self.site_dir, INDEX_FOLDER)
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            fresh = tempfile.mkdtemp(prefix=f".{KEPT_FOLDER}.", dir=self.folder.parent)
            made = {fresh}
            for relative in files:
                target = os.path.join(fresh, relative)
                folder = os.path.dirname(target)
                if folder not in made:
                    os.makedirs(folder, exist_ok=True)
                    made.add(folder)
                source = os.path.join(index_dir, relative)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
            old = self.folder.with_name(f".{KEPT_FOLDER}.old")
            shutil.rmtree(old, ignore_errors=True)
            if self.folder.exists():
                os.rename(self.folder, old)
            os.rename(fresh, self.folder)
            shutil.rmtree(old, ignore_errors=True)
        except OSError:
            return
        self.memory.put(self.kind, "index", {"pages": self.pages, "files": files})
        self.memory.save()


def _well_formed(kept: Any) -> bool:
    return (isinstance(kept, dict) and isinstance(kept.get("pages"), dict) and isinstance(kept.get("files"), dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in kept["files"].items())
            and all(_inside(relative) for relative in kept["files"]))


def _inside(relative: str) -> bool:
    """A kept file's path stays inside the index folder (the entry is sealed, but a path is checked anyway)."""
    parts = relative.replace("\\", "/").split("/")
    return bool(relative) and not relative.startswith(("/", "\\")) and ".." not in parts
