"""What a whole built page runs inline, read from the tree a browser builds: the inline scripts and style
attributes the Content-Security-Policy (core/site/csp.py) allows by hash.

The page is parsed as the judge of active content parses (Lexbor, through selectolax, by the HTML standard, as
a browser that runs script), so a script's text is exactly the text the browser hashes: a `>` inside a quoted
attribute, `</script foo>`, an upper-case tag or a `src=` inside another attribute's value cannot move where a
script starts or ends, and what only looks like a script (in a comment, a `<title>`, a `<textarea>`, or a
`<noscript>` that a browser running script reads as text) is no script at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

# Script types a browser runs; anything else (JSON config, JSON-LD) is data, which script-src does not govern.
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript",
                          "application/ecmascript"})


@dataclass(frozen=True)
class InlineCode:
    """A page's inline scripts (each one's text), and the values of its style attributes, in page order."""

    scripts: tuple[str, ...]
    styles: tuple[str, ...]


def inline_code(html: str, *, styles: bool = True) -> InlineCode:
    """The text of every inline script `html` runs (no `src`, a type a browser runs), and with `styles` the
    value of every style attribute."""
    tree = LexborHTMLParser(html, scripting=True)
    scripts = tuple(node.text(deep=True) for node in tree.css("script")
                    if "src" not in node.attributes
                    and (node.attributes.get("type") or "").strip().lower() in SCRIPT_TYPES)
    found = tuple(value for node in tree.css("[style]") if (value := node.attributes.get("style"))) if styles else ()
    return InlineCode(scripts, found)
