"""Reading the Pagefind index a build wrote, so tests can say what search would find without a browser.

Each indexed page is one "fragment" file under `site/pagefind/fragment/`: gzip, then the marker
`pagefind_dcd`, then JSON with the page's url, indexed text, metadata and filters.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

MARKER = b"pagefind_dcd"


def indexed_pages(site: Path) -> dict[str, dict]:
    """Every page in the search index, by URL path ("/action-cards/parcels/")."""
    pages = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        assert raw.startswith(MARKER), f"{fragment.name} is not a Pagefind fragment"
        page = json.loads(raw[len(MARKER):])
        pages[page["url"]] = page
    assert pages, f"no search index in {site}/pagefind/"
    return pages


def pages_containing(site: Path, word: str) -> set[str]:
    return {url for url, page in indexed_pages(site).items() if word.lower() in page["content"].lower()}


def index_contents(site: Path) -> dict[str, object]:
    """Everything in the Pagefind index under `site/pagefind/`, decoded so that two indexes of the same pages
    compare equal: every file by its name and (gzip undone) its bytes, except the filter files, whose names are
    hashes of their bytes and whose values Pagefind writes in a different order each run (a hash map's). Those
    are read (CBOR) as {filter: {value: page numbers}}, and their names left out of the files that list them.
    """
    index = site / "pagefind"
    files: dict[str, object] = {}
    filters: dict[str, dict[str, list[int]]] = {}
    for path in sorted(p for p in index.rglob("*") if p.is_file()):
        name = path.relative_to(index).as_posix()
        data = path.read_bytes()
        if data[:3] == b"\x1f\x8b\x08":
            data = gzip.decompress(data)
        if name.startswith("filter/"):
            assert data.startswith(MARKER), name
            key, values = _cbor(data, len(MARKER))[0]
            filters[key] = {value: pages for value, pages in values}
        elif name.endswith(".pf_meta") or name == "pagefind-entry.json":
            files[name.split(".", 1)[0] if name.endswith(".pf_meta") else name] = _without_filter_names(data)
        else:
            files[name] = data
    assert files and filters, f"no search index with filters in {index}/"
    return {"files": files, "filters": filters}


def _without_filter_names(data: bytes) -> object:
    if data.startswith(MARKER):  # the meta file: [version, pages, index chunks, [[filter, file hash]], sorts]
        meta = _cbor(data, len(MARKER))[0]
        return [*meta[:3], sorted(name for name, _ in meta[3]), *meta[4:]]
    entry = json.loads(data)  # the entry names the meta file by a hash of it
    for language in entry["languages"].values():
        language.pop("hash")
    return entry


def _cbor(data: bytes, at: int) -> tuple[object, int]:
    """One CBOR item at `at` (what Pagefind writes: numbers, strings, arrays, maps as lists of pairs)."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        size = info
    else:
        width = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        size, at = int.from_bytes(data[at:at + width], "big"), at + width
    if major == 0:
        return size, at
    if major in (2, 3):
        raw = data[at:at + size]
        return (raw.decode() if major == 3 else raw), at + size
    if major in (4, 5):
        items = []
        for _ in range(size * (2 if major == 5 else 1)):
            item, at = _cbor(data, at)
            items.append(item)
        return (list(zip(items[::2], items[1::2], strict=True)) if major == 5 else items), at
    raise AssertionError(f"CBOR item {head:#x} not expected in a Pagefind file")
