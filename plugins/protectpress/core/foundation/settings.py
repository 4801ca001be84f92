"""Our settings, as every command and the MkDocs plugin see them: `Settings` (the few site keys the core
needs) and one dataclass per group of our `protectpress` plugin block (`vocabulary`, `feeds`, `newsletter`,
`sending`, `offline`, `brand`). A field's default sets its type; `plugin_settings.py` reads the block into them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .buildcache import CACHE_FOLDER
from .links import SiteLinks
from .site_paths import (
    ABOUT_PAGE,
    ACCESSIBILITY_PAGE,
    JOURNAL_FOLDER,
    LISTING_GROUPS,
    NEWSLETTER_SOURCES,
    PRIVACY_PAGE,
    SUPPRESSED_FILE,
    ListingGroup,
)

CONFIG_NAME = "mkdocs.yml"
PLUGIN_NAME = "protectpress"
# The one home of the language: mkdocs.yml's `theme.language`, which Material reads too. Feeds, emails, redirect
# pages, the search index, the web app manifest, the preview's problems page and the unsubscribe and
# subscriptions services' pages all take `Settings.language`; this is only the default when it is unset.
DEFAULT_LANGUAGE = "en-GB"
# The brand's navy: the default of the email's header and of the phone's title bar, as the theme's stylesheet
# (overrides/assets/stylesheets/protectpress.css, --md-primary-fg-color) colours the site's header.
NAVY = "#1d3557"


# ----------------------------------------------------------------------------------------------------------
# Our settings: one dataclass per group. A field's default sets its type; unknown keys are config problems.


@dataclass
class Vocabulary:
    """Topics (`tags`) and audiences (`sectors`), declared once: slug -> label."""

    tags: dict[str, str] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)

    def by_group(self) -> list[tuple[ListingGroup, dict[str, str]]]:
        """Each listing group with its terms (slug -> label): the topics are the `tags`."""
        return [(group, getattr(self, group.key)) for group in LISTING_GROUPS]


@dataclass
class FeedSettings:
    enabled: bool = True
    limit: int = 50
    title: str = ""  # default: site_name
    description: str = ""  # default: site_description
    author_name: str = ""  # default: site_author or site_name
    author_email: str = ""
    logo: str = ""  # docs-relative image path or absolute URL: RSS <image> and Atom <logo>
    icon: str = ""  # a square image, 512 pixels: JSON Feed `icon`
    favicon: str = ""  # a small square image, 64 pixels: JSON Feed `favicon` and Atom <icon>


@dataclass
class NewsletterSettings:
    enabled: bool = True
    folder: str = NEWSLETTER_SOURCES
    template: str = "overrides/emails/newsletter.mjml.j2"
    organisation: str = ""  # default: the brand's organisation, else site_name
    logo: str = ""  # docs-relative image path or absolute URL
    logo_alt: str = ""
    brand_colour: str = NAVY  # header background
    brand_text_colour: str = "#ffffff"  # text on the header
    link_colour: str = "#1a4f8b"
    button_colour: str = "#1a4f8b"
    button_text_colour: str = "#ffffff"
    contact_address: str = ""
    footer_text: str = ""
    why_received: str = "You receive this email because your organisation is a partner of ours."
    privacy_page: str = PRIVACY_PAGE  # docs-relative page the footer links to
    # The email's own colours; every text/background pair is checked for 4.5:1 contrast at build time.
    text_colour: str = "#1b1b1b"
    background_colour: str = "#ffffff"  # the letter itself
    page_colour: str = "#f3f4f6"  # around the letter, behind the footer
    dark_text_colour: str = "#e8e8e8"
    dark_background_colour: str = "#1e1e1e"
    dark_link_colour: str = "#9cc3ff"


@dataclass
class SendingSettings:
    from_address: str = ""
    from_name: str = ""  # default: newsletter organisation
    reply_to: str = ""
    return_path: str = ""
    unsubscribe_mailto: str = ""  # default: reply_to or from_address
    unsubscribe_url: str = ""  # where `protectpress unsubscribe serve` runs, e.g. https://example.org/unsubscribe/
    list_id: str = ""  # the List-Id header; default: newsletter.<site_url's host>
    suppression_file: str = f"{NEWSLETTER_SOURCES}/{SUPPRESSED_FILE}"
    journal_dir: str = f"{NEWSLETTER_SOURCES}/{JOURNAL_FOLDER}"
    outbox_dir: str = "outbox"
    rate: float = 5.0  # messages a second; 0 means no limit (--rate overrides)
    max_consecutive_failures: int = 10
    retry_attempts: int = 3  # tries per recipient in one run when the relay answers 4xx
    retry_backoff: float = 2.0  # seconds before the first retry, doubling each time (capped at 60)
    smtp_timeout: float = 60.0  # seconds to wait for the relay before treating the connection as lost
    soft_bounce_limit: int = 3  # newsletters soft-bounced in a row before `bounces` suppresses the address


    @property
    def unsubscribe_address(self) -> str:
        """Where "unsubscribe" emails go: the setting, else replies, else the sender."""
        return self.unsubscribe_mailto or self.reply_to or self.from_address


@dataclass
class OfflineSettings:
    """Action cards offline: a service worker and a home-screen manifest (never under the preview)."""

    enabled: bool = True
    theme_colour: str = NAVY  # the phone's title bar when the site is opened from the home screen
    background_colour: str = "#ffffff"  # the splash screen while it opens


@dataclass
class BrandSettings:
    """The organisation behind the site: the brand bar above every page, the footer and printed cards."""

    organisation: str = ""  # default: the newsletter's organisation, else site_name
    short_name: str = ""  # the header's name, shown in full on a phone; default: site_name
    logo: str = ""  # an SVG beside the pages (docs/) or the theme (overrides/), e.g. assets/images/logo.svg
    contact_email: str = ""
    contact_page: str = ABOUT_PAGE  # docs-relative pages the footer links to, when they exist
    accessibility_page: str = ACCESSIBILITY_PAGE


@dataclass
class PluginSettings:
    """The `protectpress` plugin block of mkdocs.yml."""

    enabled: bool = True
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    newsletter: NewsletterSettings = field(default_factory=NewsletterSettings)
    sending: SendingSettings = field(default_factory=SendingSettings)
    offline: OfflineSettings = field(default_factory=OfflineSettings)
    brand: BrandSettings = field(default_factory=BrandSettings)


@dataclass
class Settings:
    """Everything the core needs to know about a project, read from its mkdocs.yml."""

    project_dir: Path
    config_file: Path
    site_name: str
    site_url: str
    site_description: str
    site_author: str
    docs_dir: Path
    site_dir: Path
    use_directory_urls: bool
    markdown_extensions: list[str]  # what pages are rendered with: MkDocs' built-in ones and mkdocs.yml's
    mdx_configs: dict
    custom_dir: Path | None
    plugin: PluginSettings
    language: str = DEFAULT_LANGUAGE  # theme.language: the BCP 47 tag of every page, feed and email

    @property
    def links(self) -> SiteLinks:
        return SiteLinks(self.site_url, self.use_directory_urls)

    @property
    def vocabulary(self) -> Vocabulary:
        return self.plugin.vocabulary

    @property
    def newsletters_dir(self) -> Path:
        return self.project_dir / self.plugin.newsletter.folder

    @property
    def cache_dir(self) -> Path:
        """Where a build keeps what the next one may reuse (core/foundation/buildcache.py): never published."""
        return self.project_dir / CACHE_FOLDER

    def relative(self, path: Path | str) -> str:
        """A path as messages show it: relative to the project folder, with forward slashes."""
        return relative_path(path, self.project_dir)

    def project_path(self, value: str) -> Path:
        return (self.project_dir / value) if not Path(value).is_absolute() else Path(value)


def relative_path(path: Path | str, base: Path) -> str:
    """`path` relative to `base` with forward slashes, as messages show it; as given when outside `base`.
    The one home for it: `Settings.relative`, content loading and the build's messages all call this."""
    path = Path(path)
    # Where the path is first: a link is named where it stands, not where it leads (the resolved path). The
    # resolved paths only when that fails: resolving asks the disk about every folder on the way (it was 2,000
    # calls and 0.5 CPU s of a 1,000-page build, for paths that nearly always lie under the project).
    for where in (lambda: (Path(os.path.abspath(path)), Path(os.path.abspath(base))),
                  lambda: (path.resolve(), base.resolve())):
        candidate, root = where()
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()
