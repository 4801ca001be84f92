"""Making a page's HTML fit to leave the site: sanitised, without permalink anchors, with absolute links.

Feed readers show content away from our pages, so a relative link or image would break there and active
content could run in the reader. Each entry is cleaned once, before it goes into any of the feeds that
carry it, so that each removal is reported once, naming the source file.
"""

from __future__ import annotations

import dataclasses

import lxml.html
from lxml.html import defs

from ..foundation.links import SiteLinks
from ..foundation.problems import Problems
from ..judge.sanitise import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitise_html
from .body import page_lines
from .entry import FeedEntry

# Material's (Python-Markdown toc's) "¶" link after each heading: noise in a feed reader.
_HEADERLINKS = './/a[contains(concat(" ", normalize-space(@class), " "), " headerlink ")]'
# What lxml's rewrite_links would rewrite in sanitised HTML: its address attributes (defs.link_attrs) that the
# sanitiser lets through, by tag (`a href`, `img src`). rewrite_links itself looked for all sixteen on every
# element, and for addresses in styles, <object>, <param> and <meta> refresh, none of which the sanitiser lets
# through (tests/test_feeds_core.py pins that): most of a feed entry's cleaning time, spent finding nothing.
ADDRESS_ATTRIBUTES = {tag: found for tag in sorted(ALLOWED_TAGS) if (found := tuple(sorted(
    (ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]) & defs.link_attrs)))}


def clean_entries(entries: list[FeedEntry], links: SiteLinks, problems: Problems) -> list[FeedEntry]:
    """Each entry with the page's lines (body.py) above its content, sanitised and its links absolute; a WARNING
    for each removal."""
    cleaned = []
    for entry in entries:
        html, removed = clean_content(entry.content_html, links, entry.page_path, lead=page_lines(entry))
        for what in removed:
            problems.warning(entry.source_path, "expected no active content in a page that goes into feeds "
                             "(it was taken out of the feeds)", what)
        cleaned.append(dataclasses.replace(entry, content_html=html))
    return cleaned


def clean_content(html: str, links: SiteLinks, page_path: str, *, lead: str = "") -> tuple[str, list[str]]:
    """Sanitised HTML (`lead`, whole paragraphs, then `html`) with permalink anchors dropped and every link and
    image absolute, plus what was removed.

    `page_path` is the page's site-relative URL path: rendered links are relative to it.
    """
    sanitised = sanitise_html(html, lead=(lead,) if lead else ())
    if not sanitised.html.strip():
        return "", sanitised.removed
    # Parsed only after sanitising, so the parser never sees active content.
    fragment = lxml.html.fragment_fromstring(sanitised.html, create_parent="div")
    for anchor in fragment.xpath(_HEADERLINKS):
        anchor.drop_tree()  # keeps the text that follows the anchor
    for element in fragment.iter(*ADDRESS_ATTRIBUTES):
        for attribute in ADDRESS_ATTRIBUTES[element.tag]:
            target = element.get(attribute)
            if target is not None:  # as rewrite_links does: the address without its spaces, made absolute
                absolute = links.absolute(target.strip(), from_url=page_path)
                if absolute != target:
                    element.set(attribute, absolute)
    serialised = lxml.html.tostring(fragment, encoding="unicode")
    return serialised[len("<div>"):-len("</div>")], sanitised.removed
