"""Issue 29: a built page is parsed for its inline scripts only when one could be there.

`inline_code` skips the parse of a page where every place a script's start tag could begin reads, by the
tokenizer's rules, as a tag with a `src` (the theme's pages: `<script src=... defer>` only). Skipping must never
lose a script a browser runs inline: each page below is answered both ways, and whenever the parse is skipped
the parse would have found no script without a `src` at all (of any type). The random pages are made of the
pieces that move a tokenizer's reading: quotes, `=`, `/`, `>`, white space, NULs, capitals, comments, raw text,
foreign content.
"""

from __future__ import annotations

import random

import pytest
from selectolax.lexbor import LexborHTMLParser

from protectpress.core.judge import inline_code as module
from protectpress.core.judge.built_page import BuiltPage
from protectpress.core.judge.inline_code import inline_code


def scripts_without_src(html: str) -> list[str]:
    tree = LexborHTMLParser(html, scripting=True)
    return [node.text(deep=True) for node in tree.css("script") if "src" not in node.attributes]


def skipped(html: str) -> bool:
    return module._every_script_has_src(BuiltPage(html).lowered)


@pytest.mark.parametrize("html", [
    '<script src="a.js"></script>',
    "<SCRIPT SRC=a.js></SCRIPT>",
    "<script/src=a.js></script>",
    "<script\tdefer\nsrc='a.js'></script>",
    '<script src></script>',  # an empty src is a src: nothing runs inline
    '<script defer src="x" src="y"></script>',
    '<svg><script src="a.js">window.svg = 1</script></svg>',  # an SVG script with src= is not hashed either
    "<p>no script here</p>",
    "<scripts>not a script</scripts>",
])
def test_a_page_whose_scripts_all_have_src_is_not_parsed_and_has_none_inline(html):
    assert skipped(html)
    assert scripts_without_src(html) == []
    assert inline_code(html, styles=False).scripts == ()


@pytest.mark.parametrize("html", [
    "<script>window.a = 1</script>",
    '<script data-src="a.js">window.a = 1</script>',
    '<script title=" src=a.js">window.a = 1</script>',  # src= inside another attribute's value
    "<script srcx=a.js>window.a = 1</script>",
    "<script =src>window.a = 1</script>",  # the attribute's name is "=src"
    "<script s\0rc=a.js>window.a = 1</script>",  # a NUL makes the name s\ufffdrc
    "<script \u017frc=a.js>window.a = 1</script>",  # the long s is no s to the tokenizer
    '<script data-x="a"src=a.js>window.a = 1</script>',  # after a quoted value, the next name at once: a src
    '<script src="a.js"></script><script>window.a = 1</script>',
    '<script type="module" data-note="a>b">window.a = 1</script>',
    '<script ="a>" src=a.js>window.a = 1</script>',  # "=" starts a name before any: the name is `="a`
    '<script a=" src >window.a = 1</script>"',  # " src " is the value of a
    "<script a='x\" src=b'>window.a = 1</script>",  # a single-quoted value ends at a single quote only
    "<script",  # the text ends inside the tag: the parser decides
    '<script src="a.js',
])
def test_a_page_with_a_script_that_may_run_inline_is_parsed(html):
    assert not skipped(html) or scripts_without_src(html) == []
    if scripts_without_src(html):
        assert not skipped(html)


def test_quoted_values_and_a_name_straight_after_one_read_as_the_parser_reads_them():
    assert skipped('<script data-x="a"src=a.js>window.a = 1</script>')
    assert scripts_without_src('<script data-x="a"src=a.js>window.a = 1</script>') == []
    assert not skipped("<script =src>window.a = 1</script>")
    assert scripts_without_src("<script =src>window.a = 1</script>") == ["window.a = 1"]


_BEFORE = ["", "<p>", "<svg>", "<math>", "<!--", "<title>", "<textarea>", "<noscript>", "<table>", '<a title="']
_STARTS = ["<script", "<SCRIPT", "<Script", "<scripts", "<script ", "<script/", "<script\t", "<script\n"]
_PIECES = [" src", "SRC", "src", "sRc", "=", '"', "'", ">", "/", " ", "\t", "\n", "\r", "\f", "\0", "a.js", "x",
           "&quot;", "&#34;", "<!--", "-->", "</textarea>", "</title>", "</svg>", "<![CDATA[", "]]>", "</noscript>",
           "</script>", "data-src", "type=module", "window.a=1", "\u017f", "=src", "<script", "<script ", "x='\"'",
           'x="\'"', "x=src", "src=x", "\u0130", "\u212a", "\u00e9", "<scr\u0131pt", "\u017frc=x"]


def test_on_random_pages_the_parse_is_skipped_only_where_it_finds_no_inline_script():
    chance = random.Random(29)
    skips = 0
    for _ in range(30_000):
        html = (chance.choice(_BEFORE) + chance.choice(_STARTS)
                + "".join(chance.choice(_PIECES) for _ in range(chance.randint(0, 10)))
                + chance.choice(["", ">window.a=1</script>", "window.a=1</script>"]))
        if skipped(html):
            skips += 1
            assert scripts_without_src(html) == [], repr(html)
            assert inline_code(html, styles=False) == module.InlineCode((), ())
    assert skips > 3_000  # the pages skipped are many, and of every kind above


def test_a_page_that_asks_for_its_style_attributes_is_always_parsed():
    html = '<script src="a.js"></script><table><tr><td style="text-align: left;">1</td></tr></table>'
    assert inline_code(html, styles=True).styles == ("text-align: left;",)


def test_the_characters_that_end_a_tag_or_attribute_name_are_the_parsers():
    """Which characters after `<script`, and after an attribute's name, the parser reads as ending the name: the
    reader's sets must be Lexbor's (a parser that took a vertical tab for white space would make a script the
    reader never looked at)."""
    ends_tag_name, ends_attribute_name = set(), set()
    for code in range(0x3000):
        char = chr(code)
        if scripts_without_src(f"<p>x</p><script{char}>window.a = 1</script>"):
            ends_tag_name.add(char)
        found = LexborHTMLParser(f"<script data-x{char}src=a.js>1</script>", scripting=True).css("script")
        if found and "src" in found[0].attributes:
            ends_attribute_name.add(char)
        assert skipped(f"<script data-x{char}src=a.js>1</script>") is (char in ends_attribute_name), repr(char)
    assert ends_tag_name == set("\t\n\f\r />")
    assert ends_tag_name == {char for char in map(chr, range(0x3000))
                             if module._SCRIPT_START.match(BuiltPage(f"<SCRIPT{char}").lowered)}
    assert ends_attribute_name == set("\t\n\f\r /")
