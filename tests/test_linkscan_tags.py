"""The page scan matches only start tags with an attribute (issue 29: most of a body's tags, `<li>`, `<br />`,
`<td>`, have none, and matching each was a third of the scan). It must find every link and id the scan of every
start tag found: compared here with that scan, kept as it was, on tricky and random markup."""

from __future__ import annotations

import html

from hypothesis import example, given, settings
from hypothesis import strategies as st

from protectpress.core.foundation import linkscan
from protectpress.core.foundation.linkscan import FoundLink, scan_page


def scan_of_every_start_tag(text: str) -> tuple[tuple[FoundLink, ...], frozenset[str]]:
    """The scan as it read every start tag, `<li>` and `<br>` too (before issue 29's fourth round)."""
    links: list[FoundLink] = []
    ids: set[str] = set()
    base = None
    for tag_match in linkscan._ANY_START_TAG.finditer(linkscan._markup_only(text)):
        tag = tag_match.group(1).lower()
        attributes = tag_match.group(2)
        if tag not in linkscan._LINK_TAGS:
            if "id" in attributes and (found_id := linkscan._ID.search(attributes)):
                ids.add(html.unescape(next(v for v in found_id.groups() if v is not None)))
            continue
        values = linkscan._attributes(attributes)
        if "id" in values:
            ids.add(values["id"])
        if tag == "a" and "name" in values:
            ids.add(values["name"])
        if tag == "base" and "href" in values:
            base = values["href"]
        if tag == "link" and linkscan._HINT_RELS & set(values.get("rel", "").lower().split()):
            continue
        for name, value in values.items():
            kind = linkscan._HTML_TARGETS.get((tag, name))
            if kind is None:
                continue
            if name == "srcset":
                targets = [part.strip().split()[0] for part in value.split(",") if part.strip()]
            else:
                targets = [value.strip()]
            links.extend(FoundLink(t, kind, base, None) for t in targets if t)
    return tuple(links), frozenset(ids)


PIECES = ["<", ">", "/", "/>", " ", "\n", "=", '"', "'", "<li>", "<br />", "<br/>", "<p >", "<A", "<a", "<img",
          "<base", "<div", "<td", "</a>", "<!--", "-->", "<script>", "</script>", "<style>", "</style>", "<title>",
          " href", " HREF", " src", " srcset", " id", " ID", " name", " title", " rel", "=x", "=\"a b\"", "='#t'",
          "&amp;", "x.png 1x, y.png 2x", "preconnect", " hidden", " width=2", "<a href='<a href=x>'>", "text"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=24).map("".join))
@example('<p title="<a href=inside>">x</p><li><a href="out">y</a><br /><h2 id="h">z</h2>')
@example("<li><a href=x>")
@example("<A HREF=y><li ><br/><div id=d><DIV ID=e>")
@example('<a href="/x"<li>')
@example("<base href=https://e.org/><a href=p>")
def test_the_scan_finds_what_the_scan_of_every_start_tag_found(text):
    scanned = scan_page(text)
    assert (scanned.links, scanned.ids) == scan_of_every_start_tag(text)


def test_the_scan_still_reads_links_and_ids_among_tags_with_no_attribute():
    scanned = scan_page('<ul><li><a href="../a/">a</a></li><li><br /><img src="b.png"></li></ul><h2 id="c">c</h2>')
    assert [link.target for link in scanned.links] == ["../a/", "b.png"]
    assert scanned.ids == frozenset({"c"})
