"""A colour setting reaches the services' inline stylesheet only as a checked hex colour: a value that would
close the <style> element, add a rule or fetch something from elsewhere stops the service from starting, with
one plain line naming the setting."""

from __future__ import annotations

import pytest

from protectpress.core.foundation.config import ConfigError, load_settings
from protectpress.core.sending.outbox import Outbox
from protectpress.unsubscribe import CONFIG_VARIABLE, create_app
from protectpress.unsubscribe.service import create_subscriptions_app
from support import FIXTURES, copy_project

SECRETS = {"PROTECTPRESS_UNSUBSCRIBE_SECRET": "colour-secret-" + "h" * 32,
           "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN": "colour-export-token-" + "x" * 32}
HOSTILE = ["#1a4f8b}</style><script>alert(1)</script>", "#1a4f8b;background:url(https://evil.example/x.png)",
           "red}body{display:none", "#1a4f8b</style>"]


def _project(tmp_path, value: str):
    project = copy_project(FIXTURES / "newsletter-basic", tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    quoted = value.replace("'", "''")
    config.write_text(text.replace("      newsletter:\n", f"      newsletter:\n        link_colour: '{quoted}'\n", 1)
                      .replace("      sending:\n", "      sending:\n        unsubscribe_url: "
                               "https://news.example.org/unsubscribe/\n", 1), encoding="utf-8")
    return project


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_colour_stops_both_services_naming_the_setting(tmp_path, value):
    project = _project(tmp_path, value)
    with pytest.raises(ConfigError) as unsubscribe:
        create_app(tmp_path / "unsubscribes.sqlite", {**SECRETS, CONFIG_VARIABLE: str(project / "mkdocs.yml")})
    with pytest.raises(ConfigError) as subscriptions:
        create_subscriptions_app(load_settings(project / "mkdocs.yml"), str(tmp_path / "store.sqlite"),
                                 Outbox(tmp_path / "outbox", "outbox"), SECRETS)
    for error in (unsubscribe.value, subscriptions.value):
        said = str(error)
        assert "mkdocs.yml: plugins.protectpress.newsletter.link_colour: expected a colour like #1d3557, found" in said
        assert "\n" not in str(error)
