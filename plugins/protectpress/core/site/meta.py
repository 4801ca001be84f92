"""A page's front matter as the theme may print it: every text made safe HTML (front-matter text is plain text,
and MkDocs' Jinja environment does not autoescape), except the keys MkDocs and Material read as names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..judge.sanitise import html_text

# Front-matter keys that MkDocs and Material read as names (a template file, an icon path, features to hide),
# never print; the schema checks them, and a safe-HTML value would leak into messages as Markup('...').
NAMES_NOT_TEXT = frozenset({"template", "icon", "hide", "search"})


def safe_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Every text in a page's front matter (and each text in a list) as safe HTML; other values as they are."""
    def safe(value: Any) -> Any:
        if isinstance(value, str):
            return html_text(value)
        if isinstance(value, list):
            return [safe(v) for v in value]
        return value
    return {key: value if key in NAMES_NOT_TEXT else safe(value) for key, value in meta.items()}
