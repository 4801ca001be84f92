"""The one way a name becomes a URL slug: topics, sectors, newsletters and headings alike."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Apostrophes join a word rather than split it: "Martyn's Law" -> "martyns-law", not "martyn-s-law".
_APOSTROPHES = re.compile(r"['\u2019\u02bc]")


def slugify(text: str) -> str:
    """`Night-time economy` -> `night-time-economy`; `Ŵyl & Sioe` -> `wyl-sioe`. Never empty for real text."""
    ascii_text = unicodedata.normalize("NFKD", _APOSTROPHES.sub("", text)).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug
