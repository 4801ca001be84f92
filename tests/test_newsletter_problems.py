"""Bad newsletters and broken emails: the exact messages comms staff read, all in one run.

The rules are also run on the real rendered email with one thing broken at a time, so each rule is shown to
catch what it is for (and not just to pass on good output).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.problems import Problems
from protectpress.core.newsletter import render_newsletter_file
from protectpress.core.newsletter.colours import colour_problems, contrast_ratio
from protectpress.core.newsletter.rules import EmailExpectations, check_email
from support import FIXTURES, copy_project
from support import run_in_process as protectpress

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages


@pytest.fixture(scope="module")
def bad_project(tmp_path_factory) -> Path:
    return copy_project(FIXTURES / "newsletter-bad", tmp_path_factory.mktemp("bad") / "project")


EXPECTED_ERRORS = [
    # guidance/index.md, the index the build generates for a type folder without one, is a real page, but an index
    # is suggested only when no other page is near (first-time comms officer's trial).
    "newsletters/bad-items.md:12: expected a link to a page of the site (did you mean guidance/lockdown.md?), "
    "found 'guidance/nowhere.md'",
    "newsletters/bad-items.md:6: items[1].page: expected a page of the site, as a path inside docs/ (did you mean "
    "guidance/lockdown.md?), found 'guidance/lockdwn.md'",
    "newsletters/hostile.md:15: email rule headings: expected exactly one h1 (the subject), found 2: "
    "'A letter with hostile HTML and broken email rules', 'A second top-level heading'",
    "newsletters/hostile.md:17: email rule headings: expected no skipped heading level (h4 follows h1), "
    "found 'A skipped heading level'",
    "newsletters/hostile.md:13: email rule images: expected alt text for every image, like "
    "![What it shows](image.png), found an image with none: '/assets/photo.png'",
    "newsletters/hostile.md:19: email rule link-text: expected link text that says where the link goes, "
    "found 'click here'",
    "newsletters/missing-fields.md:8: date: expected a date (required for a newsletter), found none",
    "newsletters/missing-fields.md:8: subject: expected a subject (required for a newsletter), found none",
    "newsletters/missing-fields.md:3: sectors: expected a sector from the vocabulary (all, retail, hospitality), "
    "found 'pubs'",
    "newsletters/missing-fields.md:4: draft: expected true or false, found 'yes'",
    "newsletters/missing-fields.md:7: items[1].full: expected true or false, found 'maybe'",  # its own line
    "newsletters/missing-fields.md:10: expected only the merge fields {{ name }} and {{ first_name }} in the letter, "
    "found '{{ email }}'",
]
ACTIVE = ("expected no active content (scripts, frames, forms, event handlers, javascript: or data: addresses): "
          "the site, feeds and emails publish only text, links, images and tables")
EXPECTED_ERRORS += [
    f"newsletters/hostile.md:9: {ACTIVE}, found a <script> element",
    f"newsletters/hostile.md:11: {ACTIVE}, found an event handler onclick= on <p>",
    f"newsletters/hostile.md:13: {ACTIVE}, found a javascript: URL in href= on <a>",
]
EXPECTED_WARNINGS: list[str] = []


def test_check_lists_every_newsletter_problem_in_one_run(bad_project):
    result = protectpress("check", cwd=bad_project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert sorted(line for line in lines if line.startswith("error: ")) == sorted(
        f"error: {e}" for e in EXPECTED_ERRORS
    )
    assert sorted(line for line in lines if line.startswith("warning: ")) == sorted(
        f"warning: {w}" for w in EXPECTED_WARNINGS)
    assert lines[-1] == "15 errors to fix."


def test_check_json_names_file_key_and_line(bad_project):
    result = protectpress("check", "--format", "json", cwd=bad_project)
    problems = json.loads(result.stdout)["problems"]
    draft = next(p for p in problems if p["key"] == "draft")
    assert draft == {"path": "newsletters/missing-fields.md", "line": 4, "key": "draft",
                     "expected": "true or false", "found": "yes", "severity": "error"}


def test_build_fails_with_the_same_problems_and_keeps_the_old_site(bad_project):
    (bad_project / "site").mkdir()
    (bad_project / "site" / "marker.txt").write_text("previous build")
    result = protectpress("build", cwd=bad_project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for error in EXPECTED_ERRORS:
        assert f"error: {error}" in result.stderr, error
    assert (bad_project / "site" / "marker.txt").read_text() == "previous build"


def test_hostile_html_is_removed_from_the_email(bad_project):
    settings = load_settings(bad_project / "mkdocs.yml")
    problems = Problems()
    render_newsletter_file(settings, "hostile", problems, now=NOW)  # errors too, so no result: render the parts
    from protectpress.core.newsletter.markdown import parse_markdown

    text = (bad_project / "newsletters" / "hostile.md").read_text().split("---", 2)[2]
    parsed = parse_markdown(text, links=settings.links, from_src="index.md")
    assert "<script" not in parsed.html and "onclick" not in parsed.html and 'href="javascript' not in parsed.html
    assert "Tap to read." in parsed.html
    assert len(parsed.removed) == 3


def test_unknown_newsletter_slug(bad_project):
    settings = load_settings(bad_project / "mkdocs.yml")
    problems = Problems()
    assert render_newsletter_file(settings, "no-such-issue", problems, now=NOW) is None
    assert [str(p) for p in problems] == [
        "no-such-issue: expected a newsletter file or slug from newsletters/ (bad-items, hostile, missing-fields), "
        "found no such newsletter"]


def test_template_errors_name_the_template_and_line(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    template = project / "overrides" / "emails" / "newsletter.mjml.j2"
    lines = template.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "<mj-title>" in line)
    lines[index] = "    <mj-title>{{ subject }</mj-title>"
    template.write_text("\n".join(lines))
    result = protectpress("check", cwd=project)
    assert result.returncode == 1
    assert (f"error: overrides/emails/newsletter.mjml.j2:{index + 1}: expected a template Jinja2 can read, found "
            "unexpected '}'") in result.stdout


def test_undefined_template_value_is_an_error_with_its_line(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    template = project / "overrides" / "emails" / "newsletter.mjml.j2"
    text = template.read_text().replace("{{ preheader }}", "{{ preheader_text }}")
    template.write_text(text)
    line = text[: text.index("preheader_text")].count("\n") + 1
    result = protectpress("check", cwd=project)
    assert (f"error: overrides/emails/newsletter.mjml.j2:{line}: expected a template that renders, found "
            "'preheader_text' is undefined") in result.stdout


# ----------------------------------------------------------------------------------------------------------
# Problems in a letter's body, and email rules its words break, at the line of the .md file where they stand.

LETTER = """---
subject: "Lines for every problem in the body"
preheader: "Short"
date: 2024-03-05
items:
  - page: guidance/lockdown.md
  - page: guidance/gone.md
    full: true
