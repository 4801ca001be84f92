"""The front-matter schema: every bad input gets the exact message a comms officer will read."""

import datetime as dt

import pytest
import yaml

from protectpress.core.content.contentset import ContentSet, check_content_set
from protectpress.core.content.items import ActionCard, Guidance
from protectpress.core.content.loading import load_content
from protectpress.core.content.schema import read_item
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.problems import Problems, Severity
from protectpress.core.foundation.settings import Vocabulary

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages

VOCABULARY = Vocabulary(tags={"martyns-law": "Martyn's Law", "training": "Training"},
                        sectors={"all": "All sectors", "retail": "Retail"})

GOOD = """---
title: Retail security basics
type: guidance
summary: What a shop can do this week.
date: 2023-03-30
tags: [martyns-law]
sectors: [retail]
---

Body text.
"""


def read(text: str, src_uri: str = "guidance/pals.md"):
    problems = Problems()
    item = read_item(src_uri, f"docs/{src_uri}", text, VOCABULARY, problems, now=NOW)
    return item, [str(p) for p in problems], problems


def test_a_valid_page_becomes_a_typed_item_with_utc_dates():
    item, messages, _ = read(GOOD)
    assert messages == []
    assert isinstance(item, Guidance)
    assert item.date == dt.datetime(2023, 3, 30, tzinfo=dt.UTC)
    assert item.last_updated == item.date
    assert item.tags == ("martyns-law",) and item.sectors == ("retail",)
    assert item.body.strip() == "Body text."


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            ("date: 2023-03-30", "date: 30/03/2023"),
            "docs/guidance/pals.md:5: date: expected a date like 2023-03-30, found '30/03/2023'",
        ),
        (
            ("date: 2023-03-30", "date: 2023-02-30"),
            "docs/guidance/pals.md:5: date: expected a date like 2023-03-30 (a real day of the year), found "
            "'2023-02-30'",
        ),
        (
            ("type: guidance", "type: leaflet"),
            "docs/guidance/pals.md:3: type: expected one of guidance, action-card, conference, news, page, found "
            "'leaflet'",
        ),
        (
            ("type: guidance", "type: news"),
            "docs/guidance/pals.md:3: type: expected type guidance for a page in docs/guidance/, found 'news'",
        ),
        (
            ("tags: [martyns-law]", "tags: [knitting]"),
            "docs/guidance/pals.md:6: tags: expected a topic from the vocabulary (martyns-law, training), found "
            "'knitting'",
        ),
        (
            ("sectors: [retail]", "sectors: [farming]"),
            "docs/guidance/pals.md:7: sectors: expected a sector from the vocabulary (all, retail), found 'farming'",
        ),
        (
            ("summary: What a shop can do this week.\n", ""),
            "docs/guidance/pals.md:7: summary: expected a summary (required for type guidance), found none",
        ),
        (
            ("title: Retail security basics\n", ""),
            "docs/guidance/pals.md:7: title: expected a title (required), found none",
        ),
        (("title: Retail security basics", "title: no"), "docs/guidance/pals.md:2: title: expected text, found 'no'"),
        (
            ("title: Retail security basics", "title: 2023-03-30"),
            "docs/guidance/pals.md:2: title: expected text, found '2023-03-30'",
        ),
        (
            ("tags: [martyns-law]", "tags: {a: b}"),
            "docs/guidance/pals.md:6: tags: expected a list like [martyns-law, training], found a mapping",
        ),
        (
            ("date: 2023-03-30", "date: 2023-03-30\nupdated: 2023-01-01"),
            "docs/guidance/pals.md:6: updated: expected a date on or after date (2023-03-30), found '2023-01-01'",
        ),
        (
            ("date: 2023-03-30", "date: 2023-03-30\nimage: pals.png"),
            "docs/guidance/pals.md:9: image_alt: expected alt text describing the image (required when image is "
            "set), found none",
        ),
        (
            ("summary: What a shop can do this week.", "summary: " + "x" * 301),
            "docs/guidance/pals.md:4: summary: expected at most 300 characters, found 301 characters",
        ),
        (
            ("date: 2023-03-30", "date: 2023-03-30\ndraft: perhaps"),
            "docs/guidance/pals.md:6: draft: expected true or false, found 'perhaps'",
        ),
    ],
)
def test_each_mistake_has_an_exact_message_and_no_item(change, expected):
    item, messages, _ = read(GOOD.replace(*change))
    assert expected in messages
    assert item is None


