"""Material's search finds an action card by a word from its body, and the result opens the card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser_checks import open_path
from page_kinds import action_card_sources
from protectpress.core.frontmatter import split_front_matter

REPO = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[a-z]{7,}")


def words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def word_only_in_card_body(card: Path) -> str:
    """A word in the card's body that appears on no other page: not in any other source, nor in the card's
    title or summary (listings and feeds repeat those). Nearby forms count as appearances too, since the
    search engine stems words ("conceal" would match "concealed")."""
    card_source = split_front_matter(card.read_text(encoding="utf-8"))
    elsewhere = " ".join(path.read_text(encoding="utf-8").lower() for path in
                         [*(REPO / "docs").rglob("*.md"), *(REPO / "newsletters").glob("*.md")] if path != card)
    elsewhere += " " + " ".join(str(value).lower() for value in card_source.data.values())
    for word in sorted(words(card_source.body), key=lambda w: (-len(w), w)):
        if word[:-2] not in elsewhere:
            return word
    pytest.fail(f"{card.relative_to(REPO)}: every word of its body appears on another page too")


@pytest.mark.parametrize("card", action_card_sources(REPO), ids=lambda card: card.stem)
def test_a_word_only_in_an_action_card_finds_it_and_the_result_opens_it(card, new_page, site_url, artifacts):
    word = word_only_in_card_body(card)
    title = split_front_matter(card.read_text(encoding="utf-8")).data["title"]
    card_path = f"action-cards/{card.stem}/"

    page = open_path(new_page(), site_url, "")
    page.locator(".md-search__input").click()
    page.keyboard.type(word)
    first_result = page.locator(".md-search-result__item > .md-search-result__link").first
    first_result.wait_for()
    page.screenshot(path=str(artifacts / f"search-{card.stem}.png"))
    assert first_result.get_attribute("href").split("?")[0] == site_url + card_path, \
        f"searching for {word!r} should list {card_path} first"
    assert title in first_result.inner_text()

    first_result.click()
    page.wait_for_url(f"{site_url}{card_path}**")
    assert page.locator("h1").first.inner_text().strip() == title