---

Dear {{ name }}, your email address is on file.

Write to us by email if it is wrong: {{ email }}.

```
# A heading in code is only text ![](/assets/in-code.png)
```

# Another top-level heading

![](/assets/lockdown.png) and <a href="https://news.example.org/privacy/"><img src="https://news.example.org/assets/lockdown.png"
alt=""></a>

<img src="https://tracker.example.com/pixel.png" alt="A pixel">

<table><tr><td>email</td><td>North</td></tr></table>

For more, [read more](/guidance/lockdown.md), or see [the old page](guidance/retired.md).
"""
# A featured page that passes its own checks but whose body the email cannot carry: a link to no page.
FEATURED = """---
title: Gone soon
type: guidance
summary: A page that links to a page that is not there.
date: 2024-01-02
---

See [the retired page](retired.md) and [click here](lockdown.md).
"""


@pytest.fixture(scope="module")
def lined(tmp_path_factory) -> list[str]:
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("lines") / "project")
    (project / "newsletters" / "2024-03-lines.md").write_text(LETTER, encoding="utf-8")
    (project / "docs" / "guidance" / "gone.md").write_text(FEATURED, encoding="utf-8")
    result = protectpress("check", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stdout.splitlines() if "newsletters/2024-03-lines.md" in line]


LINED = "newsletters/2024-03-lines.md"
EXPECTED_LINES = [
    # The merge field's own line, not the first line that says "email" (line 11).
    f"error: {LINED}:13: expected only the merge fields {{{{ name }}}} and {{{{ first_name }}}} in the letter, "
    "found '{{ email }}'",
]
EXPECTED_RENDERED = [
    f"warning: {LINED}:3: email rule preheader: expected a preheader of 40 to 110 characters, so the inbox preview "
    "is neither padded with body text nor cut short, found 5 characters",
    f"error: {LINED}:19: email rule headings: expected exactly one h1 (the subject), found 2: "
    "'Lines for every problem in the body', 'Another top-level heading'",
    f"error: {LINED}:21: email rule images: expected alt text for every image, like ![What it shows](image.png), "
    "found an image with none: '/assets/lockdown.png'",
    f"error: {LINED}:21: email rule images: expected alt text on a linked image saying where it goes, found empty alt "
    "on 'https://news.example.org/assets/lockdown.png'",
    f"error: {LINED}:24: email rule third-party: expected images from the site itself (readers' mail programs would "
    "tell another host they opened the email), found 'https://tracker.example.com/pixel.png'",
    # The table's own line, though its first cell's word is written above it (line 11, "email address").
    f"error: {LINED}:26: email rule tables: expected role=\"presentation\" on a layout table, or header cells (<th>) "
    "on a data table, found 'emailNorth'",
    f"error: {LINED}:28: email rule link-text: expected link text that says where the link goes, found 'read more'",
    f"error: {LINED}:28: expected a link to a page of the site (did you mean guidance/gone.md, "
    "guidance/lockdown.md?), found 'guidance/retired.md'",
    # In the featured page's body: the line of the items: entry that brings it in.
    f"error: {LINED}:7: expected a link to a page of the site (in the featured page docs/guidance/gone.md) (did you "
    "mean guidance/gone.md, guidance/lockdown.md?), found 'guidance/retired.md'",
    f"error: {LINED}:7: email rule link-text: expected link text that says where the link goes, found 'click here'",
]


def test_every_problem_in_a_letters_body_and_email_names_its_line(lined):
    # The unknown merge field does not stop the letter rendering: the email's problems are found in the same run.
    found = [line for line in lined if line.startswith(("error: ", "warning: "))]
    assert sorted(found) == sorted(EXPECTED_LINES + EXPECTED_RENDERED), "\n".join(found)


def test_problems_found_in_the_rendered_email_name_the_line_that_caused_them(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    (project / "newsletters" / "2024-03-lines.md").write_text(LETTER.replace("{{ email }}", "us"), encoding="utf-8")
    (project / "docs" / "guidance" / "gone.md").write_text(FEATURED, encoding="utf-8")
    result = protectpress("check", cwd=project)
    found = [line for line in result.stdout.splitlines() if LINED in line]
    assert sorted(found) == sorted(EXPECTED_RENDERED), "\n".join(found)


def test_a_line_is_found_where_the_thing_is_written_or_not_at_all():
    from protectpress.core.newsletter.lines import Clue, SourceLines

    body = ("The lockdown page explains it.\n\n```\n# Code, not a heading ![](/assets/photo.png)\n```\n\n"
            "See [the page](guidance/lockdown.md) and ![](/assets/photo.png).\n\nA *setext* heading\n---\n")
    lines = SourceLines(body, first_line=10)
    # A link made absolute is found by its page's name where a target is written, not in the prose (line 10).
    assert lines.line_of(Clue("https://news.example.org/guidance/lockdown/", "address")) == 16
    # Nothing inside fenced code counts (line 13).
    assert lines.line_of(Clue("https://news.example.org/assets/photo.png", "address")) == 16
    assert lines.line_of(Clue("Code, not a heading", "heading")) is None
    assert lines.line_of(Clue("A setext heading", "heading")) == 18
    assert lines.line_of(Clue("words nobody wrote")) is None
    # A link's words are found where they are a link's text, not in the prose or inside longer link text.
    prose = SourceLines("Winter is here. Please [click here](a.md).\n\nOr [**here**](b.md), <a href=c>here</a>.\n",
                        first_line=5)
    assert prose.line_of(Clue("here", "link")) == 7 and prose.line_of(Clue("here", "link"), 2) == 7
    assert prose.line_of(Clue("click here", "link")) == 5


def test_vague_link_text_in_a_featured_page_is_not_blamed_on_the_word_in_the_letter(tmp_path):
    """A comms officer's trial: a letter saying "Winter is here." and featuring whole a card whose link said only
    "here" was told the letter's line 15 was at fault, where no such link is; the `- page:` line brings it in."""
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    letter = LETTER.split("---\n\n")[0] + "---\n\nWinter is here. Please [click here](/guidance/lockdown.md).\n"
    (project / "newsletters" / "2024-03-lines.md").write_text(letter, encoding="utf-8")
    (project / "docs" / "guidance" / "gone.md").write_text(
        FEATURED.replace("[the retired page](retired.md) and [click here](lockdown.md)", "[here](lockdown.md)"),
        encoding="utf-8")
    result = protectpress("check", cwd=project)
    found = [line for line in result.stdout.splitlines() if "link-text" in line and LINED in line]
    rule = "email rule link-text: expected link text that says where the link goes"
    expected = [f"error: {LINED}:11: {rule}, found 'click here'", f"error: {LINED}:7: {rule}, found 'here'"]
    assert sorted(found) == expected, result.stdout


