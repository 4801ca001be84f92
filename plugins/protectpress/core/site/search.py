"""Site search: indexing a built site with Pagefind (what it records about each page: search_records.py;
reading Pagefind's answers as they arrive: pagefind_answers.py).

Pagefind (the `pagefind[bin]` package ships its binary inside the wheel) reads the built HTML and writes a
chunked index to `site/pagefind/`, so a search downloads only the few chunks its words need instead of the
whole index that Material's search loads on every first visit. The theme marks what is indexed: a page's
article body carries `data-pagefind-body` (so navigation, footers and the emergency lines are left out, and
pages without it, such as redirect pages and `email.html`, are not indexed at all), and hidden elements carry
the record below as Pagefind filters, metadata and a sort key.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .pagefind_answers import IncomingAnswer
from .search_files import SearchIndexError, entry_pages, html_files, write_index

INDEX_FOLDER = "pagefind"  # inside site/; the theme's search script loads `pagefind/pagefind.js` from here
# The "¶" permalink that Python-Markdown's toc extension puts in every heading is not part of the text.
NOT_TEXT = ".headerlink"
# A failing Pagefind should fail the build, not hang it: indexing 3,000 pages takes a few seconds.
INDEX_TIMEOUT_SECONDS = 600
OUTBOX_PAGES = 64  # pages handed over but not yet taken by Pagefind: about 2 MB
# Woken for each page, the writer and the reader each took the GIL from the build a thousand times at 1,000 pages
# (the reader's CPU was ten times its decoding's). While the build waits on neither, each pauses this long after a
# write or read and then takes what came meanwhile: at most BATCH_PAGES pages a write (pages held: about 80).
READ_PAUSE_SECONDS, BATCH_PAGES = 0.05, 16


@dataclass(frozen=True)
class IndexResult:
    pages: int
    seconds: float
    # The SHA-256 of each index file written, by its path inside the index folder ("/" between folders), worked
    # out as it was written; empty when the files were not written here (`index_site`: Pagefind wrote them).
    files: dict[str, str] = field(default_factory=dict)


def index_site(site_dir: Path, *, language: str, in_background: bool = False) -> IndexResult:
    """Index the built site in `site_dir` into `site_dir/pagefind/`, replacing any earlier index, as one index
    in the site's `language` (mkdocs.yml's theme.language, which every page's `lang` states too): Pagefind
    stems words by it, and the search script picks the index by the page's `lang`.
    `in_background`: at low priority (`nice`), so that it never slows what a person is waiting for: the preview
    indexes after each save while the next save may already be rebuilding."""
    from pagefind_bin import get_executable  # the binary inside the pagefind[bin] wheel: no download, no Node

    started = time.perf_counter()
    command = [str(get_executable()), "--site", str(site_dir), "--output-subdir", INDEX_FOLDER,
               "--exclude-selectors", NOT_TEXT, "--force-language", language]
    nice = shutil.which("nice") if in_background else None
    if nice is not None:
        command = [nice, "-n", "15", *command]
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
            with _RUNNING_LOCK:
                _RUNNING.add(process)
            try:
                stdout, stderr = process.communicate(timeout=INDEX_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()  # as subprocess.run does; leaving `with` waits for it
                raise
            finally:
                with _RUNNING_LOCK:
                    _RUNNING.discard(process)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchIndexError(f"the search indexer (Pagefind) could not run: {error}") from None
    output = f"{stdout}\n{stderr}"
    if process.returncode != 0:
        raise SearchIndexError("the search indexer (Pagefind) failed:\n" + _last_lines(output))
    pages = _indexed_pages(output)
    if pages is None:
        raise SearchIndexError("the search indexer (Pagefind) did not say how many pages it indexed:\n"
                               + _last_lines(output))
    return IndexResult(pages=pages, seconds=time.perf_counter() - started)


# What `index_site` runs, for a stopping preview to stop: Pagefind left indexing a removed folder hung for good.
_RUNNING: set[subprocess.Popen] = set()
_RUNNING_LOCK = threading.Lock()


def stop_indexing() -> int:
    """Stop every `index_site` running in this process (each then fails); how many there were."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for process in running:
        with contextlib.suppress(OSError):
            process.kill()
    return len(running)


def _indexed_pages(output: str) -> int | None:
    # Pagefind's summary line: "Indexed 42 pages".
    for line in output.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == "Indexed" and words[1].isdigit() and words[2].startswith("page"):
            return int(words[1])
    return None


def _last_lines(output: str, count: int = 15) -> str:
    return "\n".join(line for line in output.strip().splitlines()[-count:])


