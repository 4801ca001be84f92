"""What an email address must look like before anything is sent to it, and when two addresses are one person.

Settings (the sender, reply-to), recipient lists, the sign-up form and the subscriptions service all judge
addresses here, so an address one of them takes is one every other takes.
"""

from __future__ import annotations

import re

from .headertext import header_text_problem

EXPECTED_ADDRESS = "expected an email address like name@example.org"

# Deliberately stricter than RFC 5321: the addresses relays and partners actually use, so a typo such as a
# missing dot, a space or a doubled @ is caught before sending.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
# RFC 6531: the same shape with letters and digits beyond ASCII (`jörg@example.org`, `用户@例子.广告`), which
# only a relay offering SMTPUTF8 can take. Non-ASCII punctuation and spaces are still typos.
_INTERNATIONAL_CHARACTER = r"[^\W_]"  # a letter or digit in any script
_INTERNATIONAL_ADDRESS = re.compile(
    rf"^(?:[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~-]|{_INTERNATIONAL_CHARACTER})+"
    rf"(?:\.(?:[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~-]|{_INTERNATIONAL_CHARACTER})+)*"
    rf"@(?:{_INTERNATIONAL_CHARACTER}(?:(?:{_INTERNATIONAL_CHARACTER}|-){{0,61}}{_INTERNATIONAL_CHARACTER})?\.)+"
    rf"{_INTERNATIONAL_CHARACTER}{{2,63}}$"
)


def valid_address(value: str, *, international: bool = False) -> str | None:
    """The address, trimmed, if it is one we can send to; otherwise None.

    `international` also accepts letters beyond ASCII (sent only through a relay that offers SMTPUTF8).
    `=?...?=` is a legal local part, but the email package decodes it as an encoded word in a header.
    """
    address = value.strip()
    if len(address) > 254 or header_text_problem(address, 254) is not None:
        return None
    if _ADDRESS.match(address) or (international and not address.isascii() and _INTERNATIONAL_ADDRESS.match(address)):
        return address
    return None


def address_key(address: str) -> str:
    """Addresses are compared without case: `Jo@Example.org` and `jo@example.org` are one person."""
    return address.strip().lower()
