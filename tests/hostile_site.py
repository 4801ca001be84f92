"""The example site with hostile front matter in a page of every kind, for the security tests (issue 11, item 2).

Every text an author or a vocabulary editor writes that the site, feeds or emails print carries a payload that
would run if it were printed raw: it sets `window.__pwned` and opens an alert. The payloads avoid `<img src=x>`
because the link check would stop the build on the missing image and hide what the tests are about. Beside
them, a harmless title and sector label full of characters that need escaping must come out exactly as written.

Shared by tests/security/ (parsing the produced HTML, feeds and email) and tests/browser/ (running it).
"""

from __future__ import annotations

import re
from pathlib import Path

from support import REPO, copy_project, run_in_process

# Closes <title> and any attribute, then runs script three ways.
PAYLOAD = ('"></title><script>window.__pwned=1;alert(1)</script>'
           '<svg onload="window.__pwned=2;alert(2)"></svg><details open ontoggle="window.__pwned=3;alert(3)">')
HARMLESS = 'The "4 Cs" & <you>'
SITE_NAME = "Protect & Prepare <partner> guidance"  # mkdocs.yml's site_name, printed by Material on every page
ORGANISATION = "Protect & <Prepare> partnership " + PAYLOAD  # brand: organisation, in every page's brand bar and footer

HOSTILE_PAGES = {  # source -> the title each gets
    "docs/index.md": "Home " + PAYLOAD,
    "docs/guidance/martyns-law.md": "Law " + PAYLOAD,
    "docs/action-cards/index.md": "Cards " + PAYLOAD,
    "docs/action-cards/firearms-and-weapons-attacks.md": "Card " + PAYLOAD,
    "docs/conferences/security-and-policing-2023.md": "Conference " + PAYLOAD,
    "docs/news/2023-03-pals-replaces-crowded-places.md": "News " + PAYLOAD,
    "docs/about.md": "About " + PAYLOAD,
}
HARMLESS_PAGE = "docs/guidance/hostile-reconnaissance.md"
SUMMARY = "Summary " + PAYLOAD
SUBTITLE = "Subtitle " + PAYLOAD
IMAGE_ALT = "Alt " + PAYLOAD
TOPIC_LABEL = "Martyn's Law " + PAYLOAD  # the label of the topic martyns-law
SUBJECT = "Issue </title><script>window.__pwned=4;alert(4)</script>"
PREHEADER = 'Pre "><svg onload="window.__pwned=5;alert(5)"></svg> three things to do this month'
NEWSLETTER = "newsletters/2023-03-security-and-policing.md"
# Templates Material renders only with these features: breadcrumbs, tabs, previous/next links.
EXTRA_FEATURES = ("navigation.path", "navigation.tabs", "navigation.footer")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _set_front_matter(path: Path, **values: str) -> None:
    """Replace (or add, after `title`) each key's line in a file's front matter."""
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        line = f"{key}: {_quoted(value)}"
        text, count = re.subn(rf"^{key}:.*$", lambda _, line=line: line, text, count=1, flags=re.MULTILINE)
        if not count:
            text = re.sub(
                r"^(title:.*)$", lambda m, line=line: m.group(1) + "\n" + line, text, count=1, flags=re.MULTILINE
            )
    path.write_text(text, encoding="utf-8")


def make_hostile_project(destination: Path) -> Path:
    """A copy of the example project with the payloads written into it."""
    project = copy_project(REPO, destination)
    for source, title in HOSTILE_PAGES.items():
        _set_front_matter(project / source, title=title)
    _set_front_matter(project / "docs/guidance/martyns-law.md", summary=SUMMARY)
    _set_front_matter(project / "docs/about.md", subtitle=SUBTITLE, description=SUMMARY)
    _set_front_matter(project / HARMLESS_PAGE, title=HARMLESS, summary=HARMLESS, sectors="retail")
    # A page the newsletter features as a summary, so its image and alt text reach the email and web version.
    _set_front_matter(project / "docs/guidance/publicly-accessible-locations.md", summary=SUMMARY,
                      image="/assets/images/logo.svg", image_alt=IMAGE_ALT)
    _set_front_matter(project / NEWSLETTER, subject=SUBJECT, preheader=PREHEADER)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("site_name: Protect and Prepare partner guidance", f"site_name: {_quoted(SITE_NAME)}")
    text = text.replace("martyns-law: Martyn's Law", f"martyns-law: {_quoted(TOPIC_LABEL)}")
    text = text.replace("retail: Retail", f"retail: {_quoted(HARMLESS)}")
    text = text.replace("organisation: Protect and Prepare partnership (example)",
                        f"organisation: {_quoted(ORGANISATION)}")
    text = text.replace("short_name: Partner guidance", f"short_name: {_quoted(SITE_NAME)}")
    text = text.replace(
        "    - navigation.prune\n", "    - navigation.prune\n" + "".join(f"    - {f}\n" for f in EXTRA_FEATURES)
    )
    config.write_text(text, encoding="utf-8")
    return project


def build_hostile_site(destination: Path) -> Path:
    """Build the hostile project as an author would (`protectpress build`); returns its site/ folder."""
    project = make_hostile_project(destination)
    result = run_in_process("build", "--quiet", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"
