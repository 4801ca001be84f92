"""Printed action cards are posters: each prints on exactly one A4 page with none of the site's header, footer
or navigation; the shortest and the longest example card carry the organisation, a QR code that reads back as
the card's live address, the "Printed from" footer with the date, and body text no smaller than 10pt."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import zxingcpp
from browser_checks import SITE_CHROME, open_path
from page_kinds import action_card_sources
from PIL import Image
from pypdf import PdfReader

from protectpress.core.content.print_size import SMALLEST_POINTS, print_lines
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.dates import human
from protectpress.core.foundation.frontmatter import split_front_matter

REPO = Path(__file__).resolve().parents[2]
A4_POINTS = (595, 842)  # 210 x 297 mm
# The printable area inside the 12 mm margins of the print stylesheet's @page, in CSS pixels (96 per inch), so
# the screenshot a person looks at is laid out like the paper.
A4_PRINTABLE = {"width": round((210 - 24) / 25.4 * 96), "height": round((297 - 24) / 25.4 * 96)}
CARDS = action_card_sources(REPO)


def _lines(card: Path) -> float:
    return print_lines(split_front_matter(card.read_text(encoding="utf-8")).body)


# The two ends of the range the size classes must cover (by the measure the build uses to size them).
SHORTEST_AND_LONGEST = sorted({min(CARDS, key=_lines), max(CARDS, key=_lines)}) if CARDS else []


def print_card(reading_page, site_url: str, card: Path):
    """The card laid out for paper. Every case here prints, so the module's one page stays in print media."""
    page = open_path(reading_page(viewport=A4_PRINTABLE), site_url, f"action-cards/{card.stem}/")
    page.emulate_media(media="print")
    return page


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.stem)
def test_an_action_card_prints_on_one_a4_page_without_site_chrome(card, reading_page, site_url, artifacts):
    page = print_card(reading_page, site_url, card)
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


@pytest.mark.parametrize("card", SHORTEST_AND_LONGEST, ids=lambda card: card.stem)
def test_a_printed_card_leads_back_to_its_live_address_and_says_when_it_was_updated(card, reading_page, site_url):
    settings = load_settings(REPO / "mkdocs.yml")
    address = settings.links.page_url(f"action-cards/{card.name}")
    data = split_front_matter(card.read_text(encoding="utf-8")).data
    updated = human(dt.datetime.combine(data.get("updated") or data["date"], dt.time()))
    label = "Last updated" if data.get("updated") else "Published"
    page = print_card(reading_page, site_url, card)

    text = " ".join(PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True))).pages[0]
                    .extract_text().split())
    assert settings.plugin.brand.organisation in text, "the organisation's name must head the printed card"
    # A long address wraps in the footer, and PDF text extraction may split it there.
    assert f"Printed from {address}" in text or f"Printedfrom{address}" in text.replace(" ", ""), text[-300:]
    assert f"{label} {updated}. Check for the latest version." in text, text[-300:]
    assert "In an emergency call 999" in text

    # Where the address wraps, it wraps after a slash (or a hyphen), never mid-word (break-all cut words in two on
    # paper): laid out in a narrower footer, each printed line of it but the last ends at one.
    lines = page.locator(".pp-print-footer__address").evaluate("""address => {
        address.closest(".pp-print-footer__text").style.width = "75mm";
        const range = document.createRange(), lines = [];
        let top = null;
        const walker = document.createTreeWalker(address, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.length; i++) {
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const box = range.getClientRects()[0];
                if (!box) continue;
                if (top === null || box.top > top + 1) { lines.push(""); top = box.top; }
                lines[lines.length - 1] += node.data[i];
            }
        }
        address.closest(".pp-print-footer__text").style.width = "";
        return lines;
    }""")
    assert "".join(lines) == address and len(lines) > 1, lines
    assert all(line.endswith(("/", "-")) for line in lines[:-1]), lines

    # The QR code as a phone camera sees the paper: decoded from the printed layout, not from our own SVG.
    qr = page.locator(".pp-qr")
    assert qr.is_visible()
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    codes = zxingcpp.read_barcodes(shot)
    assert [code.text for code in codes] == [address]

    # The smallest text in the card's body (not counting the example-content note) is legible on paper.
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        '.pp-page > p, .pp-page > ol li, .pp-page > ul li, .pp-print-footer p')]
        .map(element => parseFloat(getComputedStyle(element).fontSize)))""")
    assert smallest * 72 / 96 >= SMALLEST_POINTS - 0.01, f"body text prints at {smallest * 72 / 96:.1f}pt"
