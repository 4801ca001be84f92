"""Reading the Pagefind index a build wrote, so tests can say what search would find without a browser.

Each indexed page is one "fragment" file under `site/pagefind/fragment/`: gzip, then the marker
`pagefind_dcd`, then JSON with the page's url, indexed text, metadata and filters.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

MARKER = b"pagefind_dcd"


def indexed_pages(site: Path) -> dict[str, dict]:
    """Every page in the search index, by URL path ("/action-cards/parcels/")."""
    pages = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        assert raw.startswith(MARKER), f"{fragment.name} is not a Pagefind fragment"
        page = json.loads(raw[len(MARKER):])
        pages[page["url"]] = page
    assert pages, f"no search index in {site}/pagefind/"
    return pages


def pages_containing(site: Path, word: str) -> set[str]:
    return {url for url, page in indexed_pages(site).items() if word.lower() in page["content"].lower()}
