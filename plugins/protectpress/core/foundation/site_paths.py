"""The site's paths and names, each written once: the folders of docs/ and of the built site, the files in them
that more than one part of protectpress writes or reads, and the kinds of page with their folders, labels and order.
"""

from __future__ import annotations

WEB_FOLDER = "newsletters"
ARCHIVE_SRC_URI = f"{WEB_FOLDER}/index.md"
