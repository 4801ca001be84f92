"""The public site reads as a public service, not documentation (issue 25): checked on every built page of the
example site, and on the small core pieces behind it. The browser half is
tests/browser/test_public_service_in_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from protectpress.core.newsletter.web import without_salutation
from protectpress.core.site.theme_css import LEAN_CSS, MATERIAL_CSS, lean_material_css
from protectpress.core.site.typography import keep_time_ranges_together
from support import REPO

NOT_PAGES = ("email.html",)  # the newsletter's email copies are not site pages


def site_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if p.name not in NOT_PAGES and "pagefind" not in p.parts]


def test_no_public_page_shows_staff_facts_a_rail_or_permalink_marks(example_site):
    pages = site_pages(example_site)
    assert len(pages) > 40
    for page in pages:
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(example_site).as_posix()
        assert "Next review due" not in html and "Type:" not in html, name
        assert "md-sidebar--secondary" not in html and "md-nav--secondary" not in html, name
        assert "headerlink" not in html and "¶" not in html, name
        # No theme toggle, and none of Material's script (the palette follows the system in CSS).
        assert 'data-md-component="palette"' not in html and "bundle." not in html, name


def test_the_skip_link_lands_on_the_block_that_holds_the_title(example_site):
    for page in site_pages(example_site):
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(example_site).as_posix()
        assert html.count('class="md-skip"') == 1 and '<a href="#pp-content" class="md-skip">' in html, name
        start = html.index('id="pp-content"')
        assert re.search(r"<h1[ >]", html[start:]) and html[start:].index("<h1") < html[start:].index("</article>"), \
            name


def test_every_action_card_has_a_print_button_that_the_print_stylesheet_hides(example_site):
    cards = sorted((example_site / "action-cards").glob("*/index.html"))
    assert len(cards) >= 2
    for card in cards:
        html = card.read_text(encoding="utf-8")
        # A real button, shown by the site's script where printing works (hidden without it).
        assert re.search(r'<button type="button" class="pp-print-button" data-pp-print hidden>', html), card
    css = (example_site / "assets/stylesheets/protectpress.css").read_text(encoding="utf-8")
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    assert re.search(r"\.pp-print-button,[^{]*\{\s*display: none !important;", print_rules)


def test_feed_autodiscovery_is_rel_alternate_exactly_on_every_page(example_site):
    for page in site_pages(example_site):
        html = page.read_text(encoding="utf-8")
        if "application/rss+xml" not in html:
            continue
        links = re.findall(r'<link rel="([^"]*)" type="application/(?:rss\+xml|atom\+xml|feed\+json)"', html)
        assert links and set(links) == {"alternate"}, page


def test_long_guidance_lists_its_sections_under_the_title_and_short_pages_do_not(example_site):
    html = (example_site / "guidance/martyns-law/index.html").read_text(encoding="utf-8")
    contents = re.search(r'<nav class="pp-contents" aria-label="Contents".*?</nav>', html, re.S)
    assert contents is not None
    assert re.findall(r'<a href="(#[^"]+)">', contents.group(0))[:2] == ["#what-it-is", "#who-it-applies-to"]
    # Under the title: after the h1 and before the page's own first section.
    assert html.index("<h1") < contents.start() < html.index('id="what-it-is"')
    for short in ("action-cards/unattended-and-suspicious-items/index.html", "index.html"):
        assert "pp-contents" not in (example_site / short).read_text(encoding="utf-8"), short


def test_topic_pages_name_what_they_list_lead_to_their_feed_and_list_cards_first(example_site):
    html = (example_site / "topics/weapons-attacks/index.html").read_text(encoding="utf-8")
    follow = re.search(r'<a class="pp-follow__link" href="([^"]+)">Get updates about weapons attacks</a>', html)
    assert follow is not None and follow.group(1) == "../../subscribe/#feed-topics-weapons-attacks"
    subscribe = (example_site / "subscribe/index.html").read_text(encoding="utf-8")
    assert 'id="feed-topics-weapons-attacks"' in subscribe
    # A sector is a common noun: no capital mid-sentence ("Get updates about All sectors" in the trial's screenshots).
    for sector, words in (("all", "all sectors"), ("retail", "retail")):
        page = (example_site / f"sectors/{sector}/index.html").read_text(encoding="utf-8")
        assert f'#feed-sectors-{sector}">Get updates about {words}</a>' in page, sector
    headings = re.findall(r'<h2 id="[^"]*">([^<]+)</h2>', html)
    lead = re.search(r'<p class="pp-lead">([^<]+)</p>', html)
    assert lead is not None
    # The intro names the kinds listed, in the order they are listed, action cards first.
    assert headings[0] == "Action cards"
    listed = " and ".join(h.lower() for h in headings)
    assert lead.group(1).lower().startswith(listed.split(" and ")[0]), (lead.group(1), headings)
    for kind in ("Action cards", "Guidance", "News", "Conference write-ups"):
        assert (kind.lower() in lead.group(1).lower()) == (kind in headings), (kind, lead.group(1), headings)
    # Each listing's date stays whole: in a <time>, which the stylesheet never breaks, on its own line under the
    # title; under its "Action cards" heading an entry does not say "Action card" again.
    assert re.search(r"</a><br>\n<small>(?:Updated )?<time datetime=", html)
    assert "Action card ·" not in html


def test_the_newsletter_web_version_opens_without_its_greeting(example_site):
    page = next((example_site / "newsletters").glob("*/index.html"))
    html = page.read_text(encoding="utf-8")
    assert "Dear Partner" not in html and "Dear " not in html
    assert "Dear Partner," in (page.parent / "email.html").read_text(encoding="utf-8")  # the email keeps it


def test_offline_page_lists_the_saved_cards_and_hides_search(example_site):
    html = (example_site / "offline.html").read_text(encoding="utf-8")
    cards = re.findall(r'<a class="pp-action-links__link" href="([^"]+)">([^<]+)</a>', html)
    assert cards == [("/action-cards/firearms-and-weapons-attacks/", "Firearms and weapons attacks"),
                     ("/action-cards/unattended-and-suspicious-items/", "Unattended and suspicious items")]
    assert "data-pp-offline-page" in html


def test_pages_load_the_lean_copy_of_materials_stylesheet(example_site):
    lean = example_site / LEAN_CSS
    original = (example_site / MATERIAL_CSS).read_text(encoding="utf-8")
    assert lean.is_file() and len(lean.read_bytes()) < len(original) / 2
    html = (example_site / "index.html").read_text(encoding="utf-8")
    assert LEAN_CSS in html and MATERIAL_CSS not in html


@pytest.mark.parametrize("kept", [".md-header{", ".md-nav__link", ".md-search__input", ".md-sidebar--primary",
                                  ".md-typeset h1", ".md-overlay", ".md-path"])
def test_the_lean_stylesheet_keeps_what_the_pages_use(kept):
    material = next(REPO.joinpath(".venv").glob("lib/python3*/site-packages/material/templates")) / MATERIAL_CSS
    if not material.is_file():
        pytest.skip("Material is not installed in .venv")
    lean = lean_material_css(material.read_text(encoding="utf-8"))
    assert kept in lean
    for dropped in (".tabbed-set", ".md-tooltip", ".md-clipboard", "--md-admonition-icon--note:", ".no-js",
                    ".md-sidebar--secondary"):
        assert dropped not in lean


def test_lean_css_keeps_a_rule_that_any_selector_still_needs():
    css = ("a{color:red}.md-tooltip{x:1}.md-tooltip,.md-nav{y:2}@media print{.tabbed-set{z:3}}"
           ':root{--md-admonition-icon--note:url("data:a{b}");--md-primary-fg-color:#000}')
    assert lean_material_css(css) == "a{color:red}.md-nav{y:2}:root{--md-primary-fg-color:#000}"


def test_lean_css_reads_past_strings_escapes_and_comments():
    # The scanner jumps between the characters that matter: a brace, comma or semicolon inside a string (an
    # escaped quote within it too) or inside a comment must not end a block or a selector.
    css = r"""a[title="x}\"{,"],b{content:'c;}\'d'}/* .md-nav{ */.md-tooltip,.md-nav{y:2}"""
    css += r"""@media print{/* } */c{d:e}.md-clipboard{f:g}}"""
    kept = r"""a[title="x}\"{,"],b{content:'c;}\'d'}.md-nav{y:2}@media print{/* } */c{d:e}}"""
    assert lean_material_css(css) == kept


@pytest.mark.parametrize(("html", "expected"), [
    ("<td>10:40 - 11:00</td>", '<td><span class="pp-nowrap">10:40 - 11:00</span></td>'),
    ("<td>9.30am–10am</td>", '<td><span class="pp-nowrap">9.30am–10am</span></td>'),
    ("<p>5 - 10 metres</p>", "<p>5 - 10 metres</p>"),
    ('<a href="#t10:40-11:00">x</a>', '<a href="#t10:40-11:00">x</a>'),
    ("<p>on 2023-03-01.</p>", "<p>on 2023-03-01.</p>"),
])
def test_time_ranges_are_kept_whole(html, expected):
    assert keep_time_ranges_together(html) == expected


def test_the_conference_agenda_keeps_each_time_range_on_one_line(example_site):
    html = (example_site / "conferences/security-and-policing-2023/index.html").read_text(encoding="utf-8")
    assert '<td><span class="pp-nowrap">10:40 - 11:00</span></td>' in html


@pytest.mark.parametrize(("body", "expected"), [
    ("Dear {{ name }},\n\nThank you.\n", "Thank you.\n"),
    ("\nHello {{ first_name }}!\n\nNews.", "News."),
    ("Dear partners,\n\nThank you.", "Dear partners,\n\nThank you."),  # no name: part of the letter
    ("{{ name }}, this long opening paragraph names you but says a great deal more than a greeting would.\n\nx",
     "{{ name }}, this long opening paragraph names you but says a great deal more than a greeting would.\n\nx"),
])
def test_without_salutation(body, expected):
    assert without_salutation(body) == expected


def test_a_project_that_asks_for_the_palette_toggle_gets_it_without_materials_script(palette_toggle_site):
    html = (palette_toggle_site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="palette"' in html and 'title="Switch slate"' in html  # the toggle
    # Material's whole stylesheet and palettes (the lean copy has no toggle options), never its script.
    assert MATERIAL_CSS in html and "palette.fb2fffe2.min.css" in html and LEAN_CSS not in html
    assert "bundle." not in html and 'data-pp-scheme="system"' not in html