def test_every_problem_in_a_file_is_reported_at_once():
    text = GOOD.replace("date: 2023-03-30", "date: tomorrow").replace("[retail]", "[farming]").replace(
        "type: guidance", "type: leaflet")
    _, messages, problems = read(text)
    assert len(problems.errors) == 3, messages


def test_after_a_yaml_slip_the_rest_of_the_file_is_still_checked():
    text = GOOD.replace("title: Retail security basics", "title: Retail security: the basics")
    text = text.replace("tags: [martyns-law]", "tags: [lawn]") + "\n![](/assets/x.png)\n"
    item, messages, _ = read(text)
    assert item is None
    assert len(messages) == 3, messages
    assert messages[0].startswith("docs/guidance/pals.md:2: expected valid YAML front matter: quotes around a value")
    assert messages[1].startswith("docs/guidance/pals.md:6: tags: expected a topic from the vocabulary")
    assert messages[2].startswith("docs/guidance/pals.md:12: expected alt text for every image")
    assert not any("expected a title" in m for m in messages)  # the slip's key is not also called missing


def test_broken_yaml_names_the_file_line():
    _, messages, problems = read(GOOD.replace("tags: [martyns-law]", "tags: [martyns-law"))
    assert len(messages) == 1
    assert messages[0].startswith("docs/guidance/pals.md:")
    assert "expected valid YAML front matter: a list written like [retail, hospitality], with its closing ]" \
        in messages[0]
    assert problems.errors[0].line == 6  # where the list opens, not where PyYAML gave up


@pytest.mark.parametrize(
    "yaml_lines, line, cause, found",
    [
        (
            "title: Martyn's Law: what to do",
            2,
            "quotes around a value that has a colon in it",
            "title: Martyn's Law: what to do",
        ),
        ("title: x\n\tsummary: y", 3, "indent with spaces, not a tab", "summary: y"),
        ("title: x\ntags:\n  - a\n  -b", 5, "a space after each - in a list", "-b"),
        ("title x\ntype: page", 2, "a colon after each key", "title x"),
        ('title: "open', 2, "a closing quote for each opening quote", 'title: "open'),
        # A key pushed in under the one above it, and the first key pushed in.
        ("title: x\n  summary: y", 3, "each key at the start of its line", "summary: y"),
        ("  title: x\ntype: page", 2, "each key at the start of its line", "title: x"),
        # A change note with a colon, on one line and running onto a second.
        ("title: x\nchanges:\n  - date: 2024-01-01\n    note: Added advice on routes: vehicles", 5,
         "quotes around a value that has a colon in it", "note: Added advice on routes: vehicles"),
        ("title: x\nchanges:\n  - date: 2024-01-01\n    note: Added advice on\n      routes: vehicles", 5,
         "quotes around a value that has a colon in it", "note: Added advice on"),
        ("changes:\n  - date: 2024-01-01\n   note: x", 4, "the lines of one entry lined up", "note: x"),
    ],
)
def test_yaml_mistakes_are_explained_in_plain_words(yaml_lines, line, cause, found):
    problems = Problems()
    assert read_item("index.md", "docs/index.md", f"---\n{yaml_lines}\n---\nBody\n", VOCABULARY, problems,
                     now=NOW) is None
    # The slip is one problem with no key; the keys the rest of the front matter lacks are reported besides.
    [problem] = [p for p in problems.errors if p.key is None]
    assert (problem.line, problem.found) == (line, repr(found))
    assert problem.expected.startswith(f"expected valid YAML front matter: {cause}")
    assert "mapping values" not in str(problem) and "scanning" not in str(problem)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Just a body\n",
            "docs/guidance/pals.md:1: expected front matter: a first line '---', then YAML keys, then '---', "
            "found 'Just a body'",
        ),
        (
            "",
            "docs/guidance/pals.md:1: expected front matter: a first line '---', then YAML keys, then '---', "
            "found an empty file",
        ),
        (
            "---\ntitle: x\n",
            "docs/guidance/pals.md:1: expected a closing '---' line after the front matter, found none",
        ),
        ("---\n- a\n- b\n---\n", "docs/guidance/pals.md:2: expected front matter of 'key: value' lines, found a list"),
    ],
)
def test_missing_or_shapeless_front_matter(text, expected):
    _, messages, _ = read(text)
    assert messages == [expected]


