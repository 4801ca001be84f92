"""Signed unsubscribe tokens: who may be unsubscribed, from which newsletter, signed with which key, and when.

A token is `u1.<key id>.<payload>.<signature>`: the payload is the address, the newsletter's slug and the time
it was issued (JSON, base64url); the signature is HMAC-SHA256 over everything before it, with the secret the
key id names. Anyone can read a token (the address is in it, as it is in the email's To header), nobody
without the secret can make one: the old `{email_hash}` links were an unsalted hash of the address, so anyone
could unsubscribe anyone.

The same keys sign the subscriptions service's other links, each a kind of its own named by its first part
(`c1.` a sign-up's confirmation link, `m1.` "Manage your email"), so no token passes for another kind.

Rotating the secret: the key id is derived from the secret itself, so nothing but the secrets has to be
configured. Put the new secret in PROTECTPRESS_UNSUBSCRIBE_SECRET and the old one in
PROTECTPRESS_UNSUBSCRIBE_OLD_SECRETS (several may be given, separated by spaces) wherever the service runs;
new emails are signed with the new key and links in older emails keep working until they expire.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .headertext import header_text_problem

SECRET_VARIABLE = "PROTECTPRESS_UNSUBSCRIBE_SECRET"
OLD_SECRETS_VARIABLE = "PROTECTPRESS_UNSUBSCRIBE_OLD_SECRETS"
MIN_SECRET_LENGTH = 32
# Generous: people unsubscribe from emails they kept, and mail programs act on old messages too.
TOKEN_LIFETIME = dt.timedelta(days=400)
# A token issued by a machine whose clock is a little ahead is still good; one from far in the future is not.
CLOCK_SKEW = dt.timedelta(minutes=10)
MAX_TOKEN_LENGTH = 900  # it rides in a List-Unsubscribe header, under SMTP's 998-character line limit
_VERSION = "u1"
# Other signed links, each its own kind: a confirmation link works for 48 hours and once; "Manage your email"
# lasts as long as an unsubscribe link.
CONFIRM_VERSION, MANAGE_VERSION = "c1", "m1"
CONFIRM_LIFETIME = dt.timedelta(hours=48)
_KEY_ID_LABEL = b"protectpress unsubscribe key id"


class KeyringError(ValueError):
    """The secrets in the environment cannot sign links: (expected, found), for comms staff."""

    def __init__(self, expected: str, found: str) -> None:
        super().__init__(f"{expected}, found {found}")
        self.expected = expected
        self.found = found


class TokenRefused(ValueError):
    """A token that must not unsubscribe anyone; `expired` tells an old link from a forged one."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


@dataclass(frozen=True)
class UnsubscribeRequest:
    """What a valid token says."""

    address: str
    newsletter: str
    issued: int  # seconds since the epoch
    key_id: str


@dataclass(frozen=True)
class ConfirmationRequest:
    """What a valid confirmation token says: whose sign-up, and which one."""

    address: str
    signup: str
    issued: int


def key_id(secret: str) -> str:
    """A short public name for a secret; revealing it reveals nothing about the secret."""
    return hmac.new(secret.encode("utf-8"), _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:8]


