"""The preview's problems page: while the content has problems, every page of the preview is this page, listing
each one (file, line, what to do) in the words `protectpress check` prints. Shared by `protectpress serve` and a
plain `mkdocs serve`; the server that answers with it lives in mkdocs_plugins/preview_server.py."""

from __future__ import annotations

from collections.abc import Iterable

from ..foundation.problems import Problem, Severity
from ..foundation.templates import render_page

# Not 200: tools and scripts fetching the preview must see that the page is not there to be had. 503 says the
# site cannot be shown for now and will be again (once the author saves the fix), where 500 would say the
# server itself failed.
STATUS = "503 Service Unavailable"


def problems_page(problems: Iterable[Problem], stopped: str | None, language: str) -> bytes:
    """The page every preview request gets while there are problems: each error in plain words (or, with no
    error among them, everything found; with nothing found at all, why the build stopped)."""
    found = list(problems)
    errors = [p for p in found if p.severity is Severity.ERROR] or found
    count = f"{len(errors)} problem{'' if len(errors) == 1 else 's'}" if errors else "A problem"
    return render_page("problems.html", language=language, count=count, problems=errors,
                       stopped=stopped or "").encode()
