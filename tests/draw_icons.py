"""Write the site's PNG icons (drawn by protectpress.core.images) into the theme's images folder.

The PNGs are committed, because mkdocs.yml names them for the feeds and the build checks them before it
draws anything; tests/test_feeds_rules.py proves they are what the core draws. Run this when the shield changes:
    .venv/bin/python tests/draw_icons.py overrides/assets/images
"""

from __future__ import annotations

import sys
from pathlib import Path

from protectpress.core.images import ICONS, icon_png

if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "overrides/assets/images")
    for icon in ICONS:
        (folder / icon).write_bytes(icon_png(icon))
        print(folder / icon)
