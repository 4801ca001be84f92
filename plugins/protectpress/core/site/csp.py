"""The site's Content-Security-Policy: a second wall behind the active-content judge.

Every built HTML page carries the policy in a `<meta http-equiv>` at the top of its `<head>`, and `_headers`
(read by Netlify and Cloudflare Pages) sends it as a header for every file, SVG and XML files included, where a
`<meta>` cannot reach. Script runs only from the site's own files and from the inline scripts the theme writes,
each allowed by the SHA-256 of its text: the hashes are worked out from each built page itself, never written
down, so a template that adds, changes or drops an inline script needs no change here. A handler or an inline
script that got past the judge cannot run: there is no `'unsafe-inline'`. Pagefind's WebAssembly needs
`'wasm-unsafe-eval'` (it allows compiling WebAssembly, not `eval` of text and not inline script).

What each directive allows, and why:
- `default-src 'self'`: anything not named below comes from the site alone.
- `script-src 'self' 'wasm-unsafe-eval' 'sha256-...'`: the theme's and Pagefind's files, and the theme's inline
  scripts on this page (the colour palette, the service worker, the notice banner). An inline script whose text
  is in the page's own body is never hashed (the judge refuses every `<script>` in a body anyway).
- `style-src 'self'`: the theme's stylesheets only. `<style>` and `style=` in a page body are refused by the
  judge; the only style attributes allowed are Markdown's own table alignment, by hash (`'unsafe-hashes'`).
- `img-src 'self' data:`: pictures from the site; `data:` for the theme's icons drawn in its CSS.
- `font-src`, `connect-src` (search's index), `worker-src` (the offline worker), `manifest-src`: 'self'.
- `object-src 'none'` (no plug-ins), `base-uri 'self'` (no `<base>` redirecting relative links), `form-action
  'self'` and the origin of `unsubscribe_url` (the Subscribe page's sign-up form posts there); the header adds
  `frame-ancestors 'self'` (a `<meta>` cannot carry it).

A newsletter's `email.html` (the email as sent, published beside its web version) runs no script at all and keeps
the inline styles email needs: its policy is `default-src 'none'` with `style-src 'unsafe-inline'`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..judge.built_page import BuiltPage, read_once
from ..judge.inline_code import inline_code

META_MARK = 'http-equiv="Content-Security-Policy"'
_HEAD_START = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_CHARSET_META = re.compile(r"<meta charset=[^>]*>", re.IGNORECASE)

_SITE_BASE = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'wasm-unsafe-eval'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
EMAIL_POLICY = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'none'; "
                "base-uri 'none'; form-action 'none'")


def source_hash(text: str) -> str:
    """A CSP hash source for an inline script or style's exact text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page_hashes(html: str, *, body: str = "", page: BuiltPage | None = None) -> tuple[list[str], list[str]]:
    """The hashes of the inline scripts a built page runs, and of its table-alignment style attributes, in the
    order they appear. A script whose text is in `body` (the page's own rendered content) is never allowed.

    Read from the tree a browser builds (core/judge/inline_code.py, the judge's parser), so each hash is of the
    text the browser runs, however the tag is spelled, and nothing that only looks like a script is allowed.
    Only the theme writes scripts (the judge refuses them in bodies), and its pages have `<script src>` alone:
    such a page is not parsed at all, there being nothing to hash (inline_code.py). A hash that came out wrong
    would block that script, never allow another: the browser tests require no CSP violation on any page.
    `page`: `html` read already (core/judge/built_page.py), whose bytes are looked at first."""
    page = read_once(page, html)
    code = inline_code(html, styles=_ALIGNED_MARK_UTF8 in page.lowered and _ALIGNED_MARK in html, page=page)
    scripts = [source_hash(text) for text in code.scripts if not (text.strip() and body and text.strip() in body)]
    styles = [source_hash(value) for value in code.styles if _ALIGNED.fullmatch(value)]
    return _unique(scripts), _unique(styles)


_ALIGNED_MARK = "text-align: "  # no style attribute is read on a page without one
_ALIGNED_MARK_UTF8 = _ALIGNED_MARK.encode("ascii")  # in the lower-cased bytes first: a page without it there has none
_ALIGNED = re.compile(r"text-align: (?:left|right|center);")


def site_policy(script_hashes: Iterable[str], style_hashes: Iterable[str] = (), *, header: bool = False,
                form_targets: Iterable[str] = ()) -> str:
    """The policy for a page of the site (or, with `header`, for every file of it, hashes of every page).
    `form_targets` are the other origins a form of the site posts to (the sign-up form's service)."""
    directives = {name: list(values) for name, values in _SITE_BASE.items()}
    directives["form-action"] += list(form_targets)
    directives["script-src"] += sorted(set(script_hashes)) if header else list(script_hashes)
    styles = sorted(set(style_hashes)) if header else list(style_hashes)
    if styles:
        directives["style-src"] += ["'unsafe-hashes'", *styles]
    if header:
        directives["frame-ancestors"] = ["'self'"]
        # The header reaches the newsletters' email.html copies too, whose inline styles it must not break; each
        # site page's own <meta> (both policies apply) still narrows styles to the site's files.
        directives["style-src"] = ["'self'", "'unsafe-inline'"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def with_policy(html: str, policy: str) -> str:
    """`html` with the policy as a <meta> right after its charset (so it governs every script after it), or at
    the start of its <head>. A page that carries one already is returned as it is."""
    if html.find(META_MARK, 0, 4096) >= 0:
        return html
    meta = f'<meta {META_MARK} content="{policy}">'
    for pattern in (_CHARSET_META, _HEAD_START):
        found = pattern.search(html, 0, 4096)
        if found is not None:
            return "".join((html[:found.end()], meta, html[found.end():]))  # one copy of the page fewer than +
    return meta + html


def origin_of(url: str) -> str | None:
    """`https://partners.example.org` for a service address, as a CSP source; None for none or a relative one."""
    parts = urlsplit(url or "")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}" if parts.scheme in ("http", "https") and parts.netloc \
        else None


def headers_file(policy: str, email_paths: Iterable[str]) -> str:
    """`_headers` for hosts that read one (Netlify, Cloudflare Pages): the policy for every file, and the
    email copies' own."""
    lines = ["# Written by protectpress on every build: the site's Content-Security-Policy (see SECURITY.md).",
             "/*", f"  Content-Security-Policy: {policy}", "  X-Content-Type-Options: nosniff",
             "  Referrer-Policy: strict-origin-when-cross-origin"]
    for path in email_paths:
        lines += [f"/{path}", f"  Content-Security-Policy: {EMAIL_POLICY}"]
    return "\n".join(lines) + "\n"


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))
