"""The web version of each newsletter and the archive of all issues, written as Markdown pages.

They are Markdown (not HTML) so that MkDocs renders them in the site theme, checks their links, and puts them
in search like any page an author wrote. The letter's links are rebased to docs-root paths, because the
page lives at `newsletters/<slug>.md` while the letter's relative links were written from the docs root.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..content.changes import updated_line
from ..content.contentset import ContentSet
from ..foundation.dates import human
from ..foundation.generated import escape_markdown, front_matter
from ..foundation.settings import Settings
from ..foundation.site_paths import ARCHIVE_SRC_URI, NEWSLETTER_PLURAL, WEB_FOLDER
from ..site.listings import listing_sources, missing_type_indexes
from .markdown import demote_headings, rebase_links
from .model import (
    DEFAULT_NAME,
    LINK_BASE,
    MERGE_FIELD,
    MERGE_FIELDS,
    FeaturedPage,
    Newsletter,
    fill_name,
    newsletter_files,
    newsletter_slug,
)


def web_src_uri(slug: str) -> str:
    """Where a newsletter's web version sits among the docs: built to `site/newsletters/<slug>/index.html`."""
    return f"{WEB_FOLDER}/{slug}.md"


def known_sources(settings: Settings, content: ContentSet) -> set[str]:
    """Every docs-relative page a newsletter may link to: real pages, listings and newsletter pages."""
    known = set(content.items) | set(content.invalid) | {ARCHIVE_SRC_URI}
    for group, terms in settings.vocabulary.by_group():
        known.update(listing_sources(content, group.folder, terms))
    known.update(listing.src_uri for listing in missing_type_indexes(content))
    known.update(web_src_uri(newsletter_slug(f)) for f in newsletter_files(settings))
    return known


def web_markdown(settings: Settings, newsletter: Newsletter, features: Sequence[FeaturedPage]) -> str:
    """The newsletter as a site page: the letter without its greeting ("Dear {{ name }}," is for the email, not a
    public page), then each featured page. The theme writes the title, and a short contents list of the
    letter's sections under it."""
    links = settings.links
    letter = fill_name(without_salutation(newsletter.body), DEFAULT_NAME)
    # The date as the lead line under the title, so it comes before the contents list, not after it.
    parts = [front_matter(title=newsletter.subject, description=newsletter.preheader,
                          summary=f"Partner newsletter, {human(newsletter.date)}"),
             rebase_links(letter, links=links, from_src=LINK_BASE).strip() + "\n"]
    for feature in features:
        page = feature.page
        parts.append(f"\n## {escape_markdown(page.title)}\n\n")
        change = page.latest_change if feature.item.as_updated else None
        if change is not None:
            parts.append(f"**{updated_line(change)}:** {escape_markdown(change.note)}\n\n")
        if feature.item.full:
            body = rebase_links(page.body, links=links, from_src=page.src_uri)
            parts.append(demote_headings(body).strip() + "\n\n")
        else:
            if page.image:
                absolute = links.absolute(page.image, from_src=page.src_uri)
                image = f"/{links.site_relative(absolute)}" if links.is_internal(absolute) else absolute
                parts.append(f"![{escape_markdown(page.image_alt or '')}]({image})\n\n")
            if page.summary:
                parts.append(f"{escape_markdown(page.summary)}\n\n")
        # The email's words for the same link (FeaturedPage.call_to_action), in full or summed up alike.
        parts.append(f"[{escape_markdown(feature.call_to_action)}](/{page.src_uri})\n")
    return "".join(parts)


# A greeting is one short opening paragraph that names the reader: "Dear {{ name }},", "Hello {{ first_name }}!".
_GREETING_WORDS = 8


def without_salutation(body: str) -> str:
    """`body` without its opening greeting: the first paragraph, when it is short, holds a name merge field and
    ends like a greeting (",", "!" or ":"). Any other opening is the letter itself and stays."""
    text = body.lstrip("\n")
    first, blank, rest = text.partition("\n\n")
    words = first.split()
    if (words and len(words) <= _GREETING_WORDS and "\n" not in first.strip()
            and any(match.group(1) in MERGE_FIELDS for match in MERGE_FIELD.finditer(first))
            and first.rstrip().endswith((",", "!", ":"))):
        return rest.lstrip("\n") if blank else ""
    return body


def archive_markdown(newsletters: list[Newsletter]) -> str:
    """The archive page: every published issue, newest first."""
    intro = "Every issue of the partner newsletter, newest first. Each one is also sent by email to our partners."
    # Laid out as the other listings are (core/site/listings.py): the intro as the page's lead paragraph, under
    # its title and above the ways to get updates, and each issue's date on a line of its own under its subject.
    lines = [f"- [{escape_markdown(n.subject)}](/{web_src_uri(n.slug)})  \n  <small>{human(n.date)}</small>  \n"
             f"  {escape_markdown(n.preheader)}" for n in newsletters]
    body = "\n".join(lines) if lines else "There are no issues yet."
    return front_matter(title=NEWSLETTER_PLURAL, type="page", summary=intro) + f"{body}\n"
