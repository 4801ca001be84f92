"""Reads `mkdocs.yml` into our settings, without MkDocs.

The CLI, `protectpress check` and the sending commands run where MkDocs may be gone one day, so the core
reads the config file itself: the few site keys it needs plus our one `protectpress` plugin block, grouped
as `vocabulary`, `feeds`, `newsletter` and `sending`. The YAML loader accepts MkDocs' `!ENV` and
`!relative` tags and Material's `!!python/name:` values, which a plain safe loader rejects.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

import yaml
from yaml_env_tag import construct_env_tag

from .buildcache import CACHE_FOLDER
from .email_addresses import valid_address
from .frontmatter import yaml_problem_in_words
from .headertext import header_text_expected, header_text_problem
from .links import SiteLinks
from .problems import Problems, describe
from .service_address import service_address_problem
from .slugs import slugify

CONFIG_NAME = "mkdocs.yml"
PLUGIN_NAME = "protectpress"
# The one home of the language: mkdocs.yml's `theme.language`, which Material reads too. Feeds, emails, redirect
# pages and the preview's problem page all take `Settings.language`; this is only the default when it is unset.
DEFAULT_LANGUAGE = "en-GB"


class ConfigError(Exception):
    """The config file is missing or wrong: `protectpress` exits 2, with this message and no traceback."""


# ----------------------------------------------------------------------------------------------------------
# Our settings: one dataclass per group. A field's default sets its type; unknown keys are config problems.


@dataclass
class Vocabulary:
    """Topics (`tags`) and audiences (`sectors`), declared once: slug -> label."""

    tags: dict[str, str] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)


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
    folder: str = "newsletters"
    template: str = "overrides/emails/newsletter.mjml.j2"
    organisation: str = ""  # default: site_name
    logo: str = ""  # docs-relative image path or absolute URL
    logo_alt: str = ""
    brand_colour: str = "#1d3557"  # header background
    brand_text_colour: str = "#ffffff"  # text on the header
    link_colour: str = "#1a4f8b"
    button_colour: str = "#1a4f8b"
    button_text_colour: str = "#ffffff"
    contact_address: str = ""
    footer_text: str = ""
    why_received: str = "You receive this email because your organisation is a partner of ours."
    privacy_page: str = "privacy.md"  # docs-relative page the footer links to
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
    suppression_file: str = "newsletters/suppressed.csv"
    journal_dir: str = "newsletters/.sends"
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
    theme_colour: str = "#1d3557"  # the phone's title bar when the site is opened from the home screen
    background_colour: str = "#ffffff"  # the splash screen while it opens


@dataclass
class BrandSettings:
    """The organisation behind the site: the brand bar above every page, the footer and printed cards."""

    organisation: str = ""  # default: the newsletter's organisation, else site_name
    short_name: str = ""  # the header's name, shown in full on a phone; default: site_name
    logo: str = ""  # an SVG beside the pages (docs/) or the theme (overrides/), e.g. assets/images/logo.svg
    contact_email: str = ""
    contact_page: str = "about.md"  # docs-relative pages the footer links to, when they exist
    accessibility_page: str = "accessibility.md"


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
    # Where the path is first: a link is named where it stands, not where it leads (the resolved path).
    where_it_is = (Path(os.path.abspath(path)), Path(os.path.abspath(base)))
    for candidate, root in (where_it_is, (path.resolve(), base.resolve())):
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    return path.as_posix()


# ----------------------------------------------------------------------------------------------------------
# Finding and reading the file.


def find_config(config_file: str | os.PathLike | None = None, start: Path | None = None) -> Path:
    """`-f FILE` if given, else `mkdocs.yml` in the current folder or the nearest parent that has one."""
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"no {CONFIG_NAME} in {here} or any folder above it: run this inside a protectpress project, or pass -f"
    )


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads MkDocs' and Material's special tags as plain values instead of failing."""


def _construct_env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # `!ENV NAME` or `!ENV [NAME, OTHER, default]`: read by pyyaml-env-tag, the library MkDocs itself uses, so both
    # agree on every value. Only a mapping, which it rejects in its own words, is worded here for comms staff.
    if isinstance(node, yaml.MappingNode):
        raise yaml.constructor.ConstructorError(
            None, None, "expected a name or a list of names after !ENV, found a mapping", node.start_mark
        )
    return construct_env_tag(loader, node)


def _construct_python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> str:
    return suffix  # e.g. "material.extensions.emoji.twemoji": a name, not something we need to import


def _construct_scalar_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None


_TolerantLoader.add_constructor("!ENV", _construct_env)
_TolerantLoader.add_constructor("!relative", _construct_scalar_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/name:", _construct_python_name)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/object", lambda loader, suffix, node: None)


