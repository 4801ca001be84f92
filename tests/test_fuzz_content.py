"""Fuzzed front matter, Markdown, newsletters and recipients CSVs never crash the core: every outcome is a value or
our one-run problem list, each problem naming the file and saying what was expected.

In-process, so that many examples run in seconds; tests/test_fuzz_commands.py runs the real commands on fewer.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fuzz_strategies import (
    VALID_NEWSLETTER,
    in_process,
    newsletter_body,
    newsletter_fronts,
    page_files,
    recipients_csv,
    source_files,
)
from protectpress.core.content.loading import load_content
from protectpress.core.content.schema import read_item
from protectpress.core.foundation.config import SITE_BUILT_IN_EXTENSIONS, load_settings
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.frontmatter import FrontMatterError, split_front_matter
from protectpress.core.foundation.problems import Problems
from protectpress.core.foundation.settings import Vocabulary
from protectpress.core.foundation.yaml_depth import key_above, line_nested_too_deep
from protectpress.core.newsletter.render import render_newsletter_file
from protectpress.core.sending.recipients import read_recipients

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages

TOO_DEEP = "expected brackets or lists inside each other at most 40 levels deep, found more levels than that"
VOCABULARY = Vocabulary(tags={"lockdown": "Lockdown"}, sectors={"all": "All sectors", "retail": "Retail"})
SRC_URIS = st.sampled_from(["index.md", "guidance/x.md", "action-cards/x.md", "news/x.md", "conferences/x.md",
                            "about.md", "guidance/index.md", "newsletters/x.md"])


def assert_well_formed(problems: Problems, path: str) -> None:
    for problem in problems:
        assert problem.path == path, problem
        assert problem.expected.startswith("expected"), problem
        assert "Traceback" not in str(problem)


@in_process
@given(text=source_files())
@example(text="---\na: &x [*x]\n---\n")  # a recursive alias
@example(text="---\n? [a, b]\n: 1\n---\n")  # a key YAML cannot hash
@example(text="---\n" + "[" * 2000 + "\n---\n")  # nesting deeper than YAML's parser recurses (was a crash)
@example(text="---\ntitle: x\ntitle: y\n---\n")
def test_split_front_matter_returns_or_explains(text):
    try:
        front = split_front_matter(text)
    except FrontMatterError as error:
        assert error.expected.startswith("expected") and (error.line or 1) >= 1
        return
    assert isinstance(front.data, dict) and all(isinstance(k, str) for k in front.data)
    assert front.body_line >= 2


@in_process
@given(src_uri=SRC_URIS, text=page_files)
@example(src_uri="index.md", text="---\ntitle: Home\ntype: page\nhide: 5\ntemplate: 5\nicon: [1]\n---\n")
@example(src_uri="index.md", text="---\ntitle: Home\ntype: page\n---\n" + "*" * 3000 + "x" + "*" * 3000)
def test_read_item_returns_an_item_or_errors_naming_the_file(src_uri, text):
    problems = Problems()
    path = f"docs/{src_uri}"
    item = read_item(src_uri, path, text, VOCABULARY, problems, now=NOW)
    assert_well_formed(problems, path)
    if item is None:
        assert problems.errors, "a page left out of the site must say why"
    else:
        assert not problems.errors and item.title


@in_process
@given(files=st.lists(st.tuples(SRC_URIS, source_files(), st.booleans()), max_size=4))
def test_load_content_reads_a_whole_folder_of_odd_files(tmp_path_factory, files):
    docs = tmp_path_factory.mktemp("docs")
    for src_uri, text, latin1 in files:
        (docs / src_uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / src_uri).write_bytes(text.encode("latin-1", errors="replace") if latin1 else text.encode("utf-8"))
    problems = Problems()
    content = load_content(docs, docs.parent, VOCABULARY, problems, now=NOW)
    written = {f"{docs.name}/{src_uri}" for src_uri, _, _ in files}
    for problem in problems:
        assert problem.path in written and problem.expected.startswith("expected"), problem
    assert set(content.items) <= {src_uri for src_uri, _, _ in files}


@in_process
@given(front=newsletter_fronts, body=newsletter_body)
@example(front="---\nsubject: s\npreheader: p\ndate: 2024-01-01\nitems: [{page: [1]}, 5, {full: maybe}]\n---\n",
         body="{{ name }}")
def test_render_newsletter_renders_or_lists_problems(newsletter_project, front, body):
    letter = newsletter_project / "newsletters" / "fuzzed.md"
    letter.write_text(front + "\n" + body, encoding="utf-8")
    settings = load_settings(newsletter_project / "mkdocs.yml")
    problems = Problems()
    try:
        rendered = render_newsletter_file(settings, "newsletters/fuzzed.md", problems, now=NOW)
    finally:
        letter.unlink()
    if rendered is None:
        assert problems.errors
    for problem in problems:
        assert problem.expected.startswith("expected"), problem


# Regression: the plain-text part handed textwrap a width of 0 under lists or quotes nested this deep (found by
# the deep fuzz profile; fixed in core/newsletter/text.py).
@pytest.mark.parametrize("body", [
    "".join("    " * level + "- item\n" for level in range(39)),
    "".join("    " * level + "1. item\n" for level in range(30)),
    "".join("> " * level + "quoted\n" for level in range(40)),
], ids=["bullets-39", "numbers-30", "quotes-40"])
def test_newsletter_text_part_survives_deep_nesting(newsletter_project, body):
    letter = newsletter_project / "newsletters" / "deep.md"
    letter.write_text(VALID_NEWSLETTER + body, encoding="utf-8")
    problems = Problems()
    try:
        rendered = render_newsletter_file(load_settings(newsletter_project / "mkdocs.yml"), "newsletters/deep.md",
                                          problems, now=NOW)
    finally:
        letter.unlink()
    assert rendered is not None, [str(p) for p in problems]
    word = "quoted" if "quoted" in body else "item"
    assert rendered.text.count(word) == body.count("\n")  # every level's words are in the text part, once


@in_process
@given(data=recipients_csv())
def test_read_recipients_reads_or_lists_problems(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("csv") / "recipients.csv"
    path.write_bytes(data)
    problems = Problems()
    listing = read_recipients(path, "recipients.csv", problems, sectors={"all": "All", "retail": "Retail"})
    assert_well_formed(problems, "recipients.csv")
    keys = [r.key for r in listing.recipients]
    assert len(keys) == len(set(keys)), "each person once"


# ------------------------------------------------------------------------------------------------------------
# Regressions: crashes the fuzzing found in the core, each now an error naming the file and key or line.


@pytest.mark.parametrize("value", ["!!int x", "!!bool x", "!!float x", "!!timestamp x"])
def test_a_value_that_does_not_fit_its_yaml_tag_is_an_error_with_its_line(value):
    problems = Problems()
    text = f"---\ntitle: Home\ntype: page\nsubtitle: {value}\n---\n"
    assert read_item("index.md", "docs/index.md", text, VOCABULARY, problems, now=NOW) is None
    assert [str(p) for p in problems] == [
        "docs/index.md:4: expected valid YAML front matter, found a value that does not fit its !! type tag"]


def test_yaml_nested_too_deeply_is_an_error_not_a_recursion_error():
    problems = Problems()
    assert read_item("index.md", "docs/index.md", "---\ntitle: " + "[" * 3000 + "\n---\n", VOCABULARY, problems,
                     now=NOW) is None
    assert [str(p) for p in problems] == [
        f"docs/index.md:2: title: {TOO_DEEP}"]


@pytest.mark.parametrize("nested", [
    lambda n: "[" * n + "]" * n,  # brackets, read by hand before libyaml looks ahead along the line for each one
    lambda n: "[a, " * n + "b" + "]" * n,
    lambda n: "{a: " * n + "b" + "}" * n,
    lambda n: "\n" + "  - " * n + "x",  # lists by dashes alone, from the line below the key
], ids=["brackets", "lists", "mappings", "dashes"])
def test_front_matter_nested_past_the_limit_is_named_at_its_line_and_within_it_is_read(nested):
    problems = Problems()
    deep = f"---\ntitle: Home\ntype: page\nsearch: {nested(41)}\n---\n"
    assert read_item("index.md", "docs/index.md", deep, VOCABULARY, problems, now=NOW) is None
    line = 5 if nested(1).startswith("\n") else 4
    assert [str(p) for p in problems] == [  # the key the nesting is under, named (first-time officer's trial)
        f"docs/index.md:{line}: search: {TOO_DEEP}"]
    assert split_front_matter(f"---\ntitle: Home\nsearch: {nested(30)}\n---\n").data["search"]


@pytest.mark.parametrize("yaml_text, key", [
    ("title: x\ntags: " + "[" * 50 + "]" * 50 + "\nsummary: y\n", "tags"),  # on the key's own line
    ("summary: Don't panic\ntags: " + "[" * 50 + "]" * 50 + "\n", "tags"),  # an apostrophe is no quote
    ("title: x\ntags: [\nfoo: " + "[" * 50 + "]" * 51 + "\n", "tags"),  # `foo:` is inside the brackets
    ("title: x # tags: [\nother: " + "{" * 50 + "}" * 50 + "\n", "other"),  # a comment holds no key
    ("title: x\nitems:\n  - page: " + "[" * 50 + "]" * 50 + "\n", "items"),  # the top-level key
    ("title: x\nitems:\n" + "- " * 45 + "a\n", "items"),  # lists by dashes alone
    ("- " + "[" * 50 + "]" * 50 + "\n", None),  # a list at the top: no key to name
], ids=["same-line", "apostrophe", "key-in-brackets", "comment", "nested-key", "dashes", "no-key"])
def test_the_nesting_message_names_the_top_level_key_it_starts_under(yaml_text, key):
    line = line_nested_too_deep(yaml_text)
    assert line is not None and key_above(yaml_text, line) == key


@pytest.mark.parametrize("line, message", [
    ("hide: 5", "hide: expected a list like [navigation, toc], found '5'"),
    ("template: 5", "template: expected text, found '5'"),
    ("template: nothere", "template: expected the name of a theme template like main.html, found 'nothere'"),
    ("icon: [1]", "icon: expected text, found a list"),
    ("search: 3", "search: expected search settings like {exclude: true}, found '3'"),
    ("comments: maybe", "comments: expected true or false, found 'maybe'"),
])
def test_material_keys_are_checked_before_material_crashes_on_them(line, message):
    problems = Problems()
    assert read_item("index.md", "docs/index.md", f"---\ntitle: Home\ntype: page\n{line}\n---\n", VOCABULARY,
                     problems, now=NOW) is None
    assert [str(p) for p in problems] == [f"docs/index.md:4: {message}"]


@pytest.mark.parametrize("body, line", [
    ("*" * 3000 + "x" + "*" * 3000, 8),
    ('<div markdown="1">\n' * 400 + "x\n" + "</div>\n" * 400, 57),  # where the 50th block opens
], ids=["asterisks", "markdown-html-blocks"])
def test_markdown_too_deep_for_the_renderer_is_an_error_with_its_line(body, line):
    problems = Problems()
    text = "---\ntitle: Home\ntype: page\n---\n\nIntro.\n\n" + body
    assert read_item("index.md", "docs/index.md", text, VOCABULARY, problems,
                     markdown_extensions=[*SITE_BUILT_IN_EXTENSIONS, "md_in_html"], now=NOW) is None
    assert [str(p) for p in problems] == [
        f"docs/index.md:{line}: expected lists, quotes, notes and HTML blocks nested at most a few dozen "
        "levels deep, and "
        "no long runs of * or _, found nesting the Markdown renderer cannot read"
    ]


def test_the_nesting_check_renders_with_the_projects_own_extensions():
    # Without md_in_html the blocks are raw HTML, which does not nest in the renderer: the same body is fine.
    text = "---\ntitle: Home\ntype: page\n---\n\n" + '<div markdown="1">\n' * 400 + "x\n" + "</div>\n" * 400
    problems = Problems()
    assert read_item("index.md", "docs/index.md", text, VOCABULARY, problems,
                     markdown_extensions=SITE_BUILT_IN_EXTENSIONS, now=NOW) is not None
    assert not problems
    read_item("index.md", "docs/index.md", text, VOCABULARY, problems,
              markdown_extensions=[*SITE_BUILT_IN_EXTENSIONS, "md_in_html"], now=NOW)
    assert [p.line for p in problems.errors] == [55]  # where the 50th block opens


def test_deep_but_renderable_markdown_is_fine():
    problems = Problems()
    body = "".join("    " * level + "- item\n" for level in range(35))  # suspicious, but renders
    assert read_item("index.md", "docs/index.md", f"---\ntitle: Home\ntype: page\n---\n{body}", VOCABULARY,
                     problems, now=NOW) is not None
    assert not problems


@pytest.mark.parametrize("value", ["!!int x", "!!bool x", "[" * 3000])
def test_a_mkdocs_yml_value_yaml_cannot_construct_is_a_config_error(tmp_path, value):
    from protectpress.core.foundation.config import ConfigError

    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: {value}\nsite_url: https://example.org/\n", encoding="utf-8")
    expected = f"site_name: {TOO_DEEP}" if "[" in value else "expected valid YAML"
    with pytest.raises(ConfigError, match=rf"^mkdocs.yml(:\d+)?: {expected}"):
        load_settings(config)
