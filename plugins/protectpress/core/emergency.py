"""The emergency line, in one place: the site footer, every action card and every email show these words."""

EMERGENCY_NUMBER = "999"
HOTLINE_NAME = "Anti-Terrorist Hotline"
HOTLINE_NUMBER = "0800 789 321"

EMERGENCY_TEXT = (
    f"In an emergency call {EMERGENCY_NUMBER}. "
    f"Report suspicious activity to the {HOTLINE_NAME} on {HOTLINE_NUMBER}."
)


def tel(number: str) -> str:
    """`0800 789 321` -> `tel:+44800789321`, so a phone can dial it from a link."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) > 4 and digits.startswith("0"):
        return "tel:+44" + digits[1:]
    return "tel:" + digits