def read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name}: expected UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=_TolerantLoader)
    except yaml.YAMLError as error:
        line, expected, found = yaml_problem_in_words(error, text, "YAML")
        raise ConfigError(f"{path.name}:{line}: {expected}, found {found}") from None
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        # PyYAML's constructors fail with plain Python errors on `!!int x` and the like (found by fuzzing).
        raise ConfigError(f"{path.name}: expected valid YAML, found a value that does not fit its !! type tag "
                          "or is nested too deeply") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings, found {describe(data)}")
    return data


def plugin_block(config: dict) -> dict | None:
    """Our block from `plugins:`, which MkDocs allows as a list of names/mappings or as a mapping."""
    plugins = config.get("plugins") or []
    entries = plugins.items() if isinstance(plugins, dict) else (
        (next(iter(p)), next(iter(p.values()))) if isinstance(p, dict) and len(p) == 1 else (p, {}) for p in plugins
    )
    for name, options in entries:
        if name == PLUGIN_NAME:
            return options or {}
    return None


def load_settings(config_file: str | os.PathLike | None = None, *, site_dir: str | os.PathLike | None = None,
                  site_url: str | None = None) -> Settings:
    """Find and read mkdocs.yml into `Settings`: the one way settings are built, for every command and for the
    MkDocs plugin. `site_dir` and `site_url` override the file (a build's staging folder, the preview's
    address). Raises `ConfigError` listing every problem found."""
    path = find_config(config_file)
    config = read_yaml(path)
    if site_url is not None:
        config["site_url"] = site_url
    problems = Problems()
    plugin = read_plugin_settings(plugin_block(config) or {}, problems, path.name)
    _check_site_url(config.get("site_url"), problems, path.name)
    if problems.errors:
        raise ConfigError("\n".join(str(p) for p in problems.errors))
    return _settings(config, path, plugin, site_dir=site_dir)


def _check_site_url(site_url: Any, problems: Problems, config_name: str) -> None:
    if not isinstance(site_url, str) or not site_url.startswith(("http://", "https://")):
        problems.error(config_name, "expected the site's address like https://example.org/ (every feed, email and "
                       "published address is made from it)", describe(site_url), key="site_url")


def _settings(
    config: dict, path: Path, plugin: PluginSettings, *, site_dir: str | os.PathLike | None = None
) -> Settings:
    project_dir = path.parent
    theme = config.get("theme") or {}
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    extensions, mdx_configs = _markdown_extensions(config.get("markdown_extensions") or [])
    return Settings(
        project_dir=project_dir,
        config_file=path,
        site_name=str(config.get("site_name") or ""),
        site_url=config["site_url"],
        site_description=str(config.get("site_description") or ""),
        site_author=str(config.get("site_author") or ""),
        docs_dir=project_dir / str(config.get("docs_dir") or "docs"),
        site_dir=Path(site_dir) if site_dir else project_dir / str(config.get("site_dir") or "site"),
        use_directory_urls=bool(config.get("use_directory_urls", True)),
        markdown_extensions=extensions,
        mdx_configs=mdx_configs,
        custom_dir=project_dir / custom_dir if custom_dir else None,
        plugin=plugin,
        language=_theme_language(theme),
    )


def _theme_language(theme: Any) -> str:
    language = theme.get("language") if isinstance(theme, dict) else None
    return language if isinstance(language, str) and language.strip() else DEFAULT_LANGUAGE


# MkDocs renders every site with these before the project's own (mkdocs.config.defaults, markdown_extensions).
SITE_BUILT_IN_EXTENSIONS = ("toc", "tables", "fenced_code")


def _markdown_extensions(entries: list) -> tuple[list[str], dict]:
    """The extensions a page is really rendered with: MkDocs' built-in ones, then the project's, each once."""
    names: list[str] = list(SITE_BUILT_IN_EXTENSIONS)
    configs: dict[str, Any] = {}
    for entry in entries if isinstance(entries, list) else []:
        pairs = entry.items() if isinstance(entry, dict) else [(entry, None)] if isinstance(entry, str) else []
        for name, options in pairs:
            if name not in names:
                names.append(name)
            if isinstance(entry, dict):
                configs[name] = options or {}
    return names, configs


# ----------------------------------------------------------------------------------------------------------
# Reading our block with the dataclasses above as the schema.