# ----------------------------------------------------------------------------------------------------------
# Each rule on the real email, broken one way at a time.


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("good") / "project")
    settings = load_settings(project / "mkdocs.yml")
    rendered = render_newsletter_file(settings, "2024-01-winter-update", Problems(), now=NOW)
    expect = EmailExpectations(subject=rendered.subject, preheader=rendered.preheader, web_url=rendered.web_url,
                               privacy_url=settings.links.page_url("privacy.md"),
                               organisation=settings.plugin.newsletter.organisation,
                               why_received=settings.plugin.newsletter.why_received,
                               unsubscribe_placeholder="[[pp:unsubscribe]]", site_url=settings.site_url,
                               language=settings.language)
    assert check_email(rendered.html, expect) == []
    return rendered.html, expect


BREAKAGES = [
    ("size", lambda h: h.replace("</body>", "<p>" + "x" * 110_000 + "</p></body>"), False),
    ("size", lambda h: h.replace("</body>", "<p>" + "x" * 70_000 + "</p></body>"), True),
    ("title", lambda h: h.replace("<title>Winter", "<title>Autumn"), False),
    ("language", lambda h: h.replace('<html lang="en-GB"', '<html lang="und"'), False),
    ("language", lambda h: h.replace('role="article" lang="en-GB" dir="ltr"', 'role="article" lang="en-GB" dir="auto"'),
     False),
    ("preheader", lambda h: h.replace("display:none;font-size:1px", "font-size:1px"), False),
    ("images", lambda h: h.replace(' alt="A member of staff locking', ' data-x="A member of staff locking'), False),
    ("images", lambda h: re.sub(r'alt="A member of staff[^"]*"', 'alt=""', h), False),
    ("third-party", lambda h: h.replace("https://news.example.org/assets/lockdown.png",
                                        "https://tracker.example.com/pixel.png"), False),
    ("links", lambda h: h.replace('href="https://news.example.org/privacy/"', 'href="/privacy/"'), False),
    ("links", lambda h: h.replace('href="https://news.example.org/privacy/"', 'href="http://news.example.org/privacy/"'),
     False),
    ("tables", lambda h: h.replace("<th>Region</th>", "<td>Region</td>").replace("<th>Contact</th>", "<td>C</td>")
     .replace("<th>Phone</th>", "<td>P</td>"), False),
    ("active-content", lambda h: h.replace("</body>", "<script>alert(1)</script></body>"), False),
    ("active-content", lambda h: h.replace("</body>", "<form action='https://x.example'></form></body>"), False),
    ("active-content", lambda h: h.replace("</body>", "<iframe src='https://news.example.org/'></iframe></body>"),
     False),
    ("active-content", lambda h: h.replace("</head>", '<link rel="stylesheet" href="https://cdn.example/x.css"></head>'),
     False),
    ("web-fonts", lambda h: h.replace("</head>", "<style>@import url(https://fonts.googleapis.com/css);</style></head>"),
     False),
    ("dark-mode", lambda h: h.replace('name="color-scheme"', 'name="x-scheme"'), False),
    ("dark-mode", lambda h: h.replace("prefers-color-scheme: dark", "min-width: 1px"), False),
    ("text-size", lambda h: h.replace("font-size:16px", "font-size:13px", 1), False),
    ("headings", lambda h: h.replace("</body>", "<h1>Another</h1></body>"), False),
    ("headings", lambda h: h.replace("</body>", "<h5>Deep</h5></body>"), False),
    ("link-text", lambda h: h.replace(">View in your browser<", ">Read more<"), False),
    ("browser-link", lambda h: h.replace(">View in your browser<", ">Web version<"), False),
    ("footer", lambda h: h.replace("0800 789 321", "0800 000 000"), False),
    ("footer", lambda h: h.replace('href="[[pp:unsubscribe]]"', 'href="https://news.example.org/"'), False),
    ("footer", lambda h: h.replace('href="https://news.example.org/privacy/">privacy notice',
                                   'href="https://news.example.org/">privacy notice'), False),
    ("mobile", lambda h: h.replace("min-width:480px) { .mj-column", "min-width:320px) { .mj-column"), False),
]


