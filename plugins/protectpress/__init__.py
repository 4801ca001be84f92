"""protectpress: protective-security guidance site, partner feeds and newsletters from one Markdown source.

`protectpress.core` holds the content model, feeds, email rendering and sending, and imports no MkDocs;
`protectpress.mkdocs_plugins` adapts it to MkDocs; `protectpress.cli` is the `protectpress` command.
"""

__version__ = "0.1.0"
