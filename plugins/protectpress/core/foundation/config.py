"""Reads `mkdocs.yml` into our settings, without MkDocs: finds the file, reads its YAML, and builds `Settings`.

The CLI, `protectpress check` and the sending commands run where MkDocs may be gone one day, so the core
reads the config file itself: the few site keys it needs plus our one `protectpress` plugin block
(`plugin_settings.py`). The YAML loader accepts MkDocs' `!ENV` and `!relative` tags and Material's
`!!python/name:` values, which a plain safe loader rejects.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag

from .deep_parse import collector_paused
from .fields import nearest_words
from .plugin_settings import read_plugin_settings
from .problems import Problems, describe
from .settings import CONFIG_NAME, DEFAULT_LANGUAGE, PLUGIN_NAME, PluginSettings, Settings
from .yaml_depth import DEEPEST_NESTING, key_above, line_nested_too_deep
from .yaml_words import yaml_problem_in_words


class ConfigError(Exception):
    """The config file is missing or wrong: `protectpress` exits 2, with this message and no traceback."""


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
    if (line := line_nested_too_deep(text)) is not None:
        key = key_above(text, line)
        raise ConfigError(f"{path.name}:{line + 1}: {f'{key}: ' if key else ''}expected brackets or lists inside "
                          f"each other at most {DEEPEST_NESTING} levels deep, found more levels than that")
    try:
        with collector_paused():
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
    _check_site_url(config, problems, path.name)
    if problems.errors:
        raise ConfigError("\n".join(str(p) for p in problems.errors))
    return _settings(config, path, plugin, site_dir=site_dir)


def _check_site_url(config: dict, problems: Problems, config_name: str) -> None:
    site_url = config.get("site_url")
    if not isinstance(site_url, str) or not site_url.startswith(("http://", "https://")):
        found = describe(site_url)
        if "site_url" not in config:  # a misspelt key (site_ulr:) is the usual way to have none
            near = nearest_words("site_url", [key for key in config if isinstance(key, str)], count=1, cutoff=0.75)
            found += f" (but there is a key {near[0]}: is it a slip for site_url?)" if near else ""
        problems.error(config_name, "expected the site's address like https://example.org/ (every feed, email and "
                       "published address is made from it)", found, key="site_url")


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
