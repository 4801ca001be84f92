"""The preview's problems page: while the content has problems, every page of the preview is this page, listing
each one (file, line, what to do) in the words `protectpress check` prints. Shared by `protectpress serve` and a
plain `mkdocs serve`; the server that answers with it lives in mkdocs_plugins/preview_server.py."""

from __future__ import annotations

import html
from collections.abc import Iterable

from ..foundation.problems import Problem, Severity

# Not 200: tools and scripts fetching the preview must see that the page is not there to be had. 503 says the
# site cannot be shown for now and will be again (once the author saves the fix), where 500 would say the
# server itself failed.
STATUS = "503 Service Unavailable"


def problems_page(problems: Iterable[Problem], stopped: str | None, language: str) -> bytes:
    """The page every preview request gets while there are problems: each error in plain words (or, with no
    error among them, everything found; with nothing found at all, why the build stopped)."""
    found = list(problems)
    errors = [p for p in found if p.severity is Severity.ERROR] or found
    items = "\n".join(_problem_item(p) for p in errors) or f"<li>{html.escape(stopped or '')}</li>"
    count = f"{len(errors)} problem{'' if len(errors) == 1 else 's'}" if errors else "A problem"
    return f"""<!doctype html>
<html lang="{html.escape(language)}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>The preview has problems to fix</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
       color: #0b0c0c; }}
h1 {{ font-size: 2rem; }} li {{ margin-bottom: 1rem; }} code {{ background: #f3f2f1; padding: 0 .2rem; }}
.lead {{ font-size: 1.2rem; }}
</style></head>
<body><main>
<h1>The preview has problems to fix</h1>
<p class="lead">{count} to fix before the site can be shown. Fix each one in the file named, save it, and this
page turns into your page by itself.</p>
<ol>
{items}
</ol>
<p>The same list is in the window where the preview runs, and <code>protectpress check</code> prints it too.</p>
</main></body></html>
""".encode()


def _problem_item(problem: Problem) -> str:
    line = f", line {problem.line}" if problem.line else ""
    key = f"<code>{html.escape(problem.key)}</code>: " if problem.key else ""
    found = f" Found {html.escape(problem.found)}." if problem.found is not None else ""
    expected = html.escape(problem.expected)
    return (f"<li><strong>{html.escape(problem.path)}</strong>{line}<br>{key}{expected[:1].upper()}{expected[1:]}."
            f"{found}</li>")
