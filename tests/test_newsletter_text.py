"""The plain-text renderer and the Markdown helpers, on small inputs with known answers."""

from __future__ import annotations

from protectpress.core.foundation.links import SiteLinks
from protectpress.core.newsletter.markdown import PageLink, demote_headings, parse_markdown, rebase_links
from protectpress.core.newsletter.text import WIDTH, References, action_link, heading, link_line, markdown_text

LINKS = SiteLinks("https://example.org/")


def text_of(markdown: str, from_src: str = "index.md") -> str:
    return markdown_text(parse_markdown(markdown, links=LINKS, from_src=from_src))


def test_headings_are_underlined_by_level():
    assert text_of("# Top\n\n## Middle\n\n### Low") == "Top\n===\n\nMiddle\n------\n\nLow\n~~~"
    long = heading("word " * 20, 2)
    assert all(len(line) <= WIDTH for line in long.splitlines())
    assert long.splitlines()[-1] == "-" * max(len(line) for line in long.splitlines()[:-1])


def test_bullets_numbers_and_nesting_with_hanging_indents():
    text = text_of("- one\n- two is a very long item " + "that wraps " * 8 + "\n\n1. first\n2. second\n")
    lines = text.splitlines()
    assert lines[0] == "- one" and lines[1].startswith("- two is a very long item")
    assert lines[2].startswith("  ") and lines[2][2] != " " and len(lines[1]) <= WIDTH
    assert "1. first\n2. second" in text
    nested = text_of("- outer\n    - inner\n")
    assert nested == "- outer\n\n  - inner"  # the inner list is a block of its own inside the item, indented


def test_table_aligned_when_it_fits_and_records_when_it_does_not():
    narrow = text_of("| A | Bee |\n| --- | --- |\n| 1 | 22 |\n")
    assert narrow == "A  Bee\n-  ---\n1  22"
    wide_cell = "a long cell " * 8
    wide = text_of(f"| Time | Session |\n| --- | --- |\n| 10:00 | {wide_cell} |\n| 11:00 | Close |\n")
    assert wide.splitlines()[0] == "Time: 10:00"
    assert wide.splitlines()[1].startswith("Session: a long cell")
    assert "\n\nTime: 11:00\nSession: Close" in wide
    assert all(len(line) <= WIDTH for line in wide.splitlines())


def test_links_become_numbered_references_after_their_block():
    text = text_of("Read [the guide](/guidance/pals.md) and [ProtectUK](https://www.protectuk.police.uk).\n\n"
                   "Again [the guide](/guidance/pals.md#scope).\n\nMail <team@example.org> or <https://example.org/x>.")
    assert text.split("\n\n") == [
        "Read the guide [1] and ProtectUK [2].",
        "[1] https://example.org/guidance/pals/\n[2] https://www.protectuk.police.uk",
        "Again the guide [3].",
        "[3] https://example.org/guidance/pals/#scope",
        "Mail team@example.org or https://example.org/x.",
    ]


def test_shared_references_keep_one_number_per_address():
    references = References()
    first = markdown_text(parse_markdown("[A](/a.md)", links=LINKS, from_src="index.md"), references)
    second = markdown_text(parse_markdown("[Again](/a.md) [B](/b.md)", links=LINKS, from_src="index.md"), references)
    assert first == "A [1]\n\n[1] https://example.org/a/"
    assert second == "Again [1] B [2]\n\n[1] https://example.org/a/\n[2] https://example.org/b/"


def test_long_urls_stand_alone():
    url = "https://example.org/" + "x" * 90
    assert link_line("Read it", url) == f"Read it:\n{url}"
    text = text_of(f"See [this]({url}).")
    assert f"[1]\n{url}" in text


def test_a_call_to_action_keeps_its_one_colon_and_puts_the_address_under_it():
    # A trial read "Read the news: Winter events: staying safe this season:" with the address on the next line.
    words = "Read the news: Winter events: staying safe this season"
    url = "https://example.org/news/winter-events/"
    assert action_link(words, url) == f"{words}\n{url}"
    long = action_link("Read the conference write-up: " + "Security and Policing 2023 " * 3, url)
    *lines, address = long.splitlines()
    assert address == url and all(len(line) <= WIDTH and not line.endswith(":") for line in lines)


def test_raw_html_is_sanitised_in_the_text_too():
    text = text_of('Hello <span onclick="x()">there</span>\n\n<script>alert("no")</script>\n\nEnd')
    assert "alert" not in text and "onclick" not in text
    assert text.startswith("Hello there")


def test_admonition_title_then_body():
    text = text_of('!!! note "As at March 2023"\n    Things have moved on.\n')
    assert text == "As at March 2023:\n\nThings have moved on."


def test_demote_headings_keeps_code_and_converts_setext():
    source = "# One\n\nText\n\n## Two\n\n```\n# not a heading\n```\n\nSetext\n======\n"
    demoted = demote_headings(source)
    assert "## One" in demoted and "### Two" in demoted and "\n# not a heading\n" in demoted
    assert "## Setext" in demoted and "======" not in demoted
    assert demote_headings("###### Six") == "###### Six"


def test_rebase_links_makes_relative_md_links_docs_root():
    source = "[card](../action-cards/x.md#step) [abs](/a.md) [web](https://e.org/y.md)\n\n[ref]: sibling.md\n"
    rebased = rebase_links(source, links=LINKS, from_src="guidance/pals.md")
    assert "[card](/action-cards/x.md#step)" in rebased
    assert "[abs](/a.md)" in rebased and "[web](https://e.org/y.md)" in rebased
    assert "[ref]: /guidance/sibling.md" in rebased


def test_links_and_images_absolute_from_their_source():
    parsed = parse_markdown("[x](../b.md) ![A chart](img/c.png) ![](d.png)", links=LINKS, from_src="guidance/a.md")
    assert 'href="https://example.org/b/"' in parsed.html
    assert 'src="https://example.org/guidance/img/c.png"' in parsed.html
    assert parsed.images_without_alt == ["d.png"]
    assert parsed.page_links == [PageLink(source="b.md", written="../b.md")]  # as written, to find its line
