"""Each action card prints on exactly one A4 page, with none of the site's header, footer or navigation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from browser_checks import SITE_CHROME, open_path
from page_kinds import action_card_sources
from pypdf import PdfReader

REPO = Path(__file__).resolve().parents[2]
A4_POINTS = (595, 842)  # 210 x 297 mm
# The printable area inside the 12 mm margins of the print stylesheet's @page, in CSS pixels (96 per inch), so
# the screenshot a person looks at is laid out like the paper.
A4_PRINTABLE = {"width": round((210 - 24) / 25.4 * 96), "height": round((297 - 24) / 25.4 * 96)}


@pytest.mark.parametrize("card", action_card_sources(REPO), ids=lambda card: card.stem)
def test_an_action_card_prints_on_one_a4_page_without_site_chrome(card, new_page, site_url, artifacts):
    page = open_path(new_page(viewport=A4_PRINTABLE), site_url, f"action-cards/{card.stem}/")
    page.emulate_media(media="print")

    shown_chrome = page.evaluate("""selectors => selectors.flatMap(selector =>
        [...document.querySelectorAll(selector)]
          .filter(element => getComputedStyle(element).display !== "none")
          .map(element => selector))""", list(SITE_CHROME))
    assert not shown_chrome, f"printed card shows site chrome: {sorted(set(shown_chrome))}"
    assert page.locator(".pp-emergency--card").is_visible(), "the card's own emergency line must print"

    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / f"print-{card.stem}.pdf").write_bytes(pdf)
    page.screenshot(path=str(artifacts / f"print-{card.stem}.png"), full_page=True)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1, f"{card.relative_to(REPO)} prints on {len(pages)} pages, not one"
    size = tuple(float(value) for value in pages[0].mediabox.upper_right)
    assert all(abs(found - a4) < 2 for found, a4 in zip(size, A4_POINTS, strict=True)), (
        f"expected A4 {A4_POINTS}, found {size}"
    )
