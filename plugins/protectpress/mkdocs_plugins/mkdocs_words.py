"""MkDocs' own words that protectpress sets or matches: settings written as mkdocs.yml would write them, and
MkDocs' log lines and markers recognised by their wording. Each is checked against the pinned MkDocs by
tests/test_mkdocs_contract.py, which names the one that changed. (The live-reload server's private methods the
preview relies on are in preview_server.py, checked by the same test.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads the words below without loading MkDocs
    from mkdocs.config.defaults import MkDocsConfig

# Our link check reads every page, feed and email the build (or the preview) wrote and names the file to edit;
# MkDocs' own warnings about the same links would say each mistake twice, in its words. Docs-root links
# (`/guidance/pals.md`) are part of our content model, in authors' pages and in the pages we generate, so they must
# resolve whatever `validation:` a project's mkdocs.yml sets. Written in MkDocs' documented mkdocs.yml words, which
# MkDocs itself reads: no private name of MkDocs (tests/test_mkdocs_contract.py checks they still hold).
LINK_VALIDATION = {"not_found": "ignore", "anchors": "ignore", "unrecognized_links": "ignore",
                   "absolute_links": "relative_to_docs"}


def set_link_validation(config: MkDocsConfig) -> None:
    links = config.validation.links
    links.load_dict(LINK_VALIDATION)
    errors, _ = links.validate()
    if errors:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"MkDocs no longer takes these validation settings: {errors}")


# What MkDocs puts at the top of a draft page under `mkdocs serve` (mkdocs/commands/build.py, MkDocs 1.6): its
# wording, matched as a string (tests/test_mkdocs_contract.py fails if MkDocs changes it).
MKDOCS_DRAFT_MARKER = ('<div class="mkdocs-draft-marker" title="This page will not be included into the built '
                       'site.">DRAFT</div>')


# How MkDocs words the end of a build it stopped (mkdocs/commands/build.py): `cli/build.py` says it in plain words.
STRICT_MODE = "strict mode"  # in "Aborted with 2 warnings in strict mode!"
BUILD_ERROR = "Aborted with a BuildError!"

# MkDocs' own progress lines that say nothing to comms staff, or name the temporary folder we build in.
NOISE = ("Cleaning site directory", "Building documentation to directory", "Documentation built in",
         "A 'dirty' build is being performed", "Building documentation...", "The directory contains stale files")
