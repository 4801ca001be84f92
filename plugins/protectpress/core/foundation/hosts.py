"""Whether a host is this machine: the one rule behind every "plain, unencrypted only to this machine" check
(the SMTP relay, the bounce mailbox over IMAP, the unsubscribe service's addresses)."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for this machine only: `localhost`, 127.0.0.0/8 and ::1 (with or without URL brackets)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
