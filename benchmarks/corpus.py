"""The benchmark corpus: a generated protectpress project of any size, with the example site's settings.

Pages look like the real content (front matter from the vocabulary, ~600 words, headings, tables, numbered
and bulleted lists, admonitions, cross-links), so that Markdown, search and navigation costs are realistic.
The same seed always gives the same corpus, so runs compare like with like. Three configs are written beside
the docs: ours (the repo's mkdocs.yml and overrides), the same with our plugin `enabled: false`, and stock
Material + search (no overrides, no protectpress): what a user would pick instead.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Share of the pages each content type gets; folders as in docs/.
MIX = (("guidance", "guidance", 0.5), ("action-cards", "action-card", 0.15), ("conferences", "conference", 0.1),
       ("news", "news", 0.25))
TAGS = ["martyns-law", "pals", "protective-security", "hostile-reconnaissance", "suspicious-items",
        "weapons-attacks", "training", "partnerships", "aviation-and-maritime", "emergency-preparedness"]
SECTORS = ["all", "retail", "hospitality", "night-time-economy", "sport", "entertainment", "education", "health",
           "faith", "transport", "aviation", "maritime", "local-authorities"]
WORDS = ("security staff venue public risk plan train report suspicious item police hotline emergency evacuate "
         "invacuate lockdown premises crowd entrance search screening vehicle barrier hostile reconnaissance "
         "deter detect delay respond partner business sector guidance assessment manager shift briefing "
         "awareness incident control room camera patrol visible vigilance community event capacity route "
         "exit assembly communication radio first aid casualty cordon recovery review exercise").split()
CONFIGS = ("ours", "disabled", "stock")
# Reviews fall due in the future, as on a looked-after site; overdue reviews would log a note per page.
REVIEW_FROM = dt.date(2030, 1, 1)
SUMMARY_ROOM = 280


@dataclass(frozen=True)
class Corpus:
    root: Path
    pages: int  # generated content pages (the folder index pages and the home page come on top)

    def config(self, variant: str) -> Path:
        return self.root / f"mkdocs-{variant}.yml"

    @property
    def docs(self) -> Path:
        return self.root / "docs"


def _sentence(rng: random.Random, words: int | None = None) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words or rng.randint(8, 18))]
    return " ".join(chosen).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _title(rng: random.Random, number: int) -> str:
    return f"{' '.join(rng.choice(WORDS) for _ in range(3)).capitalize()} {number}"


def _front_matter(rng: random.Random, title: str, kind: str, date: dt.date) -> str:
    tags = rng.sample(TAGS, rng.randint(1, 3))
    sectors = rng.sample(SECTORS, rng.randint(1, 3))
    updated = date + dt.timedelta(days=rng.randint(0, 400))
    summary = _sentence(rng, 20) + " " + _sentence(rng, 12)
    if len(summary) > SUMMARY_ROOM:  # the schema allows 300 characters; long words can take a summary past it
        summary = summary[:SUMMARY_ROOM].rsplit(" ", 1)[0] + "."
    return (f"---\ntitle: \"{title}\"\ntype: {kind}\nsummary: \"{summary}\"\ndate: {date:%Y-%m-%d}\n"
            f"updated: {updated:%Y-%m-%d}\nreview_by: {REVIEW_FROM + dt.timedelta(days=rng.randint(0, 700)):%Y-%m-%d}\n"
            f"tags: [{', '.join(tags)}]\nsectors: [{', '.join(sectors)}]\n---\n\n")


def _body(rng: random.Random, kind: str, links: list[str]) -> str:
    """About 600 words (an action card about 250, so that it fits its one printed page)."""
    parts = [_paragraph(rng, 3), '!!! note "Example content"\n    ' + _paragraph(rng, 2)]
    if kind == "action-card":
        for heading in ("Run", "Hide", "Tell"):
            parts.append(f"## {heading}\n\n" + "\n".join(f"{n}. {_sentence(rng, 9)}" for n in range(1, 4)))
        return "\n\n".join(parts) + "\n"
    parts.append(f"## What it is\n\n{_paragraph(rng, 5)}\n\nSee also [{links[0].rsplit('/', 1)[-1][:-3]}](/{links[0]}) "
                 f"and [{links[1].rsplit('/', 1)[-1][:-3]}](/{links[1]}).")
    parts.append("## Why it matters\n\n" + "\n".join(f"- {_sentence(rng, 10)}" for _ in range(5)))
    if kind == "conference":
        rows = "\n".join(f"| {9 + n}:00 | {_sentence(rng, 5)} | {_title(rng, n)} |" for n in range(6))
        parts.append(f"## Agenda\n\n| Time | Session | Speaker |\n| --- | --- | --- |\n{rows}")
    else:
        rows = "\n".join(f"| {_title(rng, n)} | {_sentence(rng, 6)} | {rng.choice(('Low', 'Medium', 'High'))} |"
                         for n in range(4))
        parts.append(f"## Measures\n\n| Measure | What to do | Effort |\n| --- | --- | --- |\n{rows}")
    parts.append("## What to do\n\n" + "\n".join(f"{n}. {_sentence(rng, 12)}" for n in range(1, 6)))
    parts.append('!!! warning "Check the official guidance"\n    ' + _paragraph(rng, 2))
    parts.append(f"## More detail\n\n{_paragraph(rng, 6)}\n\n{_paragraph(rng, 6)}")
    parts.append('??? info "Background"\n    ' + _paragraph(rng, 3))
    return "\n\n".join(parts) + "\n"


def plan(pages: int) -> list[tuple[str, str]]:
    """(src_uri, type) for `pages` content pages spread over the folders by MIX."""
    chosen: list[tuple[str, str]] = []
    for index, (folder, kind, share) in enumerate(MIX):
        count = pages - len(chosen) if index == len(MIX) - 1 else round(pages * share)
        chosen += [(f"{folder}/{kind}-{n:05d}.md", kind) for n in range(1, count + 1)]
    return chosen


def generate(root: Path, pages: int, *, seed: int = 7, newsletters: int = 3) -> Corpus:
    """Write a fresh project with `pages` content pages under `root` (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    docs = root / "docs"
    rng = random.Random(seed)
    layout = plan(pages)
    uris = [uri for uri, _ in layout]
    start = dt.date(2021, 1, 4)
    for number, (uri, kind) in enumerate(layout, start=1):
        title = _title(rng, number)
        date = start + dt.timedelta(days=rng.randint(0, 900))
        text = _front_matter(rng, title, kind, date) + _body(
            rng, kind, rng.sample(uris, 2) if len(uris) > 1 else uris * 2
        )
        _write(docs / uri, text)
    for folder, kind, _share in MIX:
        _write(docs / folder / "index.md", f"---\ntitle: \"{folder.replace('-', ' ').capitalize()}\"\ntype: page\n"
               f"summary: \"Every {kind} page.\"\n---\n\n{_paragraph(rng, 3)}\n")
    _write(docs / "index.md", "---\ntitle: Home\ntype: page\n---\n\n" + _paragraph(rng, 4) + "\n")
    _write(docs / "privacy.md", "---\ntitle: Privacy notice\ntype: page\n---\n\n" + _paragraph(rng, 6) + "\n")
    _write_newsletters(root / "newsletters", rng, uris, newsletters)
    shutil.copytree(REPO / "overrides", root / "overrides")
    _write_configs(root)
    return Corpus(root, pages)


def _write_newsletters(folder: Path, rng: random.Random, uris: list[str], count: int) -> None:
    """Newsletters in the shape of newsletters/*.md: front matter naming pages, then a Markdown letter."""
    for number in range(1, count + 1):
        items = "\n".join(f"  - page: {uri}" + ("\n    full: true" if uri.startswith("action-cards/") else "")
                          for uri in rng.sample(uris, min(5, len(uris))))
        text = (f"---\nsubject: \"Partner update {number}\"\npreheader: \"{_sentence(rng, 8)}\"\n"
                f"date: 2023-{(number - 1) % 12 + 1:02d}-15\nsectors: [all]\nitems:\n{items}\n---\n\n"
                f"Dear {{{{ name }}}},\n\n{_paragraph(rng, 3)}\n\n## Three things to do this month\n\n"
                + "\n".join(f"{n}. **{_sentence(rng, 3)}** {_sentence(rng, 10)}" for n in range(1, 4))
                + f"\n\n| What | When |\n| --- | --- |\n| {_sentence(rng, 4)} | Monday |\n\n"
                f"!!! note \"Reminder\"\n    {_sentence(rng, 12)}\n\nThe ProtectUK Team\n")
        _write(folder / f"2023-{number:02d}-update.md", text)


def _write_configs(root: Path) -> None:
    ours = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs-ours.yml").write_text(ours, encoding="utf-8")
    marker = "  - protectpress:\n"
    if marker not in ours:
        raise RuntimeError("mkdocs.yml has no '  - protectpress:' plugin block to disable")
    (root / "mkdocs-disabled.yml").write_text(ours.replace(marker, marker + "      enabled: false\n"), encoding="utf-8")
    extensions = ours.split("markdown_extensions:\n", 1)[1].split("\n\n", 1)[0]
    (root / "mkdocs-stock.yml").write_text(
        "site_name: Stock Material\nsite_url: https://protectpress.example.org/\ndocs_dir: docs\n"
        "theme:\n  name: material\n  language: en\n  font: false\n"
        f"markdown_extensions:\n{extensions}\n\nplugins:\n  - search\n", encoding="utf-8")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
