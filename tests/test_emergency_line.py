"""The emergency line is worded and marked up once (core/foundation/emergency.py): the site's footer, an action card and
the newsletter email show the very same line, with both numbers dialable."""

from __future__ import annotations

import re

from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.problems import Problems
from protectpress.core.newsletter import render_newsletter
from support import FIXTURES, copy_project

# Written out, not imported: a change to the wording must be a change to this test too.
LINE = ('<strong>In an emergency call <a href="tel:999">999</a>.</strong> Report suspicious activity to the '
        'Anti-Terrorist Hotline on <a href="tel:+44800789321">0800 789 321</a>.')


# The one component (overrides/partials/pp-emergency.html): a "!" beside the line, with the place as a modifier.
COMPONENT = re.compile(
    r'<div class="pp-emergency pp-emergency--(\w+)" data-pagefind-ignore>\s*'
    r'<span class="pp-emergency__icon" aria-hidden="true">!</span>\s*'
    r'<p class="pp-emergency__text"><span class="pp-visually-hidden">Emergency: </span>(.*?)</p>\s*</div>', re.S)


def places(html: str) -> dict[str, str]:
    return {place: line.strip() for place, line in COMPONENT.findall(html)}


def test_the_site_draws_one_component_with_the_same_line_everywhere(example_site):
    """Footer, action card, home, 404 and offline pages: the same markup and words, never a copy of its own."""
    card = (example_site / "action-cards" / "firearms-and-weapons-attacks" / "index.html").read_text(encoding="utf-8")
    assert places(card) == {"card": LINE, "footer": LINE}
    assert places((example_site / "index.html").read_text(encoding="utf-8")) == {"home": LINE, "footer": LINE}
    # A short page that shows it in its body does not repeat it in the footer, a screen below.
    assert places((example_site / "404.html").read_text(encoding="utf-8")) == {"notfound": LINE}
    assert places((example_site / "offline.html").read_text(encoding="utf-8")) == {"offline": LINE}
    guidance = (example_site / "guidance" / "martyns-law" / "index.html").read_text(encoding="utf-8")
    assert places(guidance) == {"footer": LINE}
    # No page draws the line any other way (the red bar and plain-text copies it replaced).
    for page in example_site.rglob("*.html"):
        if page.parent.name != "newsletters" and page.name not in ("email.html",):
            html = page.read_text(encoding="utf-8")
            assert html.count('href="tel:999"') == len(places(html)), page


def test_the_email_shows_the_same_line_and_its_text_part_the_words(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    problems = Problems()
    rendered = render_newsletter(load_settings(project / "mkdocs.yml"), "2024-01-winter-update", problems)
    assert rendered is not None, problems.report()
    assert f"<p>{LINE}</p>" in rendered.html
    # Drawn as the site draws it: the "!" in a red circle beside the bold line.
    assert re.search(r'<table role="presentation"[^>]*class="pp-emergency".*?>!</div></td>', rendered.html, re.S)
    assert ("In an emergency call 999. Report suspicious activity to the Anti-Terrorist Hotline on 0800 789 321."
            in " ".join(rendered.text.split()))
