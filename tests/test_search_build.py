"""Search indexing as part of `protectpress build`: inside the atomic build, and what a page's record holds."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from protectpress.cli.build import build_site
from protectpress.core.content.items import ActionCard
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.settings import Vocabulary
from protectpress.core.site import search, search_files
from protectpress.core.site.search import PageIndexer, SearchIndexError, index_site, page_url
from protectpress.core.site.search_records import record_for
from search_index import index_contents, indexed_pages
from support import FIXTURES, copy_project, run_in_process, snapshot, wait_until


def test_a_failed_indexing_leaves_the_previous_site_in_place(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    first = run_in_process("build", cwd=project)
    assert first.returncode == 0, first.stderr
    assert re.search(r"^Indexed \d+ pages for search in (under )?[\d.]+ seconds$", first.stdout, re.M), first.stdout
    before = snapshot(project / "site")
    assert "/action-cards/parcels/" in indexed_pages(project / "site")

    # Pagefind reads pagefind.yml from the folder it runs in: a broken one makes it fail for real.
    (project / "pagefind.yml").write_text("exclude_selectors: [\n", encoding="utf-8")
    (project / "docs" / "guidance" / "new.md").write_text(
        "---\ntitle: New\ntype: guidance\nsummary: New.\ndate: 2024-05-01\n---\n\nNew text.\n", encoding="utf-8")
    failed = run_in_process("build", cwd=project)

    assert failed.returncode == 1
    assert "the search indexer (Pagefind) failed" in failed.stderr and "pagefind" in failed.stderr.lower()
    assert "site/ was left as it was" in failed.stderr and "Traceback" not in failed.stderr
    assert snapshot(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


def test_a_record_names_labels_and_puts_an_all_sectors_page_under_every_sector():
    vocabulary = Vocabulary(tags={"suspicious-items": "Suspicious items"},
                            sectors={"all": "All sectors", "retail": "Retail", "sport": "Sport"})
    day = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    card = ActionCard(src_uri="action-cards/x.md", path="docs/action-cards/x.md", title="X", summary="X.",
                      date=day, updated=None, review_by=None, tags=("suspicious-items",), sectors=("all",),
                      image=None, image_alt=None, draft=False, body="", body_line=1)
    record = record_for(card, vocabulary)
    assert record.type_label == "Action card" and record.topics == ("Suspicious items",)
    assert record.sectors == ("All sectors", "Retail", "Sport")
    assert (record.date_iso, record.date_label) == ("2024-03-01", "1 March 2024")
    # A result names what the page says: "All sectors" once, not every sector it is found under.
    assert (record.topics_label, record.sectors_label) == ("Suspicious items", "All sectors")
    retail_only = record_for(ActionCard(**{**card.__dict__, "sectors": ("sport", "retail", "retail")}), vocabulary)
    assert retail_only.sectors == ("Retail", "Sport") and retail_only.sectors_label == "Retail, Sport"


def test_pages_handed_to_pagefind_as_they_are_written_make_the_same_index_as_indexing_the_folder(tmp_path):
    # `protectpress build` feeds Pagefind each page during the build (PageIndexer); the index must hold what
    # `pagefind --site` finds in the same written site: the same pages, each with the same text, metadata and
    # filters (a fragment file is named by the hash of all of that).
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    site = tmp_path / "fed"
    indexer = PageIndexer(site, language="en-GB")
    result = build_site(project / "mkdocs.yml", site, now=build_now(), indexer=indexer)
    assert result.ok, result.stopped
    handed_during_build = set(indexer.added)
    fed = indexer.finish()

    walked = tmp_path / "walked"
    shutil.copytree(site, walked, ignore=shutil.ignore_patterns("pagefind"))
    alone = index_site(walked, language="en-GB")

    assert fed.pages == alone.pages == len(indexed_pages(site)) > 5
    assert indexed_pages(site) == indexed_pages(walked)
    assert sorted(p.name for p in (site / "pagefind" / "fragment").iterdir()) == \
        sorted(p.name for p in (walked / "pagefind" / "fragment").iterdir())
    # The same files besides: Pagefind's script, WebAssembly and entry, and as many index chunks (their names
    # are hashes that depend on the order the pages came in).
    files = [sorted(p.relative_to(root).as_posix() for p in (root / "pagefind").rglob("*") if p.is_file())
             for root in (site, walked)]
    assert len(files[0]) == len(files[1])
    assert [f for f in files[0] if "/" not in f and not f.endswith(".pf_meta")] == \
        [f for f in files[1] if "/" not in f and not f.endswith(".pf_meta")]
    # Every indexed page was handed over while MkDocs wrote it, none read back from disk afterwards.
    assert {page_url(path) for path in handed_during_build} >= set(indexed_pages(site))


def test_pagefind_given_pages_without_their_menus_makes_the_index_it_makes_of_whole_pages(tmp_path, monkeypatch):
    # Pagefind is given each page without the header, menu and sidebars before its body (search_view: more than
    # half of a page's bytes, parsed by Pagefind only to be thrown away). Every file of the index must be the
    # same as when it is given whole pages in the same order: each page's text, title, metadata, filters, sort
    # key and anchors (the fragments), every word's pages and positions (the index chunks), and the filters,
    # read value by value (Pagefind writes their values in a different order on every run).
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    built = tmp_path / "built"
    assert build_site(project / "mkdocs.yml", built, now=build_now()).ok
    pages = {path: (built / path).read_text(encoding="utf-8") for path in sorted(search_files.html_files(built))}

    def index(folder: str) -> Path:
        shutil.copytree(built, tmp_path / folder)
        indexer = PageIndexer(tmp_path / folder, language="en-GB")
        for path, html in pages.items():
            indexer.add(path, html)
        indexer.finish()
        return tmp_path / folder

    viewed = index("viewed")
    with monkeypatch.context() as whole_pages:
        whole_pages.setattr(search, "search_view", lambda html: html)
        whole = index("whole")

    indexed = set(indexed_pages(whole))
    assert len(indexed) > 5 and set(indexed_pages(viewed)) == indexed
    assert index_contents(viewed) == index_contents(whole)
    # Each indexed page was given cut (to under 70% of its bytes), and only those: the 404 page, the redirect
    # pages and the emails, which Pagefind leaves out, were given whole.
    cut = {path for path, html in pages.items() if search.search_view(html) != html}
    assert {page_url(path) for path in cut} == indexed
    assert all(len(search.search_view(pages[path])) < 0.7 * len(pages[path]) for path in cut)


_MENU = '<header><a id="top" href="/">Site</a><svg viewBox="0 0 1 1"><path d="M0"/></svg></header><nav>Menu</nav>'
_BODY = '<div class="pp-page pp-page--guidance" id="pp-content" data-pagefind-body><h1>Title</h1><p>Text</p></div>'


def _page(menu: str = _MENU, head: str = "<title>Page</title>", body: str = _BODY) -> str:
    return f'<!doctype html>\n<html lang="en-GB"><head>{head}</head><body class="x">{menu}{body}</body></html>'


def test_a_page_is_given_to_pagefind_from_its_head_and_its_body_on():
    assert search.search_view(_page()) == \
        f'<!doctype html>\n<html lang="en-GB"><head><title>Page</title></head><body>{_BODY}</body></html>'


@pytest.mark.parametrize("menu, head, body", [
    # What Pagefind would read in the part cut: a title (the first h1, or <title> when the page has no h1),
    # metadata, a filter, a sort key, a second body, an old Pagefind bundle it warns about.
    (_MENU + "<h1>Site</h1>", None, None),
    (_MENU + '<svg><title>Icon</title></svg>', None, None),
    (_MENU + '<span data-pagefind-meta="image[src]" src="/a.png"></span>', None, None),
    (_MENU + '<span DATA-PAGEFIND-FILTER="topic">Parcels</span>', None, None),
    (_MENU + '<script src="/_pagefind/pagefind.js"></script>', None, None),
    # Where the tokenizer reads markup as text, or could still be at the cut: a comment, CDATA, a script, a
    # style, an svg not ended before the body.
    (_MENU + "<!-- <h1>x</h1> -->", None, None),
    (_MENU + "<svg><![CDATA[ x ]]></svg>", None, None),
    (_MENU + '<script>let a = "</head>";</script>', None, None),
    (_MENU + "<style>p {}</style>", None, None),
    (_MENU + "<svg><g>", None, None),
    # A head whose "</head>" may be text: a comment, a raw-text element that has not ended.
    (None, "<!-- x --><title>Page</title>", None),
    (None, '<title>Page</title><script>document.write("', None),
    # No body start tag of the theme's, or the theme's body id twice (one of them not the theme's).
    (None, None, '<div id="pp-content" data-pagefind-body><p>Text</p></div>'),
    (None, None, '<div class="pp-page" id="pp-content"><p>Text</p></div>'),
    (None, None, _BODY + '<p id="pp-content">Again</p>'),
])
def test_a_page_whose_cut_could_change_what_pagefind_reads_is_given_whole(menu, head, body):
    page = _page(**{k: v for k, v in {"menu": menu, "head": head, "body": body}.items() if v is not None})
    assert search.search_view(page) == page


def test_a_page_is_cut_only_where_the_theme_s_body_id_is_once_and_in_the_body_s_start_tag():
    # search_view finds the id once and looks for a second after it, where it found the start tag's end and then
    # counted the id over the whole page: the same pages are cut, wherever else the id is.
    def cut_before(html: str) -> bool:  # the old test, before the rest of search_view's
        return html.find(search._BODY_TAG_END) >= 0 and html.count(search._BODY_ID) == 1

    elsewhere = '<p id="pp-content">x</p>'
    pages = [_page(), _page(menu=_MENU + elsewhere), _page(body=_BODY + elsewhere), _page(head=elsewhere),
             _page(body=_BODY.replace(' data-pagefind-body', '')), _page(body=_BODY.replace('id=', 'data-id=')),
             _page(body=_BODY.replace(" id=", "id=")), _page(body=_BODY + _BODY), 'id="pp-content" data-pagefind-body>',
             ' id="pp-content" data-pagefind-body>', '', 'id="pp-content"id="pp-content"']
    assert [cut_before(page) for page in pages] == [True] + [False] * 8 + [True, False, False]
    assert [search.search_view(page) != page for page in pages] == [True] + [False] * 11  # the 10th has no head
    assert search.search_view(_page(menu=_MENU + "<p>pp-content</p>")) != _page(menu=_MENU + "<p>pp-content</p>")


def test_the_markup_looked_for_in_the_cut_is_what_the_plain_alternation_of_its_names_finds():
    # _MARKUP_IN_CUT groups its names by first letter to be quicker; it must find exactly what the plain
    # alternation it replaced found, in every tag a menu could hold.
    plain = re.compile(rf"<(!|/?(?:svg|math)(?=[\s/>])|(?:h1|{search._RAW_TEXT})(?=[\s/>]))")
    names = ["svg", "math", "h1", "h2", "s", "sv", "svgx", "span", "mat", "maths", "!--", "![CDATA[",
             *search._RAW_TEXT.split("|"), *(name + "x" for name in search._RAW_TEXT.split("|")), "no", "t", "x"]
    tags = [f"<{slash}{name}{end}" for slash in ("", "/") for name in names for end in (">", " ", "/", "\t", "x", "")]
    text = "".join(f"{tag}a" for tag in tags) + "<" + "".join(tags)
    assert search._MARKUP_IN_CUT.findall(text) == plain.findall(text)
    assert {"svg", "/svg", "math", "/math", "h1", "script", "!"} <= set(plain.findall(text))
    for tag in tags:
        assert search._MARKUP_IN_CUT.findall(tag) == plain.findall(tag), tag
    menu = _MENU.lower()
    assert search._MARKUP_IN_CUT.findall(menu) == plain.findall(menu)


def test_pagefind_is_given_the_sites_language(tmp_path):
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en-GB", "language: de", 1),
                      encoding="utf-8")
    assert load_settings(config).language == "de"
    done = run_in_process("build", cwd=project)
    assert done.returncode == 0, done.stderr
    entry = json.loads((project / "site" / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["de"]


def test_a_page_is_sent_to_pagefind_as_the_json_of_its_addfile_message(tmp_path, monkeypatch):
    # PageIndexer.add_contents writes the AddFile message around the view's JSON (made once, and hashed by
    # KeptSearchIndex) instead of encoding a whole message: it must be what json.dumps makes of that message.
    sent: list[str] = []
    indexer = PageIndexer(tmp_path, language="en-GB")
    try:
        monkeypatch.setattr(indexer, "_post", sent.append)
        page = '<html><body data-pagefind-body><p>Caf\u00e9 \u201cquoted\u201d \\ "x" \ud800 \t</p></body></html>'
        indexer.add("guidance/caf\u00e9/index.html", page)
    finally:
        monkeypatch.undo()
        indexer.close()
    payload = {"type": "AddFile", "index_id": indexer._index_id, "url": "/guidance/caf\u00e9/", "file_path": None,
               "file_contents": search.search_view(page)}
    assert sent == [json.dumps({"message_id": indexer._next_id, "payload": payload})]
    assert sent[0].isascii()


def test_a_pagefind_that_stops_early_is_a_search_index_error_never_a_broken_pipe(tmp_path, monkeypatch):
    # Pagefind reads pagefind.yml from the folder it runs in: a broken one stops it before it reads a page,
    # while the build is still handing it pages. Closing a pipe that still held some was a traceback (2 runs in 4).
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pagefind.yml").write_text("exclude_selectors: [\n", encoding="utf-8")
    page = "<html><body data-pagefind-body>" + "word " * 20_000 + "</body></html>"
    for _ in range(3):
        indexer = PageIndexer(tmp_path / "site", language="en-GB")
        for number in range(100):
            indexer.add(f"page-{number}/index.html", page)
        with pytest.raises(SearchIndexError, match="Pagefind config"):
            indexer.finish()


def test_a_long_answer_from_pagefind_is_read_as_it_arrives_and_gives_what_reading_it_whole_gives(monkeypatch):
    # The index comes back in one answer of many megabytes: past SPILL_BYTES it is decoded into a temporary file
    # as it arrives and its files read one at a time (issue 29: peak memory), never held whole.
    from protectpress.core.site import pagefind_answers as search

    monkeypatch.setattr(search, "SPILL_BYTES", 1000)
    monkeypatch.setattr(search, "_WINDOW", 64)  # entries longer than the first window read
    files = [{"path": f"fragment/en_{n}.pf_fragment", "content": base64.b64encode(os.urandom(n * 37)).decode()}
             for n in range(60)] + [{"path": "caf\u00e9.json", "content": "e30="}]
    answer = {"message_id": 7, "payload": {"type": "GetFiles", "files": files, "note": ["\u2019", {"n": 1.5}]}}
    raw = base64.b64encode(json.dumps(answer, indent=1).encode("utf-8"))
    message = search.IncomingAnswer()
    for start in range(0, len(raw), 333):
        message.add(raw[start:start + 333])
    read = message.answer()
    assert message.spilled is not None
    assert isinstance(read["payload"]["files"], search_files.SpilledFiles)
    assert read["payload"]["note"] == answer["payload"]["note"] and read["message_id"] == 7
    assert len(read["payload"]["files"]) == len(files)
    assert list(read["payload"]["files"]) == files

    short = search.IncomingAnswer()
    short.add(base64.b64encode(b'{"message_id": 1, "payload": {"type": "NewIndex", "index_id": 0}}'))
    assert short.spilled is None and short.answer()["payload"]["index_id"] == 0
    broken = search.IncomingAnswer()
    broken.add(raw[:-8] + b"AAAA")
    with pytest.raises(ValueError):
        broken.answer()


# Run in a process of its own: its peak resident memory is what the build's own process would add.
_READ_A_LONG_ANSWER = """
import base64, json, resource, sys, tempfile
from protectpress.core.site.pagefind_answers import _read_spilled
file = tempfile.TemporaryFile()
content = base64.b64encode(bytes(range(256)) * 300).decode()  # 100 KB of base64 a file
file.write(b'{"message_id": 9, "payload": {"type": "GetFiles", "files": [')
for n in range(400):  # 40 MB in all, written a file at a time
    file.write((b"," if n else b"") + json.dumps({"path": f"fragment/{n}.pf_fragment", "content": content}).encode())
