"""Signed unsubscribe tokens and the service's address: each part of a token tampered with, expiry, rotation,
and the settings that decide where the links go."""

from __future__ import annotations

import base64
import json
import time

import pytest

from protectpress.core.foundation.service_address import (
    export_address,
    is_https_or_loopback,
    service_address_problem,
    unsubscribe_link,
)
from protectpress.core.foundation.tokens import (
    CLOCK_SKEW,
    OLD_SECRETS_VARIABLE,
    SECRET_VARIABLE,
    TOKEN_LIFETIME,
    Keyring,
    KeyringError,
    TokenRefused,
    key_id,
)

CURRENT = "c" * 40
OLDER = "o" * 40
NOW = 1_800_000_000.0


@pytest.fixture
def keyring() -> Keyring:
    return Keyring(CURRENT)


def test_a_token_names_the_address_the_newsletter_the_time_and_the_key(keyring):
    token = keyring.sign("Alice@Example.org", "2023-03-news", now=NOW)
    request = keyring.verify(token, now=NOW + 60)
    assert (request.address, request.newsletter, request.issued, request.key_id) == (
        "Alice@Example.org", "2023-03-news", int(NOW), key_id(CURRENT))
    assert token.startswith(f"u1.{key_id(CURRENT)}.")
    # URL-safe as it stands: nothing to escape in a link or a List-Unsubscribe header.
    assert all(c.isalnum() or c in "._-" for c in token)


def _replace(token: str, index: int, value: str) -> str:
    parts = token.split(".")
    parts[index] = value
    return ".".join(parts)


