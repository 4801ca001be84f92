"""The consent statement a sign-up agrees to, by version.

A subscriber's consent record keeps the version they were shown; the words of every version ever shown stay
here, so `protectpress subscribers show` can print exactly what someone agreed to. Change the words only by
adding a new version (and making it CURRENT): never edit one that has been shown.
"""

from __future__ import annotations

CURRENT = "2026-12-06"
# {organisation} is the newsletter's organisation; the privacy notice is linked after the statement.
WORDINGS: dict[str, str] = {
    "2026-12-06": ("When you sign up, {organisation} will email you its partner newsletter about the sectors you "
                   "choose, and keep a record of when and where you agreed. You can unsubscribe at any time with "
                   "the link in every email."),
}


def consent_statement(version: str, organisation: str) -> str:
    """The words of `version`, for `organisation` (plain text: the caller escapes it)."""
    return WORDINGS[version].format(organisation=organisation)


def known_version(version: str) -> str:
    """`version` when it is one we have shown; otherwise the current one (a form from an older page)."""
    return version if version in WORDINGS else CURRENT