def test_a_plain_page_needs_only_a_title_and_type():
    item, messages, _ = read("---\ntitle: About us\ntype: page\n---\nHello\n", "about.md")
    assert messages == [] and item.title == "About us"


def test_a_typed_page_outside_its_folder_is_an_error():
    _, messages, _ = read(GOOD, "elsewhere.md")
    assert messages == ["docs/elsewhere.md:3: type: expected type page outside the guidance/, action-cards/, "
                        "conferences/, news/ folders (a guidance belongs in docs/guidance/), found 'guidance'"]


def test_a_folder_index_may_be_a_plain_page():
    _, messages, _ = read("---\ntitle: All guidance\ntype: page\n---\n", "guidance/index.md")
    assert messages == []


def test_unknown_keys_are_warnings_not_errors():
    item, messages, problems = read(GOOD.replace("date: 2023-03-30", "date: 2023-03-30\nauthr: Sam"))
    assert item is not None
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "found 'authr'" in messages[0]


def test_vocabulary_accepts_labels_as_well_as_slugs():
    item, messages, _ = read(GOOD.replace("[martyns-law]", "[Martyn's Law]"))
    assert messages == [] and item.tags == ("martyns-law",)


def test_non_utf8_file_is_an_error_naming_the_line(tmp_path):
    docs = tmp_path / "docs" / "guidance"
    docs.mkdir(parents=True)
    (docs / "latin1.md").write_bytes(GOOD.replace("Body text.", "Caf\xe9 opening hours").encode("latin-1"))
    problems = Problems()
    load_content(tmp_path / "docs", tmp_path, VOCABULARY, problems, now=NOW)
    assert [str(p) for p in problems] == [
        "docs/guidance/latin1.md:10: expected UTF-8 text (save the file as UTF-8), found a byte 0xe9 that is not UTF-8"]


