"""VERP: a return path of its own for each message, so a bounce names whom it is about even when it returns
nothing of the message (some servers send only "your message could not be delivered").

It is on when `sending: return_path` ends its local part with `+`, as in `bounces+@protectpress.example.org`:
each message then goes out with the envelope sender `bounces+<tag>@protectpress.example.org`, which a mail
server with subaddressing (Postfix, Exchange Online, Gmail and most others) delivers to `bounces@...`. The tag
is the start of the digest in the message's own Message-ID (`stable_message_id`, salted with the journal's
secret), so it names one newsletter and one recipient without showing the address, and nobody without the
journal can work out a partner's tag to forge a bounce for them.
"""

from __future__ import annotations

import re

TAG_LENGTH = 20  # hex digits: 80 bits, and `bounces+` + tag stays well inside the 64-character local part


def is_verp(return_path: str) -> bool:
    return return_path.partition("@")[0].endswith("+")


def base_address(return_path: str) -> str:
    """`bounces+@example.org` -> `bounces@example.org`: the mailbox the tagged addresses arrive in."""
    local, _, domain = return_path.partition("@")
    return f"{local.removesuffix('+')}@{domain}" if is_verp(return_path) else return_path


def verp_tag(digest: str) -> str:
    """The tag for one person's copy of one newsletter: the start of its `message_digest`, salted with the
    journal's `message_id_salt()`, the same digest as in the message's Message-ID."""
    return digest[:TAG_LENGTH]


def verp_sender(base: str, digest: str) -> str:
    """`bounces+<tag>@example.org` for the copy `digest` names; `base` is `bounces@example.org`."""
    local, _, domain = base.partition("@")
    return f"{local}+{verp_tag(digest)}@{domain}"


def tag_in(address: str, base: str) -> str | None:
    """The tag in `address` if it is one of our VERP addresses made from `base`, else None."""
    local, _, domain = base.lower().partition("@")
    found = re.fullmatch(re.escape(local) + rf"\+([0-9a-f]{{{TAG_LENGTH}}})@" + re.escape(domain),
                         address.strip().strip("<>").lower())
    return found.group(1) if found else None
