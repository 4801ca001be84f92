"""The organisation behind the site, as every page shows it: name and logo in the brand bar, the footer's
contact and policy links, and the header of a printed card. Read once from mkdocs.yml's `brand:` settings.

The logo is inlined (so it takes the brand bar's text colour through `currentColor` on screen and prints black
on paper), which makes it part of every page: it must pass the content policy like any SVG that is published.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..foundation.config import PLUGIN_NAME, Settings
from ..judge.content_policy import check_document
from ..foundation.problems import Problems
from ..judge.sanitise import decodings, find_active_document_content

LOGO_KEY = f"plugins.{PLUGIN_NAME}.brand.logo"
LOGO_EXPECTED = "expected an SVG file in docs/ or the theme folder, like assets/images/logo.svg"


@dataclass(frozen=True)
class FooterLink:
    label: str
    src_uri: str  # docs-relative page


@dataclass(frozen=True)
class Brand:
    organisation: str
    short_name: str
    logo_svg: str | None  # the SVG element's text, checked; None without a logo
    contact_email: str
    footer_links: tuple[FooterLink, ...]  # only pages the site has


def load_brand(settings: Settings, pages: set[str], problems: Problems) -> Brand:
    """The brand from `settings`; `pages` are the docs-relative sources the site builds (footer links to a
    page that does not exist are left out rather than broken)."""
    brand = settings.plugin.brand
    wanted = (FooterLink("Contact", brand.contact_page),
              FooterLink("Accessibility statement", brand.accessibility_page),
              FooterLink("Privacy", settings.plugin.newsletter.privacy_page))
    return Brand(
        organisation=brand.organisation or settings.plugin.newsletter.organisation or settings.site_name,
        short_name=brand.short_name or settings.site_name,
        logo_svg=_read_logo(settings, problems) if brand.logo else None,
        contact_email=brand.contact_email,
        footer_links=tuple(link for link in wanted if link.src_uri in pages),
    )


def _read_logo(settings: Settings, problems: Problems) -> str | None:
    value = settings.plugin.brand.logo
    folders = [settings.docs_dir, *([settings.custom_dir] if settings.custom_dir else [])]
    found = next((folder / value for folder in folders if (folder / value).is_file()), None)
    if found is None or found.suffix.lower() != ".svg":
        problems.error(settings.config_file.name, LOGO_EXPECTED, repr(value), key=LOGO_KEY)
        return None
    data = found.read_bytes()
    if find_active_document_content(data):
        # Judged here, not by counting new errors: the same logo under docs/ was named already by the build's
        # check of docs/ files, and a problem is reported once, so the count would not move.
        check_document(settings.relative(found), data, problems)
        return None
    text = decodings(data, xml=True)[0]
    start = text.find("<svg")
    if start < 0:
        problems.error(settings.config_file.name, LOGO_EXPECTED, f"{value} holds no <svg> element", key=LOGO_KEY)
        return None
    return text[start:].strip()
