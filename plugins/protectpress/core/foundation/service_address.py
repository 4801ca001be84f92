"""Where the unsubscribe service runs (`sending: unsubscribe_url:`), and the links made from that address.

One address serves both links: the email's body links to it (a GET shows a page with a button, so a mail
scanner that follows links unsubscribes nobody) and `List-Unsubscribe` names it for RFC 8058's one-click
POST. `<base>export` is where `protectpress suppress --sync` collects the events.

The subscriptions service (`protectpress subscriptions serve`) answers beside it: `<base>signup` (the
Subscribe page's form posts there), `<base>confirm?t=` (the confirmation email's link), `<base>manage?t=`
("Manage your email" in every newsletter) and `<base>subscribers` (what `protectpress subscribers pull` reads).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .hosts import is_loopback

TOKEN_PARAMETER = "t"
EXPORT_PATH = "export"
SIGNUP_PATH, CONFIRM_PATH, MANAGE_PATH, SUBSCRIBERS_PATH = "signup", "confirm", "manage", "subscribers"


def service_address_problem(url: str) -> tuple[str, str] | None:
    """(expected, found) when `url` cannot be the service's base address; None when it can."""
    if "{" in url or "}" in url:
        return ("expected the address where the unsubscribe service (protectpress unsubscribe serve) runs, like "
                "https://example.org/unsubscribe/, with no placeholders: each link now carries a signed token, so "
                "{email_hash}, {email} and {slug} must go", repr(url))
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or not host or parts.username or parts.password:
        return ("expected a web address like https://example.org/unsubscribe/", repr(url))
    if not is_https_or_loopback(url):
        return ("expected an https:// address (one-click unsubscribe needs https; plain http:// only for "
                "127.0.0.1 or localhost)", repr(url))
    if parts.query or parts.fragment:
        return ("expected the service's base address with no ?query or #fragment (protectpress adds the token)",
                repr(url))
    return None


def is_https_or_loopback(url: str) -> bool:
    """Whether what travels to `url` (a reader's token, the export token) is safe from the network: https, or plain
    http to this machine only (the service behind a local proxy, or under test)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host))


def unsubscribe_link(base: str, token: str) -> str:
    """The link for one reader: the page (GET) and the one-click address (POST) in one."""
    return f"{base}?{TOKEN_PARAMETER}={token}"  # a token is base64url and dots: nothing to escape


def export_address(base: str) -> str:
    """Where the service hands out its events, beside the unsubscribe page."""
    return service_address(base, EXPORT_PATH)


def service_address(base: str, path: str, token: str = "") -> str:
    """One of the service's other addresses beside the unsubscribe page (with a reader's token, when given)."""
    address = base.rstrip("/") + "/" + path
    return f"{address}?{TOKEN_PARAMETER}={token}" if token else address
