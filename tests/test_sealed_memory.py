"""The sealed memory's file (core/foundation/sealedmemory.py) as a build uses it: what is put is written at once and
not held (the memory of a 3,000-page build does not grow with its kept pages, issue 29), what is read back is
read one entry at a time, and a save is whole or not at all: a file cut short, or a build stopped before it
saved, never leaves anything read back as if it were whole."""

from __future__ import annotations

import gc
import hashlib
import hmac
import importlib.metadata
import json
import tracemalloc

from protectpress.core.foundation.sealedmemory import SealedMemory, _Writer, installed_versions, read_entries

KEY = b"m" * 32
PAGE = "<p>" + "Report anything suspicious. " * 1800 + "</p>"  # about 50 KB, as a long page's HTML


def _value(number: int) -> dict[str, object]:
    return {"html": f"{number} {PAGE}", "toc": [], "title": f"Page {number}"}


def _peak_of(work) -> int:
    """The most memory Python held at once while `work` ran, beyond what it held before."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_what_is_put_read_back_or_kept(tmp_path):
    count = 300  # about 15 MB of values: held whole, the peak would be several times the limit below
    path = tmp_path / "pages.sealed.json"
    limit = 3 * 1024 * 1024

    def first_build():
        memory = SealedMemory(path, KEY)
        for number in range(count):
            memory.put("page", f"page {number}", _value(number))
        memory.save()

    def rebuild():  # every page read back and kept, one changed page put
        memory = SealedMemory(path, KEY)
        for number in range(count):
            assert memory.get("page", f"page {number}") == _value(number)
        memory.put("page", "page new", _value(count))
        memory.save()

    assert _peak_of(first_build) < limit
    assert path.stat().st_size > count * len(PAGE)
    assert _peak_of(rebuild) < limit
    again = SealedMemory(path, KEY)
    assert [again.get("page", f"page {n}") for n in (0, count - 1)] == [_value(0), _value(count - 1)]
    assert again.get("page", "page new") == _value(count)


def test_a_file_cut_short_anywhere_is_read_as_no_memory_at_all(tmp_path):
    path = tmp_path / "sealed.json"
    memory = SealedMemory(path, KEY)
    for name in "abc":
        memory.put("kind", name, f"drawing of {name}")
    memory.save()
    whole = path.read_bytes()
    assert [SealedMemory(path, KEY).get("kind", name) for name in "abc"] == ["drawing of a", "drawing of b",
                                                                            "drawing of c"]
    for length in range(len(whole)):  # a build killed while writing, a full disk: at every byte
        path.write_bytes(whole[:length])
        cut = SealedMemory(path, KEY)
        assert [cut.get("kind", name) for name in "abc"] == [None, None, None], length
    lines = whole.splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2] + lines[3:]))  # an entry's line lost, the last line kept
    assert [SealedMemory(path, KEY).get("kind", name) for name in "abc"] == [None, None, None]
    path.write_bytes(whole + lines[1])  # something after the last line
    assert [SealedMemory(path, KEY).get("kind", name) for name in "abc"] == [None, None, None]


def test_a_build_stopped_before_saving_leaves_the_last_file_as_it_was_and_nothing_else(tmp_path):
    path = tmp_path / "pages.sealed.json"
    first = SealedMemory(path, KEY)
    first.put("page", "a", "html of a")
    first.save()
    saved = path.read_bytes()

    stopped = SealedMemory(path, KEY)
    assert stopped.get("page", "a") == "html of a"
    stopped.put("page", "b", "html of b")  # written to the next file at once
    assert len(list(tmp_path.iterdir())) == 2
    del stopped  # the build failed: no save
    gc.collect()
    assert list(tmp_path.iterdir()) == [path] and path.read_bytes() == saved
    assert SealedMemory(path, KEY).get("page", "b") is None


def test_a_save_replaces_the_file_read_by_a_memory_still_open_without_confusing_it(tmp_path):
    # Two builds of one project at once (or the preview and a build): each reads the file it opened.
    path = tmp_path / "sealed.json"
    first = SealedMemory(path, KEY)
    first.put("kind", "a", "drawing of a")
    first.save()
    reader = SealedMemory(path, KEY)
    writer = SealedMemory(path, KEY)
    writer.put("kind", "b", "drawing of b")
    writer.save()
    assert reader.get("kind", "a") == "drawing of a" and reader.get("kind", "b") is None
    assert set(read_entries(path)) == {writer._name("kind", "b")}  # only what that build used
    assert writer.get("kind", "b") == "drawing of b"  # after its save, what it saved reads back


def test_an_entry_is_one_ascii_line_of_compact_sorted_json_and_reads_back_as_it_was_put(tmp_path):
    path = tmp_path / "sealed.json"
    values = {"a": {"title": "Café — “quoted” 🚨", "html": "<p>\ud800 lone</p>", "toc": [1, None]},
              "b": "plain", "c": ["x" * 300_000]}  # larger than the file's buffer
    memory = SealedMemory(path, KEY)
    for text, value in values.items():
        memory.put("kind", text, value)
    memory.save()
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines[0] == b'{"protectpress":"sealed memory","format":2}\n' and lines[-1] == b'{"end":3}\n'
    for line, (text, value) in zip(lines[1:-1], values.items(), strict=True):
        name = memory._name("kind", text)
        encoded = json.dumps(value, sort_keys=True, separators=(",", ":")).encode("ascii")
        assert line == b'["%s","%s",%s]\n' % (name.encode(), memory._seal_encoded(name, encoded).encode(), encoded)
    again = SealedMemory(path, KEY)
    assert {text: again.get("kind", text) for text in values} == values


def test_names_and_seals_are_hmac_sha256_under_the_key_each_on_its_own_message(tmp_path):
    # Each is a copy of one keyed HMAC (keyed once per memory): the same as an HMAC made afresh for each, and
    # none carries what an earlier one hashed.
    memory = SealedMemory(tmp_path / "sealed.json", KEY)
    for _ in range(2):
        for kind, text in (("kind", "text"), ("page-html x", "Caf\u00e9 \ud800" * 1000), ("kind", "")):
            message = b"name\0" + kind.encode() + b"\0" + text.encode("utf-8", "surrogatepass")
            name = hmac.new(KEY, message, hashlib.sha256).hexdigest()
            assert memory._name(kind, text) == name
            assert memory._seal_encoded(name, b'"value"') == hmac.new(
                KEY, b"value\0" + name.encode() + b'\0"value"', hashlib.sha256).hexdigest()
    other = SealedMemory(tmp_path / "sealed.json", b"o" * 32)
    assert other._name("kind", "text") != memory._name("kind", "text")


def test_an_entry_written_as_utf8_by_an_earlier_version_is_still_read_back(tmp_path):
    # Entries were UTF-8 JSON before they were all ASCII: the seal covers whichever bytes the file holds.
    path = tmp_path / "sealed.json"
    memory = SealedMemory(path, KEY)
    name = memory._name("kind", "page")
    encoded = json.dumps({"title": "Café — “quoted”"}, ensure_ascii=False, sort_keys=True,
                         separators=(",", ":")).encode("utf-8")
    writer = _Writer(path)
    writer.add(name, memory._seal_encoded(name, encoded), encoded)
    writer.finish().close()
    assert SealedMemory(path, KEY).get("kind", "page") == {"title": "Café — “quoted”"}


def test_installed_versions_name_each_package_and_one_that_is_missing():
    # What made a kept result: the kept pages' key and the kept search index's kind both read it here.
    mkdocs = importlib.metadata.version("mkdocs")
    assert installed_versions("mkdocs", "no-such-package-pp") == f"mkdocs {mkdocs}, no-such-package-pp none"
