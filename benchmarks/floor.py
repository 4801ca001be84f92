"""The Markdown floor: Python-Markdown alone over the same pages with the same extensions as a build.

Run as its own process (`python -m benchmarks.floor mkdocs.yml`) so that it is timed and measured exactly
like a build: interpreter start, imports, reading every file, converting it, writing the HTML.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import markdown

from protectpress.core.foundation.config import load_settings

# MkDocs always adds these to the configured extensions.
MKDOCS_BUILTIN_EXTENSIONS = ["toc", "tables", "fenced_code"]
_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)


def convert_all(config_file: Path, out_dir: Path) -> int:
    settings = load_settings(config_file)
    extensions = list(dict.fromkeys(MKDOCS_BUILTIN_EXTENSIONS + list(settings.markdown_extensions)))
    converter = markdown.Markdown(extensions=extensions, extension_configs=settings.mdx_configs)
    count = 0
    for source in sorted(settings.docs_dir.rglob("*.md")):
        body = _FRONT_MATTER.sub("", source.read_text(encoding="utf-8"), count=1)
        html = converter.reset().convert(body)
        target = out_dir / source.relative_to(settings.docs_dir).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    print(convert_all(Path(sys.argv[1]), Path(sys.argv[2])))
