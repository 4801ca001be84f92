"""The body judge's walk (core/judge/sanitise.py `_judge_nodes`, `_merge`, issue 29): each node's tag read once,
a `style=` looked up once, and nothing counted when a parse found nothing. The same findings, in the same order,
as the walk it replaced, for fragments made of every kind of markup the judge looks at."""

from __future__ import annotations

from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from protectpress.core.judge import sanitise
from protectpress.core.judge.sanitise import ActiveContent


def old_judge_nodes(nodes, elements, schemes, url_attributes, styles):
    found: list[ActiveContent] = []
    for node in nodes:
        if node.tag is None or node.tag[:1] in "-#_":
            continue
        tag = node.tag.lower()
        attrs = node.attributes
        if attrs or tag in elements:
            sanitise._judge_element(tag, None, attrs, elements, schemes, url_attributes, found, None)
        if styles:
            if tag == "style":
                found.append(ActiveContent(f"a <style> element ({sanitise._STYLES_FROM_THEME})", "<style"))
            value = attrs.get("style")
            if "style" in attrs and not (tag in ("td", "th") and sanitise._TABLE_ALIGNMENT.fullmatch(value or "")):
                found.append(ActiveContent(f"a style= attribute on <{tag}> ({sanitise._STYLES_FROM_THEME})", "style"))
    return found


def old_merge(found, more):
    have = Counter((f.description, f.clue.lower()) for f in found)
    for item in more:
        key = (item.description, item.clue.lower())
        if have[key]:
            have[key] -= 1
        else:
            found.append(item)


def old_judge_html(html, *, fragment, elements=sanitise._ACTIVE_ELEMENTS, schemes=sanitise._ACTIVE_SCHEMES,
                   url_attributes=sanitise._URL_ATTRIBUTES, styles=False):
    found: list[ActiveContent] = []
    texts = (html, html.replace("<![CDATA[", "<?[CDATA[")) if "<![CDATA[" in html else (html,)
    for text in texts:
        for scripting in (True, False) if "noscript" in text.lower() else (True,):
            parsed = LexborHTMLParser(text, is_fragment=fragment, fragment_tag="div", scripting=scripting)
            if parsed.root is None:
                continue
            old_merge(found, old_judge_nodes(parsed.root.traverse(include_text=False), elements, schemes,
                                             url_attributes, styles))
    return found


PIECES = st.sampled_from([
    "<p>", "</p>", "text", "<!-- note -->", "<style>p{}</style>", '<p style="color: red">', '<td style="text-align: '
    'left;">', '<th style="">', "<td style>", '<TD STYLE="text-align: right;">', '<a href="javascript:x()">',
    '<a href="https://example.org/">', '<img src="data:image/png;base64,x" onerror="x()">', "<svg>", "</svg>",
    '<animate attributeName="href" values="/;javascript:x()">', "<script>x()</script>", "<noscript>",
    "</noscript>", '<meta http-equiv="refresh" content="0;url=/">', "<meta>", "<iframe></iframe>", "<table>",
    "<tr>", "</table>", "<![CDATA[", "]]>", '<div onclick="x()">', '<x:y xlink:onload="z">', "<template>",
    "<form action=\"javascript:x\">", '<table><tr><th style="text-align: center;">x</th><td style="text-align: '
    'left;">y</td><td style="color: red">z</td></tr></table>', "<math><mi>", "<desc>", "<title>",
    '<p id="a" class="b">', "<!doctype html>",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(PIECES, max_size=14), st.booleans(), st.booleans())
@example(['<td style="text-align: left;">', '<p style="x">', "<style>"], True, True)
@example(["<p>", "text"], True, True)
@example(['<table><tr><th style="text-align: center;">x</th></tr></table>'], True, True)
def test_the_walk_finds_what_it_found_before(pieces, fragment, styles):
    html = "".join(pieces)
    for elements, schemes, url_attributes in ((sanitise._ACTIVE_ELEMENTS, sanitise._ACTIVE_SCHEMES,
                                              sanitise._URL_ATTRIBUTES),
                                             (frozenset(), sanitise._SCRIPT_SCHEMES, None)):
        assert sanitise._judge_html(html, fragment=fragment, elements=elements, schemes=schemes,
                                    url_attributes=url_attributes, styles=styles) == old_judge_html(
            html, fragment=fragment, elements=elements, schemes=schemes, url_attributes=url_attributes,
            styles=styles)


def test_merging_nothing_leaves_what_was_found():
    found = [ActiveContent("a <script> element", "<script")]
    sanitise._merge(found, [])
    assert found == [ActiveContent("a <script> element", "<script")]
