"""Write the site's PNG icons and link-preview picture (drawn by protectpress.core.site.images) into the theme's
images folder.

The PNGs are committed, because mkdocs.yml names them for the feeds and the build checks them before it
draws anything, and because the preview picture (the same for every site) took a sixth of a second to draw in
every build; tests/test_feeds_rules.py proves they are what the core draws. Run this when the shield changes:
    .venv/bin/python tests/draw_icons.py overrides/assets/images
"""

from __future__ import annotations

import sys
from pathlib import Path

from protectpress.core.site.images import ICONS, icon_png, preview_png
from protectpress.core.site.metadata import PREVIEW_IMAGE

if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "overrides/assets/images")
    for icon in ICONS:
        (folder / icon).write_bytes(icon_png(icon))
        print(folder / icon)
    preview = folder / PREVIEW_IMAGE.rsplit("/", 1)[1]
    preview.write_bytes(preview_png())
    print(preview)
