"""The pages' scans are kept until the link check at the end of a build, so what they hold is shared between pages
(issue 29: at 1,000 pages each page's scan held 2 KB, most of it copies): one found link for every page that
links to an address, one set of ids for every page with the same headings. Sharing changes no scan: each is
still equal to a scan made afresh, with its memories emptied, and to the scan of every start tag."""

from __future__ import annotations

import random
import sys

import pytest

from protectpress.core.checks.kept_scans import KeptScans, _html_from, _html_value
from protectpress.core.foundation import linkscan
from protectpress.core.foundation.linkscan import IMAGE, LINK, FoundLink, ScannedHtml, found_link, scan_page
from test_linkscan_tags import PIECES, scan_of_every_start_tag


def _forget() -> None:
    for shared in linkscan._PAGE_LINKS.values():
        shared.clear()
    linkscan._ID_SETS.clear()


def test_pages_linking_to_one_address_share_its_found_link_and_their_ids():
    first = scan_page('<a href="../a/">a</a><h2 id="run">Run</h2><img src="p.png" srcset="p.png 1x, q.png 2x">')
    second = scan_page('<p><a href="../a/">again</a></p><h2 id="run">Run</h2><img src="q.png">')
    assert first.links[0] is second.links[0] == FoundLink("../a/", LINK)
    assert first.links[1] is first.links[2] == FoundLink("p.png", IMAGE)  # the same address in src and srcset
    assert first.links[3] is second.links[1] == FoundLink("q.png", IMAGE)
    assert first.ids is second.ids == frozenset({"run"})
    assert scan_page("<p>no link</p>").ids is scan_page("<p>none</p>").ids == frozenset()


def test_a_link_of_a_feed_entry_keeps_its_base_and_entry():
    # Feed entry bodies carry their entry's address: those found links are their own.
    entry = "https://example.org/a/"
    found = scan_page('<a href="b/">b</a>', base=entry, entry=entry).links[0]
    assert found == FoundLink("b/", LINK, entry, entry) != scan_page('<a href="b/">b</a>').links[0]
    assert scan_page('<base href="https://e.org/"><a href="c">c</a>').links == (FoundLink("c", LINK, "https://e.org/"),)
    assert found_link("x", LINK, None, entry) == FoundLink("x", LINK, None, entry)


def test_a_scan_holds_no_dictionary_of_its_own():
    scanned = scan_page('<a href="x">x</a>')
    assert not hasattr(scanned, "__dict__") and sys.getsizeof(scanned) < 100
    with pytest.raises(AttributeError):
        scanned.links = ()  # type: ignore[misc]


def test_scans_with_their_memories_shared_full_or_emptied_are_the_scans_of_every_start_tag(monkeypatch):
    monkeypatch.setattr(linkscan, "_SHARED_LIMIT", 3)  # emptied every few links and id sets
    chance = random.Random(29)
    pages = ["".join(chance.choice(PIECES) for _ in range(chance.randint(0, 24))) for _ in range(1_500)]
    shared = [scan_page(page) for page in pages]
    for page, scanned in zip(pages, shared, strict=True):
        _forget()
        assert scanned == scan_page(page)
        assert (scanned.links, scanned.ids) == scan_of_every_start_tag(page)


def test_a_scan_read_back_from_the_memory_shares_what_a_scan_shares():
    scanned = scan_page('<a href="../kept/">k</a><img src="k.png"><h2 id="kept">K</h2>')
    read_back = _html_from(_html_value(scanned))
    assert read_back == scanned
    assert all(a is b for a, b in zip(read_back.links, scanned.links, strict=True))
    assert KeptScans().html('<a href="../kept/">k</a>').links[0] is scanned.links[0]
    assert isinstance(read_back, ScannedHtml)
