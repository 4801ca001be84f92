"""Reads our `protectpress` block of mkdocs.yml, with the dataclasses of `settings.py` as its schema: each
unknown or wrong key is a problem naming it, and the sending addresses are checked here for every command.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, get_type_hints

from .email_addresses import valid_address
from .headertext import header_text_expected, header_text_problem
from .problems import Problems, describe
from .service_address import service_address_problem
from .settings import CONFIG_NAME, PLUGIN_NAME, PluginSettings, SendingSettings, Vocabulary
from .slugs import slugify


def read_plugin_settings(block: dict, problems: Problems, config_name: str = CONFIG_NAME) -> PluginSettings:
    """Read the `protectpress` block into `PluginSettings`, adding a problem for each unknown or wrong key."""
    settings = _read_dataclass(PluginSettings, block, f"plugins.{PLUGIN_NAME}", problems, config_name)
    settings.vocabulary = Vocabulary(
        tags=_read_vocabulary(block.get("vocabulary", {}), "tags", problems, config_name),
        sectors=_read_vocabulary(block.get("vocabulary", {}), "sectors", problems, config_name),
    )
    if settings.vocabulary.sectors and "all" not in settings.vocabulary.sectors:
        settings.vocabulary.sectors = {"all": "All sectors", **settings.vocabulary.sectors}
    if settings.feeds.limit < 1:
        problems.error(config_name, "expected a whole number of entries, 1 or more", describe(settings.feeds.limit),
                       key=f"plugins.{PLUGIN_NAME}.feeds.limit")
    for key, expected, found in sending_problems(settings.sending):
        problems.error(config_name, expected, found, key=f"{SENDING}.{key}")
    return settings


SENDING = f"plugins.{PLUGIN_NAME}.sending"
# RFC 2919: a dot-atom with at least one dot, kept to plain letters so it reads the same everywhere.
_LIST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_LIST_ID = re.compile(rf"(?=.{{3,200}}$){_LIST_LABEL}(?:\.{_LIST_LABEL})+")


def sending_problems(sending: SendingSettings, *, sending_now: bool = False) -> list[tuple[str, str, str]]:
    """(key, expected, found) for each wrong sending setting. Every command checks what is set; a send or an
    export (`sending_now`) also needs a sender address."""
    found: list[tuple[str, str, str]] = []
    for key in ("from_address", "reply_to", "return_path", "unsubscribe_mailto"):
        value = getattr(sending, key)
        if (value or (sending_now and key == "from_address")) and not valid_address(value or ""):
            found.append((key, "expected an email address like news@example.org", repr(value)))
    if sending.soft_bounce_limit < 1:
        found.append(("soft_bounce_limit", "expected a whole number of soft bounces in a row, 1 or more",
                      repr(sending.soft_bounce_limit)))
    base = sending.unsubscribe_url
    if base:
        wrong = service_address_problem(base)
        if wrong is not None:
            found.append(("unsubscribe_url", *wrong))
        unsafe = header_text_problem(base)  # with a token, in every List-Unsubscribe header: short, one line
        if unsafe is not None:
            found.append(("unsubscribe_url", header_text_expected(), unsafe))
    if sending.list_id and not _LIST_ID.fullmatch(sending.list_id):
        found.append(("list_id", "expected a list name like newsletter.example.org (letters, digits, hyphens and "
                      "dots, at most 200 characters)", repr(sending.list_id)))
    return found


def _read_dataclass(cls: type, data: Any, where: str, problems: Problems, config_name: str) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(config_name, "expected a mapping of settings", describe(data), key=where)
        return cls()
    hints = get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            problems.error(config_name, f"expected one of {', '.join(known)}", repr(key), key=where)
            continue
        kind = hints[key]
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            # Vocabulary too: this checks its group names; read_plugin_settings then reads its slugs.
            values[key] = _read_dataclass(kind, value, f"{where}.{key}", problems, config_name)
        else:
            converted = _convert(value, kind)
            if converted is _WRONG:
                problems.error(config_name, f"expected {_type_words(kind)}", describe(value), key=f"{where}.{key}")
            else:
                values[key] = converted
    return cls(**values)


_WRONG = object()


def _convert(value: Any, kind: Any) -> Any:
    if kind is bool:
        return value if isinstance(value, bool) else _WRONG
    if kind is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _WRONG
    if kind is float:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _WRONG
    if kind is str:
        return value if isinstance(value, str) else ("" if value is None else _WRONG)
    return value


def _type_words(kind: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(kind, "a value")


def _read_vocabulary(block: Any, group: str, problems: Problems, config_name: str) -> dict[str, str]:
    """`tags: [Martyn's Law, ...]` or `tags: {martyns-law: Martyn's Law}` -> {slug: label}."""
    entries = block.get(group, {}) if isinstance(block, dict) else {}
    where = f"plugins.{PLUGIN_NAME}.vocabulary.{group}"
    if isinstance(entries, list):
        pairs = [(slugify(str(e)), str(e)) for e in entries]
    elif isinstance(entries, dict):
        pairs = [(slugify(str(k)), str(v) if v else str(k)) for k, v in entries.items()]
    else:
        problems.error(config_name, "expected a list or a mapping of slug: label", describe(entries), key=where)
        return {}
    return dict(pairs)
