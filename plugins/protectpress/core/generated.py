"""Markdown for the pages protectpress writes itself: listings, newsletter web versions, the Subscribe page.

They go through MkDocs like any page an author wrote, so their front matter must be valid YAML and their text
must not turn into Markdown by accident, whatever a title or vocabulary label contains.
"""

from __future__ import annotations

import re

import yaml

# Python-Markdown's backslash escapes; "<" and "&" have none there, so they become entities.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!])")


def front_matter(**fields: str) -> str:
    """`---` YAML `---` for a generated page; yaml.safe_dump quotes whatever needs quoting."""
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n"


def escape_markdown(text: str) -> str:
    """Text shown as written, never as Markdown or HTML, on one line (a line break could start a heading or
    a block of HTML). "&" first, so that "&lt;" written in a title shows as written, not as "<"."""
    one_line = " ".join(text.split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line.replace("&", "&amp;").replace("<", "&lt;"))
