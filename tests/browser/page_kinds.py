"""Which kinds of page the built site has, and one real address for each, found in the built site itself.

The browser gate checks every *kind* of page once (a guidance page stands for all guidance pages) and every
action card (each is printed and pinned up). Kinds are found from the built `site/` folder so that a new
guidance page or topic needs no test change. Every kind is required: a kind missing from the example site
fails the gate, so it cannot quietly lose one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from protectpress.core.foundation.frontmatter import split_front_matter
from protectpress.core.foundation.slugs import slugify

# Every kind the issue names, in the order a reader meets them.
PAGE_KIND_NAMES = (
    "home",
    "guidance",
    "action card",
    "card index",
    "conference write-up",
    "topic index",
    "topic page",
    "sector index",
    "sector page",
    "newsletter web version",
    "newsletter archive",
    "subscribe page",
    "404",
)


@dataclass(frozen=True)
class PageKind:
    name: str
    path: str  # site-relative URL path, e.g. "guidance/martyns-law/"; "" is the home page

    @property
    def slug(self) -> str:
        """A file-name-safe name for screenshots."""
        return slugify(self.name)


def _first_page_under(site_dir: Path, folder: str) -> str | None:
    """The first page (alphabetically) in a section folder, not counting the section's own index."""
    pages = sorted(site_dir.glob(f"{folder}/*/index.html"))
    return f"{pages[0].parent.relative_to(site_dir).as_posix()}/" if pages else None


def _page_if_built(site_dir: Path, path: str) -> str | None:
    target = site_dir / path / "index.html" if path.endswith("/") or not path else site_dir / path
    return path if target.is_file() else None


def discover_page_kinds(site_dir: Path) -> dict[str, PageKind]:
    """One address for each page kind present in the built site."""
    found = {
        "home": _page_if_built(site_dir, ""),
        "guidance": _first_page_under(site_dir, "guidance"),
        "action card": _first_page_under(site_dir, "action-cards"),
        "card index": _page_if_built(site_dir, "action-cards/"),
        "conference write-up": _first_page_under(site_dir, "conferences"),
        "topic index": _page_if_built(site_dir, "topics/"),
        "topic page": _first_page_under(site_dir, "topics"),
        "sector index": _page_if_built(site_dir, "sectors/"),
        "sector page": _first_page_under(site_dir, "sectors"),
        "newsletter web version": _first_page_under(site_dir, "newsletters"),
        "newsletter archive": _page_if_built(site_dir, "newsletters/"),
        "subscribe page": _page_if_built(site_dir, "subscribe/"),
        "404": _page_if_built(site_dir, "404.html"),
    }
    return {name: PageKind(name, path) for name, path in found.items() if path is not None}


def published_newsletters(repo: Path) -> list[Path]:
    """Newsletter sources that are not drafts: each must have an email.html and a web version."""
    issues = []
    for source in sorted((repo / "newsletters").glob("*.md")):
        data = split_front_matter(source.read_text(encoding="utf-8")).data
        if not (isinstance(data, dict) and data.get("draft") is True):
            issues.append(source)
    return issues


def action_card_sources(repo: Path) -> list[Path]:
    """Every published action card in the example docs (the print test prints each one)."""
    cards = []
    for source in sorted((repo / "docs" / "action-cards").glob("*.md")):
        data = split_front_matter(source.read_text(encoding="utf-8")).data
        if isinstance(data, dict) and data.get("type") == "action-card" and data.get("draft") is not True:
            cards.append(source)
    return cards
