"""The page scan matches only start tags with an attribute (issue 29: most of a body's tags, `<li>`, `<br />`,
`<td>`, have none, and matching each was a third of the scan). It must find every link and id the scan of every
start tag found: compared here with that scan, kept as it was, on tricky and random markup."""

from __future__ import annotations

import html
import random
import re

import pytest
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
            if found_id := linkscan._ID.search(attributes):  # the name case-blind (ID=), as HTML reads it
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


def attributes_read_one_by_one(written: str) -> dict[str, str]:
    """`_attributes` as it read every tag's attributes, one match at a time (before issue 29's seventh round)."""
    values: dict[str, str] = {}
    for attribute in linkscan._ATTRIBUTE.finditer(written):
        double, single, bare = attribute.group(2, 3, 4)
        raw = double if double is not None else single if single is not None else bare
        if raw is None:
            continue
        key = attribute.group(1).lower()
        if key not in values:
            values[key] = html.unescape(raw) if "&" in raw else raw
    return values


ATTRIBUTE_PIECES = [" ", "\t", "\n", "href", "HREF", "id", "src", "x", "=", '"', "'", "&amp;", "&", "a b", "/", ">",
                    "<", "`", '="v"', "='v'", "=v", '=""', "\u00e9", "-"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(ATTRIBUTE_PIECES), min_size=1, max_size=12).map("".join))
@example(' href="../a/"')
@example(' HREF="x"')
@example(' href="a&amp;b"')
@example(' href="x" id="y"')
@example(' href=""')
@example(' a"b="c"')
def test_attributes_are_read_as_they_were_one_by_one(written):
    assert linkscan._attributes(written) == attributes_read_one_by_one(written)


def test_every_tag_the_scan_matches_has_its_attributes_read_as_one_by_one():
    # Through the scan's own matches: the attributes it hands over are those it read whole.
    chance = random.Random(7)
    for _ in range(3_000):
        text = "".join(chance.choice(PIECES) for _ in range(chance.randint(1, 24)))
        for _tag, written in linkscan._START_TAG.findall(linkscan._markup_only(text)):
            assert linkscan._attributes(written) == attributes_read_one_by_one(written)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "<section", "<li", "<ab-c:d", "<h2", "\t"]), max_size=24).map("".join))
@example("<li><section><a href=x><br/>")
def test_a_tag_name_never_given_back_matches_what_the_name_given_back_matched(text):
    # `_START_TAG` keeps its tag name (`*+`); with the name given back letter by letter it matched the same tags.
    given_back = re.compile(linkscan._START_TAG.pattern.replace(r"[\w:-]*+", r"[\w:-]*", 1))
    assert given_back.pattern != linkscan._START_TAG.pattern
    assert linkscan._START_TAG.findall(text) == given_back.findall(text)


@pytest.mark.parametrize("spelling", ["id", "ID", "Id", "iD"])
def test_an_id_is_found_however_its_name_is_written(spelling):
    # HTML attribute names are case-blind: `<h2 ID=plan>` in a page's raw HTML is the anchor #plan, and a link to
    # it was reported broken while the scan looked only for a lower-case "id".
    scanned = scan_page(f'<div class="x"><h2 {spelling}=plan>Plan</h2><span title="D" {spelling}="b">x</span></div>')
    assert {"plan", "b"} <= set(scanned.ids)
