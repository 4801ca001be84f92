"""The emergency line, in one place: the site footer, every action card, every feed entry of an action card and
every email show these words, and `template_context` is the one set of values their templates read."""

from __future__ import annotations

from html import escape

EMERGENCY_NUMBER = "999"
HOTLINE_NAME = "Anti-Terrorist Hotline"
HOTLINE_NUMBER = "0800 789 321"

CALL = "In an emergency call"
REPORT = "Report suspicious activity to the"

EMERGENCY_TEXT = f"{CALL} {EMERGENCY_NUMBER}. {REPORT} {HOTLINE_NAME} on {HOTLINE_NUMBER}."


def tel(number: str) -> str:
    """`0800 789 321` -> `tel:+44800789321`, so a phone can dial it from a link."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) > 4 and digits.startswith("0"):
        return "tel:+44" + digits[1:]
    return "tel:" + digits


def line_html() -> str:
    """The line as HTML with both numbers dialable, the call to 999 in bold: what the site and emails show."""
    number, hotline = escape(EMERGENCY_NUMBER), escape(HOTLINE_NUMBER)
    return (f'<strong>{escape(CALL)} <a href="{escape(tel(EMERGENCY_NUMBER))}">{number}</a>.</strong> '
            f'{escape(REPORT)} {escape(HOTLINE_NAME)} on <a href="{escape(tel(HOTLINE_NUMBER))}">{hotline}</a>.')


def template_context() -> dict[str, str]:
    """What a template needs to show the line: `html` ready to print, `text` for plain text, and the parts for
    a template that lays it out its own way. The site (`pp_emergency`) and the email (`footer.emergency`) both
    take exactly this."""
    return {"html": line_html(), "text": EMERGENCY_TEXT, "number": EMERGENCY_NUMBER,
            "number_tel": tel(EMERGENCY_NUMBER), "hotline_name": HOTLINE_NAME, "hotline": HOTLINE_NUMBER,
            "hotline_tel": tel(HOTLINE_NUMBER)}
