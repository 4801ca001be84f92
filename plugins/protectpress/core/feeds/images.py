"""The feeds' own images (logo, icon, favicon) and the files behind image addresses this site publishes.

RSS allows only GIF, JPEG and PNG for its `<image>`, at most 144 pixels wide and 400 high (88 by 31 when no
size is given), and JSON Feed readers show the same formats; an SVG logo passes nowhere. The settings are
checked once, at config time, so that a comms officer learns about a wrong image before the build.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from ..foundation.config import Settings
from ..foundation.problems import Problems, describe

FEED_IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif")
RSS_IMAGE_MAX = (144, 400)  # width, height
_SETTINGS_KEY = "plugins.protectpress.feeds."


@dataclass(frozen=True)
class FeedImage:
    url: str  # absolute
    size: tuple[int, int] | None  # (width, height) in pixels, when the file is ours and readable


def feed_image(value: str, settings: Settings) -> FeedImage | None:
    """A configured image (a docs-relative path or a full URL) as the feeds refer to it, or None when unset."""
    if not value:
        return None
    url = settings.links.absolute(value)
    local = local_file(url, settings)
    return FeedImage(url, pixel_size(local) if local else None)


def check_feed_images(settings: Settings, problems: Problems) -> None:
    """One problem per image setting a feed reader would not show, naming the setting in mkdocs.yml."""
    options = settings.plugin.feeds
    config = settings.relative(settings.config_file)
    for key in ("logo", "icon", "favicon"):
        value: str = getattr(options, key)
        if not value:
            continue
        path = value.split("#", 1)[0].split("?", 1)[0].lower()
        if not path.endswith(FEED_IMAGE_TYPES):
            problems.warning(config, "expected a PNG, JPEG or GIF image (feed readers show no other kind)",
                             describe(value), key=_SETTINGS_KEY + key)
            continue
        image = feed_image(value, settings)
        if key == "logo" and image and image.size and not _fits_rss(image.size):
            width, height = image.size
            problems.warning(config, "expected an image at most 144 pixels wide and 400 high (the most RSS allows)",
                             f"{describe(value)}, {width} by {height} pixels", key=_SETTINGS_KEY + key)


def local_file(url: str, settings: Settings) -> Path | None:
    """The file behind an absolute URL this site publishes (from docs/ or the theme folder), if there is one."""
    site_path = settings.links.site_relative(url)
    if not site_path:
        return None
    site_path = site_path.split("#", 1)[0].split("?", 1)[0]
    for folder in (settings.docs_dir, settings.custom_dir):
        if folder is None:
            continue
        candidate = Path(folder) / site_path
        if candidate.is_file():
            return candidate
    return None


def pixel_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of a PNG or GIF from its header; None for anything else or a damaged file."""
    with path.open("rb") as handle:
        head = handle.read(32)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    if head[:6] in (b"GIF87a", b"GIF89a"):
        width, height = struct.unpack("<HH", head[6:10])
        return width, height
    return None


def _fits_rss(size: tuple[int, int]) -> bool:
    return 0 < size[0] <= RSS_IMAGE_MAX[0] and 0 < size[1] <= RSS_IMAGE_MAX[1]
