"""Brand colours and their contrast, computed as WCAG 2.2 defines it (relative luminance, ratio 4.5:1)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..foundation.config import NewsletterSettings
from ..foundation.problems import Problems, describe

MINIMUM_CONTRAST = 4.5  # WCAG 2.2 AA for body-size text
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

# Each pair is (text colour setting, background colour setting): what is written on what in the template.
COLOUR_PAIRS = (
    ("text_colour", "background_colour"),
    ("link_colour", "background_colour"),
    ("text_colour", "page_colour"),
    ("link_colour", "page_colour"),
    ("brand_text_colour", "brand_colour"),
    ("button_text_colour", "button_colour"),
    ("dark_text_colour", "dark_background_colour"),
    ("dark_link_colour", "dark_background_colour"),
)
COLOUR_KEYS = tuple(dict.fromkeys(key for pair in COLOUR_PAIRS for key in pair))


def rgb(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        s = value / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class ColourProblem:
    key: str
    expected: str
    found: str


def colour_problems(settings: NewsletterSettings) -> list[ColourProblem]:
    """Every colour that is not a hex colour, and every pair below 4.5:1, in the newsletter settings."""
    found = []
    valid = {}
    for key in COLOUR_KEYS:
        value = getattr(settings, key)
        if isinstance(value, str) and _HEX.match(value.strip()):
            valid[key] = value.strip()
        else:
            found.append(ColourProblem(key, "expected a colour like #1d3557", describe(value)))
    for text, background in COLOUR_PAIRS:
        if text in valid and background in valid:
            ratio = contrast_ratio(valid[text], valid[background])
            if ratio < MINIMUM_CONTRAST:
                found.append(ColourProblem(
                    text, f"expected a contrast of at least {MINIMUM_CONTRAST}:1 against {background} "
                    "(email rule contrast)", f"{_floor(ratio)}:1 ({valid[text]} on {valid[background]})"))
    return found


def report_colours(settings: NewsletterSettings, problems: Problems, config_name: str) -> bool:
    """Add the colour problems to the run's list; True when the colours are usable."""
    found = colour_problems(settings)
    for problem in found:
        problems.error(config_name, problem.expected, problem.found,
                       key=f"plugins.protectpress.newsletter.{problem.key}")
    return not found


def _floor(ratio: float) -> str:
    # Round down, so that 4.49 never reads as "4.5:1" in a message saying it is below 4.5.
    return f"{int(ratio * 100) / 100:.2f}"
