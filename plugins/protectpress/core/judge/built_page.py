"""A whole built page as the judges' first looks read it: its UTF-8, lower-cased as bytes (issue 29).

Two judges look at every built page for a few words before deciding whether to parse it: the built-page judge
for what could be a handler or a script address (sanitise.py), the CSP for a script that could run inline
(inline_code.py). Both read bytes, not text: str.lower on a page with a few characters beyond Latin-1 cost more
than their searches; bytes.lower changes ASCII letters alone, which is all the words they look for are made of,
and UTF-8 writes no other character with an ASCII byte. Encoding and lower-casing the page was most of each
look's time, so a page is read once for both (mkdocs_plugins/csp.py).
"""

from __future__ import annotations


class BuiltPage:
    """`html` as bytes once, with where its first copy of `body` (the page's own rendered body) lies in them."""

    __slots__ = ("_body_at", "body", "html", "lowered")

    def __init__(self, html: str, body: str = "") -> None:
        self.html, self.body = html, body
        written = html.encode("utf-8", "surrogatepass")
        self.lowered = written.lower()
        self._body_at: tuple[int, int] | None = None
        if body:
            # The body's first place in the bytes is its first place in the text: each character's bytes start
            # no other's. (A copy of a page in bytes is half its size in characters.)
            body_written = body.encode("utf-8", "surrogatepass")
            start = _first_place(written, body_written)
            if start >= 0:
                self._body_at = (start, start + len(body_written))

    def without_body(self) -> bytes:
        """The lower-cased bytes without the body's first place in them: what the theme wrote around it."""
        if self._body_at is None:
            return self.lowered
        start, end = self._body_at
        return self.lowered[:start] + self.lowered[end:]


def _first_place(text: bytes, part: bytes) -> int:
    """`text.find(part)`, found by `part`'s head and then compared whole: a search for a long part (a page's
    body) first studies the whole of it, which cost as much as the rest of the reading. After a few places that
    only begin like it (a page that repeats its body's opening), the whole part is searched for after all."""
    head = part[:64]
    at = text.find(head)
    for _ in range(8):
        if at < 0 or text.startswith(part, at):
            return at
        at = text.find(head, at + 1)
    return text.find(part, at) if at >= 0 else -1


def read_once(page: BuiltPage | None, html: str, body: str | None = None) -> BuiltPage:
    """`page` when it was read from this very `html` (and `body`, when one is given), else `html` read now: a
    reading of another text is never used."""
    if page is not None and page.html is html and (body is None or page.body is body):
        return page
    return BuiltPage(html, body or "")