class PageIndexer:
    """Pagefind fed each page as the build writes it, so that indexing overlaps the build.

    `pagefind --service` (the binary of the `pagefind[bin]` wheel, the same as `index_site` runs) reads each
    page in its own threads while MkDocs goes on with the next: on two cores its time overlaps ours instead of
    following it. It speaks the protocol of Pagefind's Python API (`pagefind.index`): base64 JSON messages, each
    ended by a comma. That API polls for each answer with a 0.1 s sleep (100 s for 1,000 pages), so a writer
    and a reader thread do the same here; `add` never waits for Pagefind.

    `finish` adds the HTML files the build wrote without handing them over (MkDocs' 404 page, the redirect
    pages, the newsletters' emails: the same set `pagefind --site` walks, of which only pages marked
    `data-pagefind-body` are indexed) and writes the index. The index is the same, byte for byte, as
    `index_site` writes for the same site (tests/test_search_index.py).
    """

    def __init__(self, site_dir: Path, *, language: str) -> None:
        from pagefind_bin import get_executable

        self.site_dir = site_dir
        self.added: set[str] = set()  # paths inside site_dir handed to Pagefind
        self._failures: list[str] = []
        self._answers: dict[int, dict[str, Any] | None] = {}  # by message id, every one answered
        self._answered = threading.Condition()
        self._next_id = 0
        # Bounded: if Pagefind falls behind, the build waits for it rather than holding every page twice. A
        # SimpleQueue (in C) with a room signal of its own, not a Queue: a Queue's put takes its locks and wakes
        # the writer through Python code, on every page; here the writer is woken in C and `_room` is touched
        # only when the outbox is full.
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._room = threading.Event()  # cleared by `_post` waiting for room, set by the writer on taking a page
        self._room.set()
        self._waiting = threading.Event()  # the build waits on the threads (an answer, room, their end): no pause
        # What Pagefind says when it fails (a broken pagefind.yml); open as long as Pagefind runs (`close`).
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._process = subprocess.Popen([str(get_executable()), "--service"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._stderr)
        except OSError as error:
            raise SearchIndexError(f"the search indexer (Pagefind) could not run: {error}") from None
        self._threads = [threading.Thread(target=self._write, name="pp-pagefind-in", daemon=True),
                         threading.Thread(target=self._read, name="pp-pagefind-out", daemon=True)]
        for thread in self._threads:
            thread.start()
        config = {"exclude_selectors": [NOT_TEXT], "force_language": language}
        self._index_id: int | None = None
        answer = self._wait(self._send({"type": "NewIndex", "config": config}))
        if answer is not None and answer.get("type") == "NewIndex":
            self._index_id = answer["index_id"]

    def add(self, path: str, html: str) -> None:
        """Hand Pagefind one written page: `path` inside the site folder ("guidance/x/index.html")."""
        self.add_contents(path, search_contents(html))

    def add_contents(self, path: str, contents: str) -> None:
        """Hand Pagefind one written page as `search_contents` made it of the page's HTML."""
        if self._index_id is None or path in self.added:
            return
        self.added.add(path)
        # What `_send` would write for {"type": "AddFile", ..., "file_contents": <the view>}, character for
        # character, with the view's JSON (made once, and hashed by KeptSearchIndex) put in as it is.
        self._next_id += 1
        self._post(f'{{"message_id": {self._next_id}, "payload": {{"type": "AddFile", "index_id": {self._index_id}, '
                   f'"url": {json.dumps(page_url(path))}, "file_path": null, "file_contents": {contents}}}}}')

    def finish(self, written: set[str] | None = None) -> IndexResult:
        """Add what the build wrote without handing over (`written`: the site's HTML files, if the caller has just
        listed them), write the index into `site_dir/pagefind/`, and stop Pagefind. Raises SearchIndexError if any
        of it failed (the caller leaves site/ as it was)."""
        started = time.perf_counter()
        try:
            if self._index_id is None:
                raise SearchIndexError("the search indexer (Pagefind) failed:\n" + self._said())
            for path in sorted((html_files(self.site_dir) if written is None else written) - self.added):
                self.add(path, (self.site_dir / path).read_text(encoding="utf-8", errors="replace"))
            # The index comes back in the answer and is written here: Pagefind answers "WriteFiles" while its
            # own writes may still be going on (an empty pagefind-entry.json was read once in 20 runs).
            made = self._wait(self._send({"type": "GetFiles", "index_id": self._index_id}))
            if self._failures or made is None or made.get("type") != "GetFiles":
                raise SearchIndexError("the search indexer (Pagefind) failed:\n" + self._said())
            files = write_index(self.site_dir / INDEX_FOLDER, made.pop("files", None))  # and let go of it
            pages = entry_pages(self.site_dir / INDEX_FOLDER)
            if pages is None:
                raise SearchIndexError("the search indexer (Pagefind) wrote no index it could say the size of")
            return IndexResult(pages=pages, seconds=time.perf_counter() - started, files=files)
        finally:
            self.close()

    def close(self) -> None:
        """Stop Pagefind (at once if the build failed: nothing of it is kept)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        with contextlib.suppress(queue.Empty):
            while True:  # what was never sent; then the writer's signal to end always fits
                self._outbox.get_nowait()
        self._outbox.put_nowait(None)
        self._waiting.set()
        self._threads[0].join(timeout=5)  # the writer ends on the None above, or on the pipe Pagefind closed
        # The reader ends at the end of Pagefind's output, now that it has stopped. Its pipe closed under it, it
        # read a closed file: a thread's traceback at the end of some builds that failed.
        self._threads[1].join(timeout=5)
        for stream in (self._process.stdin, self._process.stdout, self._stderr):
            # A pipe to a Pagefind that stopped (a broken pagefind.yml) cannot flush what it still holds.
            with contextlib.suppress(OSError, ValueError):
                if stream is not None:
                    stream.close()

    def _send(self, payload: dict[str, Any]) -> int:
        self._next_id += 1
        self._post(json.dumps({"message_id": self._next_id, "payload": payload}))
        return self._next_id

    def _post(self, message: str) -> None:
        """Queue one message (JSON, all ASCII) for the writer, as Pagefind reads them: base64, then a comma."""
        data = base64.b64encode(message.encode("ascii")) + b","
        while self._outbox.qsize() >= OUTBOX_PAGES:
            self._room.clear()
            if self._outbox.qsize() < OUTBOX_PAGES:
                break  # the writer took one between the two looks: it saw `_room` set, so it did not set it
            if self._process.poll() is not None or not self._threads[0].is_alive():
                return  # Pagefind stopped: `finish` says so, with what it said
            self._waiting.set()  # the writer, pausing, takes what is here at once (cleared by the next `_wait`)
            self._room.wait(1.0)
        self._outbox.put(data)

    def _wait(self, message_id: int) -> dict[str, Any] | None:
        """Pagefind's answer to one message, once every message before it has been answered too (Pagefind
        answers as each is done, not in order); None if Pagefind stopped or took too long."""
        deadline = time.monotonic() + INDEX_TIMEOUT_SECONDS
        self._waiting.set()
        with self._answered:
            while len(self._answers) < message_id:  # every message is answered once, ids from 1
                left = deadline - time.monotonic()
                if left <= 0 or (self._process.poll() is not None and not self._reading()):
                    return None
                self._answered.wait(min(left, 1.0))
            self._waiting.clear()
            return self._answers[message_id]

    def _reading(self) -> bool:
        return self._threads[1].is_alive()

    def _write(self) -> None:
        stdin = self._process.stdin
        assert stdin is not None
        while (message := self._outbox.get()) is not None:
            if not self._waiting.is_set():
                self._waiting.wait(READ_PAUSE_SECONDS)
            batch: list[bytes | None] = [message]
            with contextlib.suppress(queue.Empty):
                while batch[-1] is not None and len(batch) < BATCH_PAGES:
                    batch.append(self._outbox.get_nowait())
            if not self._room.is_set():
                self._room.set()
            try:
                stdin.write(b"".join(part for part in batch if part is not None))
                stdin.flush()
            except (OSError, ValueError):
                return
            if batch[-1] is None:
                return

    def _read(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        # The index comes back as one message of many megabytes (16 MB of index at 3,000 pages, base64 in JSON,
        # base64 again). Held whole, with its decodings, it raised the build's peak memory by about 38 MB, in
        # allocations too large to reuse what the build had let go of. A message is decoded as it arrives
        # instead: past SPILL_BYTES into a temporary file, whose index files are read one at a time when written
        # (`SpilledFiles`).
        message = IncomingAnswer()
        # Read into one buffer: `os.read(fd, 1 MB)` made (and at once shrank) a 1 MB bytes for each of a
        # thousand short answers, mapping and unmapping its memory each time.
        buffer = bytearray(1 << 20)
        while read := os.readv(stdout.fileno(), (buffer,)):
            chunk = bytes(memoryview(buffer)[:read])
            start = 0
            while (end := chunk.find(b",", start)) >= 0:
                message.add(chunk[start:end])
                self._finish_message(message)
                message = IncomingAnswer()
                start = end + 1
            message.add(chunk[start:])
            if not self._waiting.is_set():
                self._waiting.wait(READ_PAUSE_SECONDS)
        with self._answered:
            self._answered.notify_all()

    def _finish_message(self, message: IncomingAnswer) -> None:
        try:
            answer = message.answer()
            payload = answer["payload"]
            message_id = answer.get("message_id")
        except (ValueError, KeyError, TypeError) as error:
            with self._answered:
                self._failures.append(f"an answer that could not be read: {message.start!r} ({error})")
            return
        with self._answered:
            if payload.get("type") == "Error":
                self._failures.append(str(payload.get("message", "an error without a message")))
            if message_id is not None:
                # A page's answer (its address, word count and metadata) is only counted, never read: held, the
                # answers for 3,000 pages stayed in memory to the end of the build.
                self._answers[message_id] = None if payload.get("type") == "IndexedFile" else payload
            self._answered.notify_all()

    def _said(self) -> str:
        self._stderr.seek(0)
        said = self._stderr.read().decode("utf-8", errors="replace")
        return _last_lines("\n".join([*self._failures, said])) or "it stopped without saying why"


# The start and the end of the start tag the theme gives a page's indexed part (overrides/partials/content.html):
# the theme writes `id="pp-content"` on one element of every page, so a page holding it once holds the theme's.
_BODY_TAG_START = '<div class="pp-page'
_BODY_ID = 'id="pp-content"'
_BODY_TAG_END = f" {_BODY_ID} data-pagefind-body>"
# Where the tokenizer reads markup as text (comments, CDATA, raw-text elements) or Pagefind reads something
# outside a page's body (its first h1 is the title, <title> the fallback); and svg and MathML, in which CDATA is
# read as text. In lower case text; each match is the element's name ("/svg" for an end tag, "!" for a comment).
_RAW_TEXT = r"script|style|template|noscript|textarea|title|xmp|iframe|noembed|noframes|plaintext"


def _by_first_letter(names: tuple[str, ...]) -> str:
    """An alternation of `names` grouped by first letter ("s(?:vg|cript|tyle)|..."): the same names, but at each
    of a menu's two hundred tags re's matcher tries a handful of letters, not every name (a third less time)."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


