"""Printed action cards in the core: the type size follows the card's length, never below the legible floor,
and the QR code is an SVG that can be inlined; the brand's logo passes the content policy."""

from __future__ import annotations

import random

import segno
from segno import consts

from protectpress.core.content.print_size import PRINT_SIZES, SMALLEST_POINTS, print_size
from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.problems import Problems
from protectpress.core.judge.content_policy import check_document
from protectpress.core.site.brand import LOGO_EXPECTED, load_brand
from protectpress.core.site.printcard import QR_ERROR, qr_svg
from protectpress.core.site.qrmask import final_message, penalty
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


def test_the_qr_code_is_exactly_the_one_segno_draws_with_its_own_choice_of_mask():
    # The mask is chosen by our own scoring (core/site/qrmask.py): the same code segno makes, module for module,
    # for addresses of every length a card could have (QR versions 1 to 13), upper case (alphanumeric) too.
    rng = random.Random(29)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789-/"
    addresses = ["https://protectpress.example.org/action-cards/firearms-and-weapons-attacks/",
                 "HTTPS://EXAMPLE.ORG/" + "CARD-" * 20, "1234567890" * 12]
    addresses += ["https://example.org/" + "".join(rng.choice(letters) for _ in range(length))
                  for length in (1, 8, 20, 30, 45, 60, 80, 100, 130, 160, 200, 250) for _ in range(6)]
    masks = set()
    for address in addresses:
        expected = segno.make_qr(address, error=QR_ERROR)
        masks.add(expected.mask)
        assert qr_svg(address) == expected.svg_inline(scale=1, border=4, dark="#000", light="#fff", omitsize=True,
                                                      svgclass="pp-qr__code", lineclass=None), address
    assert masks == set(range(8))  # every mask was the right choice somewhere, so each was scored truly


def test_the_message_and_its_error_correction_are_segnos_for_every_version_and_level():
    # qrmask.final_message divides by the generator polynomial a codeword at a time: the same bits as segno's
    # make_final_message for every block layout the standard has (versions 1 to 40, levels L, M, Q, H), any data.
    rng = random.Random(40)
    for version in range(1, 41):
        for level in (consts.ERROR_LEVEL_L, consts.ERROR_LEVEL_M, consts.ERROR_LEVEL_Q, consts.ERROR_LEVEL_H):
            capacity = sum(block.num_blocks * block.num_data for block in consts.ECC[version][level])
            for data in (bytes(capacity), bytes([255]) * capacity, rng.randbytes(capacity)):
                buffer = segno.encoder.Buffer()
                for codeword in data:
                    buffer.append_bits(codeword, 8)
                expected = bytes(segno.encoder.make_final_message(version, level, buffer).getbits())
                assert final_message(version, level, data) == expected, (version, level)


def test_a_matrix_is_scored_as_segno_scores_it():
    # Every penalty rule counts (runs, blocks, finder-like patterns, the dark share): sizes of every version a
    # card uses, mostly light to mostly dark, with the unset value (2) and its masked form (3) that segno scores
    # as values of their own.
    rng = random.Random(7)
    for size in (21, 25, 37, 45, 69):
        for dark_share in (0.1, 0.35, 0.5, 0.65, 0.9):
            for _ in range(4):
                matrix = tuple(bytearray(rng.choices((0, 1, 2, 3), weights=(1 - dark_share, dark_share, 0.01, 0.01),
                                                     k=size)) for _ in range(size))
                assert penalty(matrix) == segno.encoder.evaluate_mask(matrix, size, size), (size, dark_share)
    # Finder-like patterns that overlap (4 or 6 modules apart), in chains along rows and columns, with and without
    # light areas around them: which of them segno's search passes over depends on the ones before.
    chain = (1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 1)
    for size in (21, 37):
        for _ in range(20):
            rows = [bytearray((chain * 4)[offset:offset + size]) if rng.random() < 0.6
                    else bytearray(rng.choices((0, 1), k=size)) for offset in rng.choices(range(21), k=size)]
            for row in rows:
                for j in rng.sample(range(size), 3):
                    row[j] = 0
            for matrix in (tuple(rows), tuple(bytearray(column) for column in zip(*rows, strict=True))):
                assert penalty(matrix) == segno.encoder.evaluate_mask(matrix, size, size), size


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
