"""Python-Markdown's look-behind inline patterns, run only on text holding their character
(core/foundation/inline_triggers.py), find exactly what the plain patterns find, and a build's converter has them."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from benchmarks.corpus import generate
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown import inlinepatterns

from protectpress.core.foundation.inline_triggers import _CHARACTER_OF, skip_patterns_without_their_character

EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc", "fenced_code",
              "pymdownx.details", "pymdownx.superfences"]
# Text made of what these patterns read: backticks, backslashes, brackets, "!" and plain letters.
MARKDOWNISH = st.text(alphabet=st.sampled_from(list("`\\[]()!*_<>& \nab1")), max_size=60)


def _spans(matches) -> list[tuple[tuple[int, int], tuple]]:
    return [(match.span(), match.groups()) for match in matches]


@given(data=MARKDOWNISH, start=st.integers(min_value=0, max_value=70), which=st.sampled_from(sorted(_CHARACTER_OF)))
@settings(max_examples=600, deadline=None)
def test_each_pattern_finds_what_the_plain_pattern_finds(data, start, which):
    converter = markdown.Markdown()
    skip_patterns_without_their_character(converter)
    plain = re.compile(which, re.DOTALL | re.UNICODE)  # as InlineProcessor compiles it
    given_patterns = [p.compiled_re for p in converter.inlinePatterns if p.compiled_re.pattern == which]
    assert given_patterns and all(type(regex) is not re.Pattern for regex in given_patterns)
    for regex in given_patterns:
        assert _spans(regex.finditer(data, start)) == _spans(plain.finditer(data, start))


def test_the_look_behind_patterns_are_given_and_no_other():
    converter = markdown.Markdown(extensions=EXTENSIONS)
    assert skip_patterns_without_their_character(converter) == 4  # backtick, reference, link, short reference
    given_names = {name for name in ("backtick", "reference", "link", "short_reference", "escape", "image_link",
                                      "html", "entity", "em_strong")
                   if type(converter.inlinePatterns[name].compiled_re) is not re.Pattern}
    assert given_names == {"backtick", "reference", "link", "short_reference"}


def test_a_pattern_whose_text_differs_is_left_as_it_is():
    converter = markdown.Markdown()
    own = inlinepatterns.BacktickInlineProcessor(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")  # an extension's own
    converter.inlinePatterns.register(own, "backtick", 190)
    skip_patterns_without_their_character(converter)
    assert type(converter.inlinePatterns["backtick"].compiled_re) is re.Pattern


def test_converted_pages_are_the_same_html(tmp_path: Path):
    generate(tmp_path / "corpus", 60)
    pages = [path.read_text(encoding="utf-8") for path in sorted((tmp_path / "corpus" / "docs").rglob("*.md"))]
    pages.append("Code `x` and ``a ` b``, \\`not code\\`, \\\\`code after two backslashes`, [a link](b.md), "
                 "![an image](i.png), [ref][r] and [short], a `` ` `` span.\n\n[r]: r.md\n[short]: s.md\n")
    plain = markdown.Markdown(extensions=EXTENSIONS)
    quick = markdown.Markdown(extensions=EXTENSIONS)
    assert skip_patterns_without_their_character(quick) == 4
    for page in pages:
        assert quick.convert(page) == plain.convert(page)
        quick.reset()
        plain.reset()


def test_a_builds_one_converter_has_them(tmp_path: Path):
    from mkdocs.config import load_config

    from protectpress.mkdocs_plugins.one_converter import OneConverter

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nmarkdown_extensions: [toc, tables]\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    converter = OneConverter(None)._converter_for(config)  # type: ignore[arg-type]
    assert type(converter.inlinePatterns["backtick"].compiled_re) is not re.Pattern