@pytest.mark.parametrize(
    "rule, breakage, warning", BREAKAGES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BREAKAGES)]
)
def test_each_rule_catches_its_breakage(good, rule, breakage, warning):
    html, expect = good
    broken = breakage(html)
    assert broken != html, "the breakage must change the email"
    found = check_email(broken, expect)
    assert rule in {v.rule for v in found}, found
    assert all(v.warning == warning for v in found if v.rule == rule)


def test_dev_server_links_allowed_only_when_serving(good):
    html, expect = good
    served = html.replace("https://news.example.org/privacy/", "http://127.0.0.1:8000/privacy/")
    assert {v.rule for v in check_email(served, expect)} == {"links", "footer"}
    from dataclasses import replace

    serving = replace(expect, dev_server_url="http://127.0.0.1:8000/", privacy_url="http://127.0.0.1:8000/privacy/")
    assert check_email(served, serving) == []


def test_preheader_length_warning():
    from protectpress.core.newsletter.rules import preheader_length

    assert preheader_length("x" * 40) == [] and preheader_length("x" * 110) == []
    assert preheader_length("Too short")[0].warning
    assert preheader_length("x" * 111)[0].found == "111 characters"


# ----------------------------------------------------------------------------------------------------------
# Brand colour contrast, computed as WCAG defines it.


