"""Who a newsletter is from: the sender's name every From header carries and the mkdocs.yml setting it comes
from, and whether that name is plain header text. A build, `check` and a send all ask it; it lives here rather
than with sending (sending/compose.py) so that a build does not load the sending machinery to ask."""

from __future__ import annotations

from ..foundation.headertext import header_text_expected, header_text_problem
from ..foundation.plugin_settings import SENDING as SETTING
from ..foundation.problems import Problem
from ..foundation.settings import Settings
from .render import organisation_and_setting


def sender_name_problem(settings: Settings) -> Problem | None:
    """The sender's name goes into every From header: plain text, checked by `check` and before any send."""
    name, key = sender_name_and_setting(settings)
    found = header_text_problem(name)
    if found is None:
        return None
    return Problem(path=settings.config_file.name, expected=f"{header_text_expected()} (it is the sender's name)",
                   found=found, key=key)


def sender_name_and_setting(settings: Settings) -> tuple[str, str]:
    """The sender's name and the mkdocs.yml setting it comes from: from_name, else whose newsletter it is."""
    if settings.plugin.sending.from_name:
        return settings.plugin.sending.from_name, f"{SETTING}.from_name"
    return organisation_and_setting(settings)
