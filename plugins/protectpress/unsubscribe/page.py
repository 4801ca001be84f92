"""The service's HTML pages: a question with a button, the answer, and the ways a link can be wrong.

Plain HTML in British English that works without JavaScript or images; every value is escaped. The one
stylesheet is inline and allowed by its hash in the Content-Security-Policy, so nothing else can run.
"""

from __future__ import annotations

import base64
import hashlib
import html

from ..core.unsubscribe.address import unsubscribe_link

# RFC 8058: what a mail program's one-click POST carries, and what the page's button sends.
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"

STYLE = ("body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;background:#f3f4f6;color:#1b1b1b}"
         "main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff}"
         "button{font:inherit;font-weight:bold;padding:.6rem 1.2rem;border:2px solid #1a4f8b;background:#1a4f8b;"
         "color:#fff;cursor:pointer}button:focus{outline:3px solid #ffbf47;outline-offset:2px}")
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CONTENT_SECURITY_POLICY = (f"default-src 'none'; style-src '{STYLE_HASH}'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")


def _page(title: str, body: str) -> bytes:
    return ("<!doctype html>\n"
            '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="robots" content="noindex">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n<main>\n<h1>{html.escape(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n").encode()


def question_page(address: str, token: str) -> bytes:
    """The page a link in the email opens: nothing happens until the reader presses the button."""
    shown = html.escape(address)
    action = html.escape(unsubscribe_link("", token), quote=True)
    return _page("Unsubscribe from our emails", f"""<p>Do you want to stop getting our newsletters at
<strong>{shown}</strong>?</p>
<form method="post" action="{action}">
<input type="hidden" name="{ONE_CLICK_FIELD}" value="{ONE_CLICK_VALUE}">
<button type="submit" aria-describedby="what-happens">Unsubscribe {shown}</button>
</form>
<p id="what-happens">We will not email this address again. If you do nothing, you stay subscribed.</p>""")


def done_page(address: str) -> bytes:
    return _page("You are unsubscribed", f"""<p>We will not send our newsletters to
<strong>{html.escape(address)}</strong> again.</p>
<p>If this was a mistake, reply to any of our emails and ask to be added back.</p>""")


def refused_page(expired: bool) -> bytes:
    if expired:
        return _page("This link has expired", """<p>This unsubscribe link is too old to use. Use the link in a more
recent email from us, or reply to the email and ask to be unsubscribed.</p>""")
    return _page("This link does not work", """<p>This unsubscribe link is not complete or not one of ours. Copy the
whole link from the email, or reply to the email and ask to be unsubscribed.</p>""")


def problem_page(title: str, explanation: str) -> bytes:
    return _page(title, f"<p>{html.escape(explanation)}</p>")