def test_contrast_ratio_matches_wcag_reference_values():
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast_ratio("#ffffff", "#ffffff"), 2) == 1.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the lightest grey that passes on white
    assert round(contrast_ratio("#777777", "#ffffff"), 2) == 4.48
    assert contrast_ratio("#fff", "#1d3557") == contrast_ratio("#ffffff", "#1d3557")


def test_low_contrast_brand_colours_fail_the_check(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      newsletter:\n", '      newsletter:\n        button_colour: "#7fb2e5"\n        brand_colour: nope\n'
        )
    )
    result = protectpress("check", cwd=project)
    assert result.returncode == 1
    assert ("error: mkdocs.yml: plugins.protectpress.newsletter.button_text_colour: expected a contrast of at least "
            "4.5:1 against button_colour (email rule contrast), found 2.23:1 (#ffffff on #7fb2e5)") in result.stdout
    assert ("error: mkdocs.yml: plugins.protectpress.newsletter.brand_colour: expected a colour like #1d3557, "
            "found 'nope'") in result.stdout
    assert result.stdout.count("button_text_colour") == 1  # checked once, not once per newsletter


def test_default_colours_pass():
    from protectpress.core.foundation.settings import NewsletterSettings

    assert colour_problems(NewsletterSettings()) == []


def test_a_yaml_slip_in_a_newsletter_is_explained_and_the_rest_still_checked(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    letter = project / "newsletters" / "2024-01-winter-update.md"
    text = letter.read_text(encoding="utf-8")
    text = text.replace('preheader: "How to plan a dynamic lockdown, what to do in an attack, and the expo agenda"',
                        "preheader: How to plan: a dynamic lockdown, what to do in an attack, and the expo agenda")
    letter.write_text(text.replace("Dear {{ name }},", "Dear {{ email }},"), encoding="utf-8")
    result = protectpress("check", cwd=project)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2, errors
    assert errors[0].startswith("error: newsletters/2024-01-winter-update.md:3: expected valid YAML front matter: "
                                "quotes around a value that has a colon in it")
    # The body is still read: its unknown merge field is named too, and the broken key is not called missing.
    assert errors[1] == ("error: newsletters/2024-01-winter-update.md:14: expected only the merge fields {{ name }} "
                         "and {{ first_name }} in the letter, found '{{ email }}'")


# A first-time author's letter: four mistakes in the front matter and four further down. One `check` lists all
# eight, each once at its line, instead of the front matter's alone with the rest left for a second run.
ALL_AT_ONCE = """\
---
subjcet: "Winter update: lockdown plans and the retail expo"
preheader: "Hello"
date: 2026-13-01
sectors: [shops]
items:
  - page: guidance/lockdown.md
  - page: guidance/nowhere-at-all.md
---

Dear {{ name }},

![](/assets/photo.png)

Our plans are ready: [click here](guidance/lockdown.md).
"""


def test_check_lists_a_letters_front_matter_and_body_problems_in_one_run(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    (project / "newsletters" / "2024-03-all-at-once.md").write_text(ALL_AT_ONCE, encoding="utf-8")
    result = protectpress("check", cwd=project)
    assert result.returncode == 1, result.stderr
    mine = [line for line in result.stdout.splitlines() if "newsletters/2024-03-all-at-once.md" in line]
    path = "newsletters/2024-03-all-at-once.md"
    expected = [
        f"{path}:2: subjcet: ",  # the misspelt key
        f"{path}:9: subject: expected a subject (required for a newsletter), found none",  # the closing ---
        f"{path}:4: date: ",
        f"{path}:5: sectors: expected a sector from the vocabulary",
        f"{path}:3: email rule preheader: expected a preheader of 40 to 110 characters",
        f"{path}:8: items[2].page: expected a page of the site",
        f"{path}:13: email rule images: expected alt text for every image",
        f"{path}:15: email rule link-text: expected link text that says where the link goes, found 'click here'",
    ]
    for start in expected:
        matching = [line for line in mine if line.split(": ", 1)[1].startswith(start)]
        assert len(matching) == 1, (start, mine)
    assert len(mine) == len(expected), mine


def test_the_email_template_is_compiled_once_and_again_after_any_edit(tmp_path, monkeypatch):
    # Every newsletter of a build shares the template compiled once; an edit is picked up even when the file's
    # modification time stays the same (a quick edit in the preview), since the check compares the text.
    import jinja2

    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    settings = load_settings(project / "mkdocs.yml")
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_template(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def render() -> str:
        problems = Problems()
        rendered = render_newsletter_file(settings, "2024-01-winter-update", problems, now=NOW)
        assert rendered is not None, [str(p) for p in problems]
        return rendered.html

    first = render()
    assert render() == first
    assert compiled.count("newsletter.mjml.j2") == 1
    template = project / "overrides" / "emails" / "newsletter.mjml.j2"
    stat = template.stat()
    edited = template.read_text().replace("</mj-head>", "<mj-style>.pp-edited { color: #000; }</mj-style></mj-head>")
    template.write_text(edited)
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert template.stat().st_mtime_ns == stat.st_mtime_ns
    assert render() != first
    assert compiled.count("newsletter.mjml.j2") == 2