class Keyring:
    """The current secret (signs new links) and older ones (still accepted, so a rotation breaks no link)."""

    def __init__(self, current: str, older: Sequence[str] = ()) -> None:
        for secret in (current, *older):
            if len(secret) < MIN_SECRET_LENGTH:
                raise KeyringError(f"expected a secret of at least {MIN_SECRET_LENGTH} characters",
                                   f"{len(secret)} characters")
        self.current_id = key_id(current)
        self._secrets = {key_id(secret): secret.encode("utf-8") for secret in (*older, current)}

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Keyring:
        current = environ.get(SECRET_VARIABLE, "").strip()
        if not current:
            raise KeyringError(f"expected the signing secret in {SECRET_VARIABLE} (the same on the unsubscribe "
                               f"service and wherever newsletters are sent, at least {MIN_SECRET_LENGTH} characters)",
                               "it not set")
        try:
            return cls(current, environ.get(OLD_SECRETS_VARIABLE, "").split())
        except KeyringError as error:
            raise KeyringError(f"expected {SECRET_VARIABLE} and {OLD_SECRETS_VARIABLE} to hold secrets of at least "
                               f"{MIN_SECRET_LENGTH} characters", error.found) from None

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def sign(self, address: str, newsletter: str, *, now: float | None = None) -> str:
        """A token that lets its holder unsubscribe `address`, signed with the current secret."""
        return self._sign(_VERSION, address, {"n": newsletter}, now)

    def verify(self, token: str, *, now: float | None = None) -> UnsubscribeRequest:
        """What the token says, if one of our secrets signed it and it has not expired; otherwise TokenRefused."""
        address, fields, issued, kid = self._verify(_VERSION, token, TOKEN_LIFETIME, now)
        newsletter = fields.get("n")
        if not isinstance(newsletter, str) or header_text_problem(newsletter):
            raise TokenRefused("the payload is not readable")
        return UnsubscribeRequest(address=address, newsletter=newsletter, issued=issued, key_id=kid)

    def sign_confirmation(self, address: str, signup: str, *, now: float | None = None) -> str:
        """The link in a sign-up's confirmation email: it names that one sign-up (`signup`, a random id the
        store keeps until it is used), so it works once."""
        return self._sign(CONFIRM_VERSION, address, {"s": signup}, now)

    def verify_confirmation(self, token: str, *, now: float | None = None) -> ConfirmationRequest:
        address, fields, issued, _ = self._verify(CONFIRM_VERSION, token, CONFIRM_LIFETIME, now)
        signup = fields.get("s")
        if not isinstance(signup, str) or not signup or header_text_problem(signup):
            raise TokenRefused("the payload is not readable")
        return ConfirmationRequest(address=address, signup=signup, issued=issued)

    def sign_manage(self, address: str, *, now: float | None = None) -> str:
        """The "Manage your email" link in every newsletter: the preferences page of `address`."""
        return self._sign(MANAGE_VERSION, address, {}, now)

    def verify_manage(self, token: str, *, now: float | None = None) -> str:
        """The address a "Manage your email" token names; TokenRefused otherwise."""
        return self._verify(MANAGE_VERSION, token, TOKEN_LIFETIME, now)[0]

    def _sign(self, version: str, address: str, claims: dict[str, str], now: float | None) -> str:
        issued = int(time.time() if now is None else now)
        payload = _encode(json.dumps({"a": address, **claims, "t": issued}, separators=(",", ":"),
                                     ensure_ascii=False).encode("utf-8"))
        signed = f"{version}.{self.current_id}.{payload}"
        token = f"{signed}.{_encode(self._signature(self.current_id, signed))}"
        if len(token) > MAX_TOKEN_LENGTH:
            raise ValueError(f"a signed link's token would be {len(token)} characters long (the address is too long)")
        return token

    def _verify(self, version: str, token: str, lifetime: dt.timedelta,
                now: float | None) -> tuple[str, dict[str, object], int, str]:
        """(address, the payload's fields, issued, key id) of a token of this kind that we signed and that has not
        expired. The kind is signed too, so a token made for one purpose never passes for another."""
        if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise TokenRefused("not a token")
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != version:
            raise TokenRefused("not a token")
        _, kid, payload, signature = parts
        if kid not in self._secrets:
            raise TokenRefused("signed with a key this service does not hold")
        try:
            given = _decode(signature)
        except ValueError:
            raise TokenRefused("the signature is not readable") from None
        if not hmac.compare_digest(given, self._signature(kid, f"{version}.{kid}.{payload}")):
            raise TokenRefused("the signature does not match")
        # Only a token we signed gets this far: its payload is ours, but is still read strictly.
        try:
            fields = json.loads(_decode(payload))
            address, issued = fields["a"], fields["t"]
        except (ValueError, KeyError, TypeError):
            raise TokenRefused("the payload is not readable") from None
        if not (isinstance(fields, dict) and isinstance(address, str) and type(issued) is int):
            raise TokenRefused("the payload is not readable")
        if "@" not in address or header_text_problem(address, 254):
            raise TokenRefused("the payload is not readable")
        moment = time.time() if now is None else now
        if issued > moment + CLOCK_SKEW.total_seconds():
            raise TokenRefused("issued in the future")
        if moment - issued > lifetime.total_seconds():
            raise TokenRefused("expired", expired=True)
        return address, fields, issued, kid

    def _signature(self, kid: str, signed: str) -> bytes:
        return hmac.new(self._secrets[kid], signed.encode("ascii"), hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    if not text or any(c not in _BASE64URL for c in text):
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError(str(error)) from None
    if _encode(data) != text:  # one spelling per token: the last character's spare bits must be zero
        raise ValueError("not in canonical form")
    return data


_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