file.write(b"]}}")
file.flush()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
read = _read_spilled(file)
count = sum(1 for entry in read["payload"]["files"] if entry["content"] == content)
grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(count, grew // 1024)
"""


def test_the_index_in_a_long_answer_is_read_without_holding_it_all_in_memory():
    # Walked through an mmap, every page of the 16 MB index that was read stayed resident until the map closed:
    # 12.7 MB on the build's peak at 3,000 pages, the largest part of its growth from 1,000 pages (issue 29).
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _READ_A_LONG_ANSWER], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    count, grew_mb = map(int, done.stdout.split())
    assert count == 400
    assert grew_mb < 4, f"reading 40 MB of index raised the peak by {grew_mb} MB"


def test_the_index_is_written_only_inside_its_folder(tmp_path):
    # Pagefind names each file of the index; a name that climbs out, is absolute, or leads through a link to
    # somewhere else is refused before anything is written there.
    from protectpress.core.site.search_files import write_index

    index = tmp_path / "site" / "pagefind"
    write_index(index, [{"path": "pagefind-entry.json", "content": "e30="},
                         {"path": "fragment/en_1.pf_fragment", "content": base64.b64encode(b"one").decode()}])
    assert (index / "pagefind-entry.json").read_bytes() == b"{}"
    assert (index / "fragment" / "en_1.pf_fragment").read_bytes() == b"one"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kept.txt").write_text("mine")
    (index / "away").symlink_to(outside, target_is_directory=True)
    (index / "linked.pf").symlink_to(outside / "kept.txt")
    for name in ["../outside/kept.txt", str(outside / "kept.txt"), "away/kept.txt", "away/new.txt", "linked.pf",
                 "fragment/../../outside/kept.txt", "", ".", None]:
        with pytest.raises(SearchIndexError, match="outside its folder"):
            write_index(index, [{"path": name, "content": "eA=="}])
    assert sorted(path.name for path in outside.iterdir()) == ["kept.txt"]
    assert (outside / "kept.txt").read_text() == "mine"


def test_a_stopping_preview_stops_the_indexer_it_started(tmp_path):
    # The preview indexes its folder in the background after each save; a preview stopped meanwhile removed the
    # folder and left Pagefind hung on it for good. `stop_indexing` (run as the preview stops) ends the run.
    words = " ".join(f"word{number}" for number in range(300))
    for number in range(3000):  # about two seconds of indexing: long enough to be caught running
        page = tmp_path / "site" / f"p{number}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<!doctype html><html lang="en"><head><title>{number}</title></head><body>'
                        f"<main data-pagefind-body><h1>Page {number}</h1><p>{words}</p></main></body></html>",
                        encoding="utf-8")
    outcome: list[object] = []

    def index() -> None:
        try:
            outcome.append(index_site(tmp_path / "site", language="en"))
        except SearchIndexError as error:
            outcome.append(error)

    worker = threading.Thread(target=index)
    worker.start()
    stopped = wait_until(lambda: search.stop_indexing() == 1, seconds=10, step=0.005,
                         what="the indexer running")
    worker.join(timeout=10)
    assert stopped and not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], SearchIndexError), outcome
    assert search.stop_indexing() == 0  # nothing left running


def test_closing_the_indexer_waits_for_its_reader_before_closing_the_pipe_it_reads(tmp_path, monkeypatch):
    # The reader thread still handling Pagefind's last answers when the build stopped read a pipe closed under it
    # ("I/O operation on closed file" in thread pp-pagefind-out).
    failures: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda hook: failures.append(hook.exc_value))
    indexer = PageIndexer(tmp_path, language="en-GB")
    finish_message = indexer._finish_message

    def slowly(message):
        time.sleep(0.3)
        finish_message(message)
    monkeypatch.setattr(indexer, "_finish_message", slowly)
    indexer.add("page/index.html", "<html><body data-pagefind-body><p>Words</p></body></html>")
    indexer.add("other/index.html", "<html><body data-pagefind-body><p>More words</p></body></html>")
    time.sleep(0.5)  # Pagefind has answered; the reader is handling the answers
    indexer.close()
    assert not indexer._threads[1].is_alive()
    assert failures == []


class _GatedPipe:
    """Pagefind's stdin, written only while `open` is set: a Pagefind that has stopped reading for a while."""

    def __init__(self, pipe) -> None:
        self.pipe, self.open = pipe, threading.Event()
        self.open.set()

    def write(self, data: bytes) -> int:
        self.open.wait()
        return self.pipe.write(data)

    def flush(self) -> None:
        self.pipe.flush()

    def close(self) -> None:
        self.pipe.close()


def test_pages_wait_for_a_pagefind_that_falls_behind_and_are_all_indexed_when_it_catches_up(tmp_path, monkeypatch):
    # The outbox holds at most OUTBOX_PAGES pages (the build waits rather than hold every page twice), and the
    # hand-over of a page takes no Python-level lock while there is room (queue.Queue's put took two, and woke
    # the writer through threading.Condition, on every page).
    write = PageIndexer._write
    pipes: list[_GatedPipe] = []

    def gated_write(self):
        pipes.append(_GatedPipe(self._process.stdin))
        self._process.stdin = pipes[-1]
        write(self)
    monkeypatch.setattr(PageIndexer, "_write", gated_write)
    site = tmp_path / "site"
    indexer = PageIndexer(site, language="en-GB")
    total = search.OUTBOX_PAGES + 20
    pages = [(f"page-{n}/index.html", f"<html><body data-pagefind-body><p>Word{n} here</p></body></html>")
             for n in range(total)]
    for path, html in pages:
        (site / path).parent.mkdir(parents=True)
        (site / path).write_text(html, encoding="utf-8")
    notified: list[object] = []
    notify = threading.Condition.notify
    main = threading.current_thread()  # the reader notifies of Pagefind's answers in a thread of its own

    def counted(self, n=1):
        if threading.current_thread() is main:
            notified.append(self)
        notify(self, n)
    try:
        with monkeypatch.context() as patch:
            patch.setattr(threading.Condition, "notify", counted)
            for path, html in pages[:5]:
                indexer.add(path, html)
        assert notified == []
        pipes[0].open.clear()
        adding = threading.Thread(target=lambda: [indexer.add(path, html) for path, html in pages[5:]])
        adding.start()
        wait_until(lambda: indexer._outbox.qsize() >= search.OUTBOX_PAGES, seconds=30, what="a full outbox")
        time.sleep(0.3)
        assert adding.is_alive() and indexer._outbox.qsize() == search.OUTBOX_PAGES
        pipes[0].open.set()
        adding.join(timeout=30)
        assert not adding.is_alive()
        result = indexer.finish()
    finally:
        pipes[0].open.set()
        indexer.close()
    assert result.pages == total


class _CountedPipe(_GatedPipe):
    def __init__(self, pipe) -> None:
        super().__init__(pipe)
        self.writes = 0

    def write(self, data: bytes) -> int:
        self.writes += 1
        return super().write(data)


def test_pages_handed_over_together_reach_pagefind_and_come_back_in_fewer_wakings_than_pages(tmp_path, monkeypatch):
    # Each page woke the writer and each answer the reader, and each waking took the GIL from the build: the
    # threads pause between pages while the build does not wait on them, and take what came meanwhile.
    write = PageIndexer._write
    pipes: list[_CountedPipe] = []

    def counted_write(self):
        pipes.append(_CountedPipe(self._process.stdin))
        self._process.stdin = pipes[-1]
        write(self)
    monkeypatch.setattr(PageIndexer, "_write", counted_write)
    reads: list[int] = []
    readv = os.readv

    def counted_readv(fd, buffers):
        got = readv(fd, buffers)
        if threading.current_thread().name == "pp-pagefind-out":
            reads.append(got)
        return got
    monkeypatch.setattr(search.os, "readv", counted_readv)
    site = tmp_path / "site"
    site.mkdir()
    indexer = PageIndexer(site, language="en-GB")
    total = 12
    try:
        for n in range(total):
            indexer.add(f"page-{n}/index.html", f"<html><body data-pagefind-body><p>Word{n} here</p></body></html>")
            time.sleep(0.005)  # a page takes a few ms to render
        writes_before_finish, reads_before_finish = pipes[0].writes, len(reads)
        started = time.monotonic()
        result = indexer.finish()
    finally:
        indexer.close()
    assert result.pages == total
    assert writes_before_finish < total / 2 and reads_before_finish < total / 2, (writes_before_finish, reads)
    assert time.monotonic() - started < 5


def test_a_build_lists_the_sites_html_files_once_for_search(tmp_path, monkeypatch):
    # Each listing walks every folder of the site (a thousand at 1,000 pages, each opened and read by the
    # system): the kept index's finish lists them, and hands the list to Pagefind's finish, which listed them again.
    from protectpress.core.site import kept_search

    walks: list[Path] = []

    def counted(site_dir: Path) -> set[str]:
        walks.append(site_dir)
        return search_files.html_files(site_dir)

    monkeypatch.setattr(kept_search, "html_files", counted)
    monkeypatch.setattr(search, "html_files", counted)
    project = copy_project(FIXTURES / "site-basic", tmp_path / "project")
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    assert len(walks) == 1
    walked = tmp_path / "walked"  # and the index holds what Pagefind finds walking the site itself
    shutil.copytree(project / "site", walked, ignore=shutil.ignore_patterns("pagefind"))
    index_site(walked, language="en-GB")
    assert indexed_pages(project / "site") == indexed_pages(walked) != {}
