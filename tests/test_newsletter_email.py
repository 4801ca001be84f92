"""The rendered email of real newsletters (the seed's and a fixture's), checked rule by rule on the output.

Every assertion reads the HTML mjml-python wrote (parsed with the standard library), or the text part, so
a template or library change that breaks a rule fails here as well as in the build. The golden file pins
the whole normalised email: regenerate it with `PROTECTPRESS_UPDATE_GOLDEN=1 pytest tests/test_newsletter_email.py`
after checking the new output in a browser and a mail program.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
from urllib.parse import urlsplit

import pytest

from protectpress.core.foundation import emergency
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dates import build_now
from protectpress.core.foundation.htmltree import parse_html
from protectpress.core.foundation.problems import Problems
from protectpress.core.newsletter import NAME_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER, personalise, render_newsletter_file
from protectpress.core.newsletter.render import newsletter_organisation
from protectpress.core.newsletter.rules import SIZE_LIMIT
from protectpress.core.sending.compose import sender_name_problem
from protectpress.core.site.brand import load_brand
from support import FIXTURES, REPO, copy_project

NOW = build_now()  # the one "now" of this test run, passed to all that read the pages

GOLDEN = REPO / "tests" / "golden" / "newsletter-basic-email.html"
SEED_SLUG = "2023-03-security-and-policing"
LONE_URL = re.compile(r"^\S+://\S+$")




@pytest.fixture(scope="module")
def seed():
    settings = load_settings(REPO / "mkdocs.yml")
    problems = Problems()
    rendered = render_newsletter_file(settings, SEED_SLUG, problems, now=NOW)
    assert rendered is not None, problems.report()
    return settings, rendered, problems


@pytest.fixture(scope="module")
def fixture_email(tmp_path_factory):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path_factory.mktemp("nl") / "project")
    settings = load_settings(project / "mkdocs.yml")
    problems = Problems()
    rendered = render_newsletter_file(settings, "newsletters/2024-01-winter-update.md", problems, now=NOW)
    assert rendered is not None, problems.report()
    return settings, rendered, problems


@pytest.fixture(params=["seed", "fixture"])
def email(request, seed, fixture_email):
    return seed if request.param == "seed" else fixture_email


def test_renders_without_problems(email):
    _, rendered, problems = email
    assert not problems.errors and not problems.warnings, problems.report()
    assert rendered.content_hash == __import__("hashlib").sha256(
        "\0".join((rendered.subject, rendered.html, rendered.text)).encode()).hexdigest()


def test_size_under_gmail_clipping(email):
    assert len(email[1].html.encode("utf-8")) < SIZE_LIMIT


def test_title_language_and_direction(email):
    _, rendered, _ = email
    root = parse_html(rendered.html)
    assert root.find("title").words() == rendered.subject
    html = root.find("html")
    assert (html.attrs["lang"], html.attrs["dir"]) == ("en-GB", "ltr")
    wrapper = next(n for n in root.iter("div") if n.attrs.get("role") == "article")
    assert (wrapper.attrs["lang"], wrapper.attrs["dir"]) == ("en-GB", "ltr")


def test_preheader_is_first_and_hidden(email):
    _, rendered, _ = email
    body = parse_html(rendered.html).find("body")
    first = next(n for n in body.iter("div"))
    assert first.words() == rendered.preheader
    assert first.style["display"] == "none"


def test_the_hidden_preheader_is_not_low_contrast_text(email):
    """SpamAssassin scores text nearly the colour of its background (HTML_FONT_LOW_CONTRAST, 0.7 points), which
    MJML's white preheader on the light page was: hidden as it is, it is written in the letter's text colour."""
    from protectpress.core.newsletter.colours import contrast_ratio

    settings, rendered, _ = email
    body = parse_html(rendered.html).find("body")
    first = next(n for n in body.iter("div"))
    assert first.words() == rendered.preheader
    assert (first.style["display"], first.style["opacity"], first.style["max-height"]) == ("none", "0", "0px")
    assert first.style["color"] == settings.plugin.newsletter.text_colour
    assert contrast_ratio(first.style["color"], settings.plugin.newsletter.page_colour) >= 4.5


def test_every_url_is_absolute_https_mailto_tel_or_placeholder(email):
    settings, rendered, _ = email
    root = parse_html(rendered.html)
    urls = [n.attrs[a] for n in root.iter() for a in ("href", "src") if a in n.attrs]
    assert urls
    for url in urls:
        assert url.startswith(("https://", "mailto:", "tel:")) or url == UNSUBSCRIBE_PLACEHOLDER, url
    for image in root.iter("img"):  # no third-party images: every image from the site itself
        assert urlsplit(image.attrs["src"]).netloc == urlsplit(settings.site_url).netloc


def test_docs_root_links_become_page_urls(seed, fixture_email):
    seed_hrefs = {a.attrs.get("href") for a in parse_html(seed[1].html).iter("a")}
    assert "https://protectpress.example.org/about/" in seed_hrefs  # written as /about.md
    fixture_hrefs = {a.attrs.get("href") for a in parse_html(fixture_email[1].html).iter("a")}
    assert "https://news.example.org/privacy/" in fixture_hrefs  # /privacy.md in the letter
    assert "https://news.example.org/guidance/lockdown/" in fixture_hrefs  # guidance/lockdown.md, from the docs root


def test_links_in_embedded_pages_resolve_from_that_page(fixture_email):
    # run-hide-tell.md links to ../guidance/lockdown.md#plan: relative to action-cards/, not to the letter.
    hrefs = [a.attrs.get("href") for a in parse_html(fixture_email[1].html).iter("a")]
    assert "https://news.example.org/guidance/lockdown/#plan" in hrefs
    assert not any("action-cards/guidance" in (h or "") for h in hrefs)


def test_images_have_alt_and_linked_images_describe_themselves(fixture_email):
    root = parse_html(fixture_email[1].html)
    images = list(root.iter("img"))
    assert images, "the featured guidance has an image"
    for image in images:
        assert "alt" in image.attrs
        if any(a.tag == "a" for a in image.ancestors()):
            assert image.attrs["alt"].strip()
    assert any(i.attrs["alt"] == "A member of staff locking a shop's glass doors" for i in images)
    assert any(i.attrs["src"] == "https://news.example.org/assets/lockdown.png" for i in images)


def test_layout_tables_are_presentation_and_data_tables_keep_headers(fixture_email):
    tables = list(parse_html(fixture_email[1].html).iter("table"))
    data = [t for t in tables if t.attrs.get("role") != "presentation"]
    assert len(data) == 2  # the letter's contacts table and the embedded expo agenda
    for table in data:
        assert [th.words() for th in table.iter("th")]
    agenda = next(t for t in data if "Welcome" in t.words())
    assert [th.words() for th in agenda.iter("th")] == ["Time", "Session"]
    assert len([t for t in tables if t.attrs.get("role") == "presentation"]) > 5


def test_no_active_content_or_web_fonts(email):
    root = parse_html(email[1].html)
    for tag in ("script", "form", "iframe", "link", "object", "embed"):
        assert root.find(tag) is None, tag
    css = " ".join(s.text() for s in root.iter("style"))
    assert "@import" not in css and "@font-face" not in css
    assert "fonts.googleapis" not in email[1].html and "mailjet" not in email[1].html.lower()


def test_dark_mode_meta_and_media_rules_in_the_output(email):
    root = parse_html(email[1].html)
    meta = [m for m in root.iter("meta") if m.attrs.get("name") == "color-scheme"]
    assert meta and meta[0].attrs["content"] == "light dark"
    css = " ".join(s.text() for s in root.iter("style"))
    dark = re.search(r"@media \(prefers-color-scheme: dark\) \{(.*)\}", css, re.DOTALL)
    assert dark and ".pp-letter" in dark.group(1) and "!important" in dark.group(1)


def test_body_text_is_at_least_16px(email):
    root = parse_html(email[1].html)
    texts = [n for n in root.find("body").iter() if n.own_text().strip()]
    checked = 0
    for node in texts:
        if any(a.style.get("display") == "none" for a in (node, *node.ancestors())):
            continue  # the hidden preheader
        sizes = [a.style["font-size"] for a in (node, *node.ancestors()) if "font-size" in a.style]
        assert sizes and float(sizes[0].removesuffix("px")) >= 16, (node.words()[:40], sizes[:1])
        checked += 1
    assert checked > 20


def test_one_h1_and_no_skipped_heading_levels(email):
    _, rendered, _ = email
    levels = [int(n.tag[1]) for n in parse_html(rendered.html).iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_full_embed_moves_headings_down_one_level(fixture_email):
    headings = {n.words(): n.tag for n in parse_html(fixture_email[1].html).iter() if re.fullmatch(r"h[1-6]", n.tag)}
    assert headings["Run, hide, tell"] == "h2"  # the featured page's title
    assert headings["Run"] == "h3" and headings["Where to go"] == "h4"  # ## and ### in the page


def test_no_vague_link_text(email):
    for link in parse_html(email[1].html).iter("a"):
        assert link.words().lower().strip(".") not in {"click here", "here", "read more"}


def test_view_in_browser_link_to_the_web_version(email):
    _, rendered, _ = email
    links = [a for a in parse_html(rendered.html).iter("a") if a.words() == "View in your browser"]
    assert [a.attrs["href"] for a in links] == [rendered.web_url]
    assert rendered.web_url.endswith(f"/newsletters/{rendered.slug}/")


def test_footer_says_who_why_emergency_privacy_and_unsubscribe(email):
    settings, rendered, _ = email
    footer = next(n for n in parse_html(rendered.html).iter() if "pp-footer" in n.classes)
    text = footer.words()
    assert newsletter_organisation(settings) and newsletter_organisation(settings) in text
    assert " ".join(settings.plugin.newsletter.why_received.split()) in text
    assert f"In an emergency call {emergency.EMERGENCY_NUMBER}." in text
    assert f"{emergency.HOTLINE_NAME} on {emergency.HOTLINE_NUMBER}" in text
    hrefs = {a.attrs["href"] for a in footer.iter("a")}
    assert settings.links.page_url("privacy.md") in hrefs
    assert UNSUBSCRIBE_PLACEHOLDER in hrefs
    assert emergency.tel(emergency.HOTLINE_NUMBER) in hrefs


def test_one_column_below_480px(email):
    root = parse_html(email[1].html)
    css = " ".join(s.text() for s in root.iter("style"))
    assert re.findall(r"@media only screen and \(min-width:(\d+)px\) \{ \.mj-column", css) == ["480"]
    columns = [d for d in root.iter("div") if any(c.startswith("mj-column-") for c in d.classes)]
    assert columns and all(c.style["width"] == "100%" for c in columns)


def test_featured_cards_show_title_summary_and_a_button_naming_the_page(fixture_email):
    root = parse_html(fixture_email[1].html)
    text = root.words()
    assert "How to stop people entering or leaving your premises quickly" in text
    buttons = [a for a in root.iter("a") if "display:inline-block" in a.attrs.get("style", "")]
    # One wording for every card, in full or summed up: two cards side by side ask the same thing (trial).
    assert [b.words() for b in buttons] == ["Read the guidance: Dynamic lockdown",
                                            "Read the action card: Run, hide, tell",
                                            "Read the conference write-up: Retail security expo 2024"]
    assert buttons[0].attrs["href"] == "https://news.example.org/guidance/lockdown/"


def test_name_placeholder_in_greeting_and_personalise_escapes(fixture_email):
    rendered = fixture_email[1]
    assert f"Dear {NAME_PLACEHOLDER}," in rendered.html and f"Dear {NAME_PLACEHOLDER}," in rendered.text
    html, text = personalise(rendered, name="Ann <b>O'Neil</b>", unsubscribe_url="https://u.example/x?a=1&b=2")
    assert "Dear Ann &lt;b&gt;O&#39;Neil&lt;/b&gt;," in html and "Dear Ann <b>O'Neil</b>," in text
    assert 'href="https://u.example/x?a=1&amp;b=2"' in html and "https://u.example/x?a=1&b=2" in text
    assert NAME_PLACEHOLDER not in html + text and UNSUBSCRIBE_PLACEHOLDER not in html + text
    html, text = personalise(rendered, name=None, unsubscribe_url="mailto:u@example.org")
    assert "Dear Partner," in html and "Dear Partner," in text
    assert personalise(rendered, name="   ", unsubscribe_url="x")[1].count("Dear Partner,") == 1


# ----------------------------------------------------------------------------------------------------------
# The plain-text part.


def test_text_lines_are_at_most_78_characters_except_a_lone_url(email):
    for line in email[1].text.splitlines():
        assert len(line) <= 78 or LONE_URL.match(line), line


def test_text_structure(fixture_email):
    text = fixture_email[1].text
    # Too long for one line with its label, so the URL stands alone.
    assert text.startswith("View in your browser:\nhttps://news.example.org/newsletters/2024-01-winter-update/\n")
    subject = "Winter update: lockdown plans and the retail expo"
    assert f"\n{subject}\n{'=' * len(subject)}\n" in text
    assert "\nThree dates for your diary\n--------------------------\n" in text
    assert "\nWhere to go\n~~~~~~~~~~~\n" in text  # a demoted ### from the embedded card
    assert "\n- 20 January: lockdown workshop\n- 3 February: staff briefing pack published\n" in text
    # The contacts table, aligned with a header rule.
    assert ("Region  Contact    Phone\n------  ---------  -------------\nNorth   Sam Patel  0161 000 0000\n"
            "South   Jo Evans   020 0000 0000\n") in text
    # Links as numbered references listed right after their paragraph.
    assert re.search(r"Our privacy notice \[(\d+)\] has not changed", text)
    number = re.search(r"Our privacy notice \[(\d+)\]", text).group(1)
    assert f"\n[{number}] https://news.example.org/privacy/\n" in text
    # The call to action's words end in the page's name: the address follows on its own line, no second colon.
    assert "\nRead the guidance: Dynamic lockdown\nhttps://news.example.org/guidance/lockdown/\n" in text
    assert not re.search(r"^Read the .*:\s*$", text, re.M), "a call to action ends in a colon"


def test_text_footer(email):
    settings, rendered, _ = email
    text = rendered.text
    assert emergency.EMERGENCY_TEXT.split(".")[0] in " ".join(text.split())
    assert f"Privacy notice: {settings.links.page_url('privacy.md')}" in text
    assert text.rstrip().endswith(f"unsubscribe with this link:\n{UNSUBSCRIBE_PLACEHOLDER}")


def test_the_email_names_the_organisation_the_site_names(seed):
    # A trial saw "Protect and Prepare partnership (example)" on the site and "... partner guidance" in the email.
    settings, rendered, _ = seed
    site = load_brand(settings, set(), Problems()).organisation
    assert site == "Protect and Prepare partnership (example)"
    assert f"This email was sent by {site}." in " ".join(rendered.text.split())


def test_without_a_sender_name_the_from_header_names_the_brands_organisation(seed):
    settings = copy.deepcopy(seed[0])
    settings.plugin.sending.from_name = settings.plugin.newsletter.organisation = ""
    settings.plugin.brand.organisation = "Partners =?utf-8?q?x?="  # written like an encoded word: refused
    problem = sender_name_problem(settings)
    assert problem is not None and problem.key == "plugins.protectpress.brand.organisation"


def test_seed_newsletter_carries_the_seed_content(seed):
    _, rendered, _ = seed
    words = " ".join(rendered.text.split())
    for phrase in ("Dear [[pp:name]],", "Register on ProtectUK", "Security and Policing 2023",
                   "Unattended and suspicious items", "Firearms and weapons attacks", "Welcome & Opening Address"):
        assert phrase in words, phrase
    assert rendered.sectors == ("all",) and not rendered.draft


# ----------------------------------------------------------------------------------------------------------
# Golden file: the whole email, normalised, so an mjml-python upgrade that changes the output is noticed.


def normalise(html: str) -> str:
    """One tag per line, so a diff points at the change."""
    return re.sub(r">\s*<", ">\n<", html.strip()) + "\n"


def test_golden_email(fixture_email):
    actual = normalise(fixture_email[1].html)
    if os.environ.get("PROTECTPRESS_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    assert GOLDEN.is_file(), "no golden file yet: run with PROTECTPRESS_UPDATE_GOLDEN=1 to write it"
    assert actual == GOLDEN.read_text(encoding="utf-8"), (
        "the rendered email changed; if intended, rerun with PROTECTPRESS_UPDATE_GOLDEN=1 and review the diff")