def _payload(address: str, newsletter: str, issued: int) -> str:
    data = json.dumps({"a": address, "n": newsletter, "t": issued}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("tamper", [
    lambda t: _replace(t, 0, "u2"),  # the version
    lambda t: _replace(t, 1, "deadbeef"),  # a key id we do not hold
    lambda t: _replace(t, 2, _payload("mallory@example.org", "2023-03-news", int(NOW))),  # someone else
    lambda t: _replace(t, 2, _payload("alice@example.org", "another", int(NOW))),  # another newsletter
    lambda t: _replace(t, 2, _payload("alice@example.org", "2023-03-news", int(NOW) + 3600)),  # a later time
    lambda t: _replace(t, 3, t.split(".")[3][:-1] + ("A" if t[-1] != "A" else "B")),  # one signature character
    lambda t: _replace(t, 3, ""),
    lambda t: t + ".x",
    lambda t: t[:-5],
    lambda t: "",
    lambda t: "u1." + "a" * 2000,
], ids=["version", "key-id", "address", "newsletter", "issued", "signature", "no-signature", "extra-part",
        "truncated", "empty", "huge"])
def test_a_token_changed_anywhere_is_refused(keyring, tamper):
    token = keyring.sign("alice@example.org", "2023-03-news", now=NOW)
    keyring.verify(token, now=NOW)  # the untouched token is good
    with pytest.raises(TokenRefused) as refused:
        keyring.verify(tamper(token), now=NOW)
    assert not refused.value.expired


def test_a_token_signed_with_another_secret_is_refused_even_with_our_key_id(keyring):
    forger = Keyring("f" * 40)
    forged = forger.sign("alice@example.org", "2023-03-news", now=NOW)
    with pytest.raises(TokenRefused, match="key"):
        keyring.verify(forged, now=NOW)
    with pytest.raises(TokenRefused, match="signature"):
        keyring.verify(_replace(forged, 1, key_id(CURRENT)), now=NOW)


def test_tokens_expire_after_the_documented_lifetime_and_not_before(keyring):
    token = keyring.sign("alice@example.org", "n", now=NOW)
    lifetime = TOKEN_LIFETIME.total_seconds()
    assert lifetime >= 365 * 24 * 3600  # generous: people unsubscribe from emails they kept
    keyring.verify(token, now=NOW + lifetime - 1)
    with pytest.raises(TokenRefused) as refused:
        keyring.verify(token, now=NOW + lifetime + 1)
    assert refused.value.expired
    # Issued in the future (a forged clock): refused, beyond a little skew.
    keyring.verify(token, now=NOW - CLOCK_SKEW.total_seconds() + 1)
    with pytest.raises(TokenRefused):
        keyring.verify(token, now=NOW - CLOCK_SKEW.total_seconds() - 60)


def test_rotation_keeps_old_links_working_until_the_old_secret_is_dropped():
    before = Keyring(OLDER).sign("alice@example.org", "n", now=NOW)
    rotated = Keyring(CURRENT, [OLDER])
    assert rotated.verify(before, now=NOW).key_id == key_id(OLDER)
    after = rotated.sign("alice@example.org", "n", now=NOW)
    assert after.split(".")[1] == key_id(CURRENT) != key_id(OLDER)  # new links use the new key
    with pytest.raises(TokenRefused):
        Keyring(CURRENT).verify(before, now=NOW)  # the old secret retired: its links stop working


def test_the_keyring_comes_from_the_environment_and_refuses_short_or_missing_secrets():
    ring = Keyring.from_environment({SECRET_VARIABLE: CURRENT, OLD_SECRETS_VARIABLE: f"{OLDER} {'p' * 32}"})
    assert ring.key_ids == {key_id(CURRENT), key_id(OLDER), key_id("p" * 32)}
    with pytest.raises(KeyringError, match=SECRET_VARIABLE) as missing:
        Keyring.from_environment({})
    assert missing.value.found == "it not set"
    with pytest.raises(KeyringError, match="at least 32 characters"):
        Keyring.from_environment({SECRET_VARIABLE: "short"})
    with pytest.raises(KeyringError, match=OLD_SECRETS_VARIABLE):
        Keyring.from_environment({SECRET_VARIABLE: CURRENT, OLD_SECRETS_VARIABLE: "short"})


@pytest.mark.parametrize("url, expected", [
    ("https://partners.example.org/unsubscribe/", None),
    ("http://127.0.0.1:8080/unsubscribe/", None),
    ("http://localhost:8080/", None),
    ("http://[::1]:8080/", None),
    ("http://partners.example.org/unsubscribe/", "https://"),
    ("http://127.0.0.1.example.org/", "https://"),
    ("https://example.org/unsubscribe?e={email_hash}", "{email_hash}"),
    ("https://example.org/u/{slug}", "placeholders"),
    ("https://example.org/unsubscribe?list=1", "no ?query"),
    ("https://user:pw@example.org/", "web address"),
    ("unsubscribe", "web address"),
])
def test_the_service_address_is_https_or_loopback_with_no_placeholders(url, expected):
    problem = service_address_problem(url)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem[0], problem


@pytest.mark.parametrize("url, allowed", [
    ("https://partners.example.org/unsubscribe/", True),
    ("http://localhost:8080/", True),
    ("http://127.0.0.1/", True),
    ("http://[::1]:8080/", True),
    ("http://example.org/", False),
    ("http://127.0.0.1.example.org/", False),  # a name that only starts like this machine's address
    ("ftp://127.0.0.1/", False),
    ("http://[::1/", False),  # not an address at all
])
def test_tokens_travel_only_over_https_or_to_this_machine(url, allowed):
    """The one rule both the unsubscribe_url setting and `suppress --sync` apply."""
    assert is_https_or_loopback(url) is allowed


def test_links_and_the_export_sit_under_the_base_address():
    assert unsubscribe_link("https://e.org/unsubscribe/", "u1.a.b.c") == "https://e.org/unsubscribe/?t=u1.a.b.c"
    assert export_address("https://e.org/unsubscribe/") == "https://e.org/unsubscribe/export"
    assert export_address("https://e.org/unsubscribe") == "https://e.org/unsubscribe/export"


def test_signing_is_quick_enough_for_a_list_of_thousands(keyring):
    # A loose bound (a shared, busy machine signs 10,000 in about 1.6 s): it catches a slow KDF slipping in.
    started = time.perf_counter()
    for i in range(2_000):
        keyring.sign(f"partner{i}@example.org", "n")
    assert time.perf_counter() - started < 3.0
