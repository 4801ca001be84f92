"""The emergency line is worded and marked up once (core/emergency.py): the site's footer, an action card and
the newsletter email show the very same line, with both numbers dialable."""

from __future__ import annotations

import re

from protectpress.core.config import load_settings
from protectpress.core.newsletter import render_newsletter
from protectpress.core.problems import Problems
from support import FIXTURES, copy_project

# Written out, not imported: a change to the wording must be a change to this test too.
LINE = ('<strong>In an emergency call <a href="tel:999">999</a>.</strong> Report suspicious activity to the '
        'Anti-Terrorist Hotline on <a href="tel:+44800789321">0800 789 321</a>.')


def test_the_site_shows_the_line_in_the_footer_and_on_action_cards(example_site):
    card = (example_site / "action-cards" / "firearms-and-weapons-attacks" / "index.html").read_text(encoding="utf-8")
    footer = re.search(r'<aside class="pp-emergency pp-emergency--footer".*?<p>(.*?)</p>', card, re.S)
    assert footer is not None and footer.group(1).strip() == LINE
    on_card = re.search(r'<p class="pp-emergency pp-emergency--card"[^>]*>(.*?)</p>', card, re.S)
    assert on_card is not None and on_card.group(1).strip() == LINE


def test_the_email_shows_the_same_line_and_its_text_part_the_words(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    problems = Problems()
    rendered = render_newsletter(load_settings(project / "mkdocs.yml"), "2024-01-winter-update", problems)
    assert rendered is not None, problems.report()
    assert f"<p>{LINE}</p>" in rendered.html
    assert ("In an emergency call 999. Report suspicious activity to the Anti-Terrorist Hotline on 0800 789 321."
            in " ".join(rendered.text.split()))
