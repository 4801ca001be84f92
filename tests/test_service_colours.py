"""The unsubscribe and subscriptions services' pages wear the newsletter's colours from mkdocs.yml, so a reader
who clicks through from an email stays in the same look, and their Content-Security-Policy allows exactly the
stylesheet they carry."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from protectpress.core.foundation.config import load_settings
from protectpress.core.foundation.tokens import Keyring
from protectpress.core.sending.outbox import Outbox
from protectpress.unsubscribe import CONFIG_VARIABLE, create_app
from protectpress.unsubscribe.service import create_subscriptions_app
from support import FIXTURES, copy_project

SECRETS = {"PROTECTPRESS_UNSUBSCRIBE_SECRET": "colour-secret-" + "c" * 32,
           "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": "colour-export-token-" + "e" * 32}
COLOURS = {"link_colour": "#0b5d1e", "button_colour": "#5a1a8b", "text_colour": "#222222",
           "page_colour": "#fdf6e3", "background_colour": "#fffffa"}


@pytest.fixture
def branded(tmp_path):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    lines = "".join(f"        {key}: '{value}'\n" for key, value in COLOURS.items())
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("      newsletter:\n", "      newsletter:\n" + lines, 1)
                      .replace("      sending:\n", "      sending:\n        unsubscribe_url: "
                               "https://news.example.org/unsubscribe/\n", 1), encoding="utf-8")
    return project


def _get(app, path: str, query: str = "") -> tuple[dict[str, str], str]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "REMOTE_ADDR": "192.0.2.7"}
    answered: dict[str, str] = {}
    body = b"".join(app(environ, lambda status, headers: answered.update(headers)))
    return answered, body.decode("utf-8")


def test_the_service_pages_wear_the_newsletters_colours_and_allow_only_their_own_stylesheet(branded, tmp_path):
    settings = load_settings(branded / "mkdocs.yml")
    subscriptions = create_subscriptions_app(settings, str(tmp_path / "store.sqlite"),
                                             Outbox(tmp_path / "outbox", "outbox"), SECRETS)
    unsubscribe = create_app(tmp_path / "unsubscribes.sqlite",
                             {**SECRETS, CONFIG_VARIABLE: str(branded / "mkdocs.yml")})
    token = Keyring(SECRETS["PROTECTPRESS_UNSUBSCRIBE_SECRET"]).sign("reader@example.org", "2024-01-winter-update")
    answers = {"sign-up": _get(subscriptions, "/unsubscribe/signup"),
               "one-click question": _get(subscriptions, "/unsubscribe/", f"t={token}"),
               "unsubscribe service": _get(unsubscribe, "/unsubscribe/", f"t={token}")}
    for name, (headers, page) in answers.items():
        [style] = re.findall(r"<style>(.*?)</style>", page, re.S)
        for value in COLOURS.values():
            assert value in style, (name, value)
        assert "#1a4f8b" not in style, name  # the default link and button blue is gone
        digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
        assert f"style-src 'sha256-{digest}';" in headers["Content-Security-Policy"], name
        assert "Fixture Protect Team" in page, name  # whose emails: the newsletter's organisation, on both services
