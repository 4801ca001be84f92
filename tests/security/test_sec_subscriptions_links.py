"""The subscriptions service's signed links: each kind (unsubscribe `u1`, confirmation `c1`, "Manage your email"
`m1`) is accepted only where it belongs, the kind itself is signed, and a confirmation link expires after 48
hours. Without the kind in what is signed, a confirmation link (which anyone who signs up someone else's
address never sees, but a mail scanner does) could be replayed as an unsubscribe or a preferences link."""

from __future__ import annotations

import pytest

from protectpress.core.foundation.tokens import CONFIRM_LIFETIME, Keyring, TokenRefused

SECRET = "links-secret-" + "k" * 32
NOW = 1_800_000_000.0


@pytest.fixture
def keyring() -> Keyring:
    return Keyring(SECRET)


def test_each_kind_is_refused_where_another_belongs(keyring):
    unsubscribe = keyring.sign("reader@example.org", "2024-01-news", now=NOW)
    confirm = keyring.sign_confirmation("reader@example.org", "signup-1", now=NOW)
    manage = keyring.sign_manage("reader@example.org", now=NOW)
    assert keyring.verify(unsubscribe, now=NOW).address == "reader@example.org"
    assert keyring.verify_confirmation(confirm, now=NOW).signup == "signup-1"
    assert keyring.verify_manage(manage, now=NOW) == "reader@example.org"
    for wrong, check in ((confirm, keyring.verify), (manage, keyring.verify), (unsubscribe, keyring.verify_manage),
                         (confirm, keyring.verify_manage), (unsubscribe, keyring.verify_confirmation),
                         (manage, keyring.verify_confirmation)):
        with pytest.raises(TokenRefused):
            check(wrong, now=NOW)


def test_the_kind_is_signed_so_relabelling_a_token_breaks_it(keyring):
    confirm = keyring.sign_confirmation("reader@example.org", "signup-1", now=NOW)
    for kind, check in (("u1", keyring.verify), ("m1", keyring.verify_manage)):
        with pytest.raises(TokenRefused, match="signature does not match"):
            check(kind + confirm[2:], now=NOW)


def test_a_confirmation_link_lasts_48_hours_and_no_longer(keyring):
    confirm = keyring.sign_confirmation("reader@example.org", "signup-1", now=NOW)
    lifetime = CONFIRM_LIFETIME.total_seconds()
    assert lifetime == 48 * 3600
    assert keyring.verify_confirmation(confirm, now=NOW + lifetime - 1).address == "reader@example.org"
    with pytest.raises(TokenRefused) as refused:
        keyring.verify_confirmation(confirm, now=NOW + lifetime + 1)
    assert refused.value.expired
    with pytest.raises(TokenRefused):
        Keyring("another-secret-" + "x" * 32).verify_confirmation(confirm, now=NOW)