_MARKUP_IN_CUT = re.compile(
    rf"<(!|/(?:svg|math)(?=[\s/>])|(?:{_by_first_letter(('svg', 'math', 'h1', *_RAW_TEXT.split('|')))})(?=[\s/>]))")
_RAW_IN_HEAD = re.compile(rf"<(!--|!\[|/?(?:{_RAW_TEXT})(?=[\s/>]))", re.IGNORECASE)


def search_view(html: str) -> str:
    """What Pagefind is given of a page MkDocs wrote: the page without the markup between `</head>` and its body's
    start tag (the header, the menu and the sidebars: more than half of a page's bytes), which Pagefind parses
    only to throw away. Once a page has a `data-pagefind-body` element, Pagefind keeps only its text, and of
    what lies outside it reads only the first h1, <title>, `data-pagefind-*` attributes and `id`s (anchors are
    numbered as they come, but the numbers are not written). So the markup is cut only where it is plain markup
    (each svg in it ended) holding none of those but ids, after a head whose comments and raw-text elements all
    end before `</head>`; any other page is given whole. The index is the same, file by file, decoded
    (tests/test_search_build.py)."""
    # The theme's body id once: its first place is in the body's start tag and there is no other after it (one
    # pass over the page, where finding the tag and then counting the id made one and a half).
    body_id = html.find(_BODY_ID)
    marker = body_id - 1  # where _BODY_TAG_END starts: a space, then the id
    if body_id < 1 or not html.startswith(_BODY_TAG_END, marker) or html.find(_BODY_ID, body_id + len(_BODY_ID)) >= 0:
        return html
    head_end = html.find("</head>", 0, marker)
    body_tag = html.rfind(_BODY_TAG_START, 0, marker)
    if head_end < 0 or body_tag < head_end or ">" in html[body_tag:marker]:
        return html
    cut_from = head_end + len("</head>")
    cut = html[cut_from:body_tag].lower()
    found = _MARKUP_IN_CUT.findall(cut)
    if "pagefind" in cut or any(name not in ("svg", "/svg", "math", "/math") for name in found) \
            or found.count("svg") != found.count("/svg") or found.count("math") != found.count("/math"):
        return html
    # The head's raw-text elements (its <title>) each end before the next begins, and it has no comment: so the
    # first "</head>" is the head's end, not text.
    raw = [name.lower() for name in _RAW_IN_HEAD.findall(html, 0, head_end)]
    if len(raw) % 2 or any(raw[i][0] == "!" or raw[i + 1] != f"/{raw[i]}" for i in range(0, len(raw), 2)):
        return html
    return f"{html[:cut_from]}<body>{html[body_tag:]}"


def search_contents(html: str) -> str:
    """A page as Pagefind is given it (`search_view`), as a JSON string (all ASCII): what an AddFile message
    carries, and what KeptSearchIndex hashes to know the page is the one the kept index was made from."""
    return json.dumps(search_view(html))


def page_url(path: str) -> str:
    """The address Pagefind gives a page at `path` inside the site, as `pagefind --site` does."""
    url = "/" + path.replace(os.sep, "/")
    return url.removesuffix("index.html") if url.endswith("/index.html") or url == "/index.html" else url