def test_duplicate_titles_in_one_type_warn_and_overdue_reviews_are_info():
    first, _, _ = read(GOOD.replace("date: 2023-03-30", "date: 2023-03-30\nreview_by: 2024-01-01"))
    second, _, _ = read(GOOD, "guidance/copy.md")
    problems = Problems()
    check_content_set(ContentSet({first.src_uri: first, second.src_uri: second}, now=NOW), problems,
                      now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert sorted((p.severity.value, p.key) for p in problems) == [("info", "review_by"), ("warning", "title")]
    assert ("docs/guidance/pals.md: title: expected a title not used by another guidance page (docs/guidance/copy.md "
            "has it too), found 'Retail security basics'") in [str(p) for p in problems]


def test_a_long_action_card_warns_that_it_may_print_on_two_pages():
    card = GOOD.replace("type: guidance", "type: action-card").replace("Body text.", "word " * 400)
    item, _, _ = read(card, "action-cards/long.md")
    assert isinstance(item, ActionCard)
    problems = Problems()
    check_content_set(ContentSet({item.src_uri: item}, now=NOW), problems, now=NOW)
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "so that it prints on one A4 page, found 400 words" in str(problems.warnings[0])


def test_a_card_of_many_short_steps_warns_though_it_has_few_words():
    steps = "".join(f"## Step {n}\n\n1. Go.\n2. Stop.\n\n" for n in range(12))  # 36 words, 4 lines each
    card = GOOD.replace("type: guidance", "type: action-card").replace("Body text.", steps)
    item, _, _ = read(card, "action-cards/steps.md")
    problems = Problems()
    check_content_set(ContentSet({item.src_uri: item}, now=NOW), problems, now=NOW)
    assert [p.severity for p in problems] == [Severity.WARNING]
    assert "print on one A4 page at 10pt" in str(problems.warnings[0])


@pytest.mark.parametrize("draft, found", [("yes", "'yes'"), ("", "nothing"), ("no", "'no'"), ("On", "'On'")])
def test_draft_takes_true_or_false_only_on_pages(draft, found):
    item, messages, _ = read(GOOD.replace("sectors: [retail]", f"sectors: [retail]\ndraft: {draft}"))
    assert item is None
    assert messages == [f"docs/guidance/pals.md:8: draft: expected true or false, found {found}"]


def test_misspellings_get_did_you_mean():
    _, messages, _ = read(GOOD.replace("[martyns-law]", "[martins-law]").replace("summary:", "sumary: x\nsummary:"))
    assert "docs/guidance/pals.md:7: tags: expected a topic from the vocabulary: did you mean martyns-law? " \
           "(the topics: martyns-law, training), found 'martins-law'" in messages
    assert any(m.startswith("docs/guidance/pals.md:4: sumary: expected a known key (") and
               m.endswith(") (did you mean summary?), found 'sumary'") for m in messages), messages


def test_a_misspelt_key_is_offered_our_page_fields_only_and_theme_keys_pass_without_a_word():
    # A comms officer reading the list picks a key from it: the theme's keys (hide, icon, template...) would be
    # offered as if they were ours (first-time comms officer's trial).
    ours = "changes, date, draft, image, image_alt, publish_at, redirect_from, review_by, sectors, summary, tags, " \
           "title, type, updated"
    theme_keys = "hide: [toc]\nicon: material/shield\ntemplate: main.html\nstatus: new\ndescription: x\n" \
                 "subtitle: y\ncomments: true\nsearch: {exclude: true}\n"
    item, messages, _ = read(GOOD.replace("summary:", f"{theme_keys}sumary: x\ntittle: t\nsubtile: z\nsummary:"))
    assert item is not None
    assert messages == [
        f"docs/guidance/pals.md:12: sumary: expected a known key ({ours}) (did you mean summary?), found 'sumary'",
        # nearest our title: the theme's subtitle is not offered beside it
        f"docs/guidance/pals.md:13: tittle: expected a known key ({ours}) (did you mean title?), found 'tittle'",
        # nearest the theme's subtitle: that is what its author meant
        f"docs/guidance/pals.md:14: subtile: expected a known key ({ours}) (did you mean subtitle?), found 'subtile'",
    ]


def test_a_page_image_without_alt_text_is_an_error_at_its_line():
    item, messages, _ = read(GOOD + "\n![](/assets/plan.png)\n\n<img src=\"/assets/x.png\">\n")
    assert item is None
    assert messages == [
        "docs/guidance/pals.md:12: expected alt text for every image, like ![What it shows](/assets/images/photo.jpg) "
        "(or alt=\"\" for a purely decorative HTML image), found an image with none: '/assets/plan.png'",
        "docs/guidance/pals.md:14: expected alt text for every image, like ![What it shows](/assets/images/photo.jpg) "
        "(or alt=\"\" for a purely decorative HTML image), found an image with none: '/assets/x.png'"]


def test_link_text_that_says_nowhere_is_a_warning_on_a_page_as_in_an_email():
    body = ("See [the lockdown guide](/guidance/lockdown.md), or [click here](/guidance/lockdown.md).\n\n"
            "Also [**Here**][guide] and <a href=\"/news/\">Read more…</a>.\n\n"
            "Write links as `[here](page.md)` in code, not text: ![here](/assets/here.png)\n\n"
            "[guide]: /guidance/lockdown.md\n")
    item, messages, problems = read(GOOD.replace("Body text.", body))
    assert item is not None  # a warning: the page still builds
    assert [p.severity for p in problems] == [Severity.WARNING] * 3
    assert messages == [
        "docs/guidance/pals.md:10: expected link text that says where the link goes, found 'click here'",
        "docs/guidance/pals.md:12: expected link text that says where the link goes, found '**Here**'",
        "docs/guidance/pals.md:12: expected link text that says where the link goes, found 'Read more…'",
    ]


def test_a_heading_that_replaces_the_title_is_a_warning():
    item, messages, _ = read(GOOD.replace("Body text.", "# Something else\n\nBody text."))
    assert item is not None  # a warning: the page still builds
    assert messages == [
        "docs/guidance/pals.md:10: expected no '# Heading' line of the page's own: the title from "
        "front matter is its heading (delete this line, or make it the title:), found '# Something else'"
    ]
    _, same, _ = read(GOOD.replace("Body text.", "# Retail security basics\n\nBody text."))
    assert same == []


def test_the_markdown_rules_skip_fenced_code_and_a_heading_after_text():
    # lint.py tries each rule only on lines holding its first character (```/~~~, #, [ or <): a fence opened with
    # ~~~ and closed with ```, an image and a link inside it, a heading after text, and an HTML image whose line
    # has no bracket but its `<` are each still judged as before.
    body = ("Body text.\n\n# Another heading\n\n~~~\n![](/assets/in-code.png) [here](x.md)\n```\n\n"
            "After the code <img src=\"/assets/after.png\"> and <a href=\"x\">here</a>.\n")
    item, messages, _ = read(GOOD.replace("Body text.", body))
    assert item is None
    assert messages == [
        "docs/guidance/pals.md:18: expected alt text for every image, like ![What it shows](/assets/images/photo.jpg) "
        "(or alt=\"\" for a purely decorative HTML image), found an image with none: '/assets/after.png'",
        "docs/guidance/pals.md:18: expected link text that says where the link goes, found 'here'",
    ]


@pytest.mark.parametrize(
    "image, message",
    [
        (
            "assets/plan.png",
            "image: expected an image path from the docs folder: start it with /, like /assets/plan.png, "
            "found 'assets/plan.png'",
        ),
        (
            "/assets/gone.png",
            "image: expected an image file inside docs/, like /assets/images/photo.jpg (from the docs "
            "folder) or images/photo.jpg (from the page's folder), found '/assets/gone.png' (no such file)",
        ),
    ],
)
def test_image_paths_are_checked_against_docs(image, message):
    problems = Problems()
    text = GOOD.replace("sectors: [retail]", f"sectors: [retail]\nimage: {image}\nimage_alt: A plan")
    item = read_item("guidance/pals.md", "docs/guidance/pals.md", text, VOCABULARY, problems,
                     docs_file_exists=lambda path: path == "assets/plan.png", now=NOW)
    assert item is None and [str(p) for p in problems] == [f"docs/guidance/pals.md:8: {message}"]
    ok = read_item("guidance/pals.md", "docs/guidance/pals.md", text.replace(image, "../assets/plan.png"),
                   VOCABULARY, Problems(), docs_file_exists=lambda path: path == "assets/plan.png", now=NOW)
    assert ok is not None


def test_a_review_is_overdue_by_the_builds_now_not_the_clock(tmp_path):
    page = tmp_path / "docs" / "guidance" / "pals.md"
    page.parent.mkdir(parents=True)
    page.write_text(GOOD.replace("date: 2023-03-30", "date: 2023-03-30\nreview_by: 2024-03-30"), encoding="utf-8")

    def overdue(now: dt.datetime) -> bool:
        problems = Problems()
        load_content(tmp_path / "docs", tmp_path, VOCABULARY, problems, now=now)
        return any("now overdue" in str(p) for p in problems)

    assert not overdue(dt.datetime(2024, 3, 30, 23, 59, tzinfo=dt.UTC))  # due that day, not yet overdue
    assert overdue(dt.datetime(2024, 3, 31, 0, 1, tzinfo=dt.UTC))


def test_the_lined_up_entries_example_names_changes_only_where_the_slip_is_under_it():
    """The example "(under changes:, ...)" pointed a mkdocs.yml slip under `vocabulary:` to a list it is not in."""
    from protectpress.core.foundation.yaml_words import yaml_problem_in_words

    def words(text: str) -> str:
        try:
            yaml.safe_load(text)
        except yaml.YAMLError as error:
            return yaml_problem_in_words(error, text, "YAML")[1]
        raise AssertionError("the YAML was read")

    assert "under changes:" in words("changes:\n  - date: 2024-01-01\n   note: x\n")
    elsewhere = words("extra:\n  vocabulary:\n    tags:\n      - retail\n     bad-indent: x\n")
    assert elsewhere.startswith("expected valid YAML: the lines of one entry lined up")
    assert "changes" not in elsewhere
