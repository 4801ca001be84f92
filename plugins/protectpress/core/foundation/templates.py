"""The one way protectpress writes HTML of its own: `html_text` makes a value safe to print (the one escape
function, used wherever Python writes HTML), and `render_page` writes a whole page (outside MkDocs' theme) from
a Jinja template in `protectpress/templates/`, with one environment that escapes every value it prints
(autoescape), so a hostile title, address or problem prints as text wherever it lands.

The pages: the redirect pages a build writes at old addresses (`redirect.html`), the preview's problems page
(`problems.html`) and the unsubscribe and subscriptions services' pages (`service/`). Each names the site's
language (mkdocs.yml's theme.language) in its `lang`. A piece of HTML that is already safe (the sign-up form,
drawn by core/subscriptions/form.py for the Subscribe page too) is passed as `Markup`.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup, escape

# Every value escaped; a misspelt name in a template is an error, never a silently empty string.
_ENVIRONMENT = jinja2.Environment(loader=jinja2.PackageLoader("protectpress", "templates"), autoescape=True,
                                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def html_text(text: str) -> Markup:
    """Plain text (a title, a summary, a label, an address) made safe to print anywhere in HTML, as text or inside
    a quoted attribute. A value already made safe comes back unchanged, so nothing is escaped twice (no
    `&amp;amp;`). The templates escape with the same function."""
    return escape(text)


def render_page(template: str, **values: Any) -> str:
    """The page `template` (a path inside protectpress/templates/) with `values`, each escaped as it is printed."""
    return _ENVIRONMENT.get_template(template).render(**values)