def read_plugin_settings(block: dict, problems: Problems, config_name: str = CONFIG_NAME) -> PluginSettings:
    """Read the `protectpress` block into `PluginSettings`, adding a problem for each unknown or wrong key."""
    settings = _read_dataclass(PluginSettings, block, f"plugins.{PLUGIN_NAME}", problems, config_name)
    settings.vocabulary = Vocabulary(
        tags=_read_vocabulary(block.get("vocabulary", {}), "tags", problems, config_name),
        sectors=_read_vocabulary(block.get("vocabulary", {}), "sectors", problems, config_name),
    )
    if settings.vocabulary.sectors and "all" not in settings.vocabulary.sectors:
        settings.vocabulary.sectors = {"all": "All sectors", **settings.vocabulary.sectors}
    if settings.feeds.limit < 1:
        problems.error(config_name, "expected a whole number of entries, 1 or more", describe(settings.feeds.limit),
                       key=f"plugins.{PLUGIN_NAME}.feeds.limit")
    for key, expected, found in sending_problems(settings.sending):
        problems.error(config_name, expected, found, key=f"{SENDING}.{key}")
    return settings


SENDING = f"plugins.{PLUGIN_NAME}.sending"
# RFC 2919: a dot-atom with at least one dot, kept to plain letters so it reads the same everywhere.
_LIST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_LIST_ID = re.compile(rf"(?=.{{3,200}}$){_LIST_LABEL}(?:\.{_LIST_LABEL})+")


def sending_problems(sending: SendingSettings, *, sending_now: bool = False) -> list[tuple[str, str, str]]:
    """(key, expected, found) for each wrong sending setting. Every command checks what is set; a send or an
    export (`sending_now`) also needs a sender address."""
    found: list[tuple[str, str, str]] = []
    for key in ("from_address", "reply_to", "return_path", "unsubscribe_mailto"):
        value = getattr(sending, key)
        if (value or (sending_now and key == "from_address")) and not valid_address(value or ""):
            found.append((key, "expected an email address like news@example.org", repr(value)))
    if sending.soft_bounce_limit < 1:
        found.append(("soft_bounce_limit", "expected a whole number of soft bounces in a row, 1 or more",
                      repr(sending.soft_bounce_limit)))
    base = sending.unsubscribe_url
    if base:
        wrong = service_address_problem(base)
        if wrong is not None:
            found.append(("unsubscribe_url", *wrong))
        unsafe = header_text_problem(base)  # with a token, in every List-Unsubscribe header: short, one line
        if unsafe is not None:
            found.append(("unsubscribe_url", header_text_expected(), unsafe))
    if sending.list_id and not _LIST_ID.fullmatch(sending.list_id):
        found.append(("list_id", "expected a list name like newsletter.example.org (letters, digits, hyphens and "
                      "dots, at most 200 characters)", repr(sending.list_id)))
    return found


def _read_dataclass(cls: type, data: Any, where: str, problems: Problems, config_name: str) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(config_name, "expected a mapping of settings", describe(data), key=where)
        return cls()
    hints = get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            problems.error(config_name, f"expected one of {', '.join(known)}", repr(key), key=where)
            continue
        kind = hints[key]
        if isinstance(kind, type) and dataclasses.is_dataclass(kind):
            # Vocabulary too: this checks its group names; read_plugin_settings then reads its slugs.
            values[key] = _read_dataclass(kind, value, f"{where}.{key}", problems, config_name)
        else:
            converted = _convert(value, kind)
            if converted is _WRONG:
                problems.error(config_name, f"expected {_type_words(kind)}", describe(value), key=f"{where}.{key}")
            else:
                values[key] = converted
    return cls(**values)


_WRONG = object()


def _convert(value: Any, kind: Any) -> Any:
    if kind is bool:
        return value if isinstance(value, bool) else _WRONG
    if kind is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else _WRONG
    if kind is float:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _WRONG
    if kind is str:
        return value if isinstance(value, str) else ("" if value is None else _WRONG)
    return value


def _type_words(kind: Any) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text"}.get(kind, "a value")


def _read_vocabulary(block: Any, group: str, problems: Problems, config_name: str) -> dict[str, str]:
    """`tags: [Martyn's Law, ...]` or `tags: {martyns-law: Martyn's Law}` -> {slug: label}."""
    entries = block.get(group, {}) if isinstance(block, dict) else {}
    where = f"plugins.{PLUGIN_NAME}.vocabulary.{group}"
    if isinstance(entries, list):
        pairs = [(slugify(str(e)), str(e)) for e in entries]
    elif isinstance(entries, dict):
        pairs = [(slugify(str(k)), str(v) if v else str(k)) for k, v in entries.items()]
    else:
        problems.error(config_name, "expected a list or a mapping of slug: label", describe(entries), key=where)
        return {}
    return dict(pairs)
