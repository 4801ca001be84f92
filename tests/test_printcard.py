"""Printed action cards in the core: the type size follows the card's length, never below the legible floor,
and the QR code is an SVG that can be inlined; the brand's logo passes the content policy."""

from __future__ import annotations

from protectpress.core.content.print_size import PRINT_SIZES, SMALLEST_POINTS, print_size
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.problems import Problems
from protectpress.core.judge.content_policy import check_document
from protectpress.core.site.brand import LOGO_EXPECTED, load_brand
from protectpress.core.site.printcard import qr_svg
from support import REPO

STEP = "1. Move everyone away from the item and out of sight of it, behind hard cover such as a solid wall.\n"


def card(steps: int) -> str:
    return "## What to do\n\n" + STEP * steps


def test_a_short_card_prints_large_and_a_long_one_smaller_never_below_10pt():
    sizes = [print_size(card(steps)) for steps in (1, 4, 6, 8, 10, 12, 16, 20, 60)]
    points = [size.points for size in sizes]
    assert points[0] == PRINT_SIZES[0][1] == 18.0
    assert points == sorted(points, reverse=True) and len(set(points)) >= 6, points
    assert min(points) == SMALLEST_POINTS == 10.0
    assert sizes[0].fits and not sizes[-1].fits  # 60 steps cannot fit one page at any legible size
    assert all(size.css_class == f"pp-print--{name}" for size in sizes for name, pt in PRINT_SIZES
               if pt == size.points)


def test_the_qr_code_is_an_svg_to_inline_once_per_card():
    # It is decoded back to the card's address from the printed page in tests/browser/test_print.py.
    svg = qr_svg("https://protectpress.example.org/action-cards/firearms-and-weapons-attacks/")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and " id=" not in svg and "<?xml" not in svg


def test_a_logo_that_is_missing_or_runs_script_is_named_with_the_setting(tmp_path):
    settings = load_settings(REPO / "mkdocs.yml")
    good = load_brand(settings, {"about.md", "privacy.md", "accessibility.md"}, Problems())
    assert good.logo_svg and good.logo_svg.startswith("<svg") and good.organisation
    assert [link.label for link in good.footer_links] == ["Contact", "Accessibility statement", "Privacy"]

    problems = Problems()
    settings.plugin.brand.logo = "assets/images/nowhere.svg"
    assert load_brand(settings, set(), problems).logo_svg is None
    assert [(p.key, p.expected) for p in problems.errors] == [("plugins.protectpress.brand.logo", LOGO_EXPECTED)]

    (tmp_path / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    settings.docs_dir = tmp_path
    settings.plugin.brand.logo = "evil.svg"
    problems = Problems()
    assert load_brand(settings, set(), problems).logo_svg is None
    assert problems.errors and "script" in problems.errors[0].expected

    # The build's check of docs/ files names the same logo first; it must still not be inlined.
    problems = Problems()
    check_document(settings.relative(tmp_path / "evil.svg"), (tmp_path / "evil.svg").read_text(), problems)
    assert load_brand(settings, set(), problems).logo_svg is None
