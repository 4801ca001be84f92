"""Each newsletter email fits phones and desktops: no sideways scrolling and no image wider than the window,
at 320, 480, 600 and 800 px (the widths where mail apps and the email's own one-column switch differ)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_checks import open_path, screenshot, sideways_overflow
from page_kinds import published_newsletters

REPO = Path(__file__).resolve().parents[2]
EMAIL_WIDTHS = (320, 480, 600, 800)
NEWSLETTER_SLUGS = [source.stem for source in published_newsletters(REPO)]


@pytest.mark.parametrize("width", EMAIL_WIDTHS)
@pytest.mark.parametrize("slug", NEWSLETTER_SLUGS)
def test_email_fits_the_window(slug, width, example_site, reading_page, site_url, artifacts):
    path = f"newsletters/{slug}/email.html"
    assert (example_site / path).is_file(), f"newsletters/{slug}.md is published but the build wrote no {path}"
    page = open_path(reading_page(viewport={"width": width, "height": 900}), site_url, path)
    page.wait_for_function("[...document.images].every(image => image.complete)")
    screenshot(page, artifacts, f"email-{slug}-{width}")

    overflow = sideways_overflow(page)
    assert overflow <= 0, f"{path} scrolls {overflow}px sideways at {width}px wide"
    too_wide = page.evaluate("""width => [...document.images]
        .filter(image => image.getBoundingClientRect().width > width)
        .map(image => `${image.getAttribute("src")} (${Math.round(image.getBoundingClientRect().width)}px)`)""",
                             width)
    assert not too_wide, f"{path} at {width}px: images wider than the window: {too_wide}"
