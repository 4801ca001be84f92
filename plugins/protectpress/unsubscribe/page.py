"""The service's HTML pages: a question with a button, the answer, and the ways a link can be wrong.

Plain HTML in British English that works without JavaScript or images; every value is escaped. The one
stylesheet is inline and allowed by its hash in the Content-Security-Policy, so nothing else can run.
"""

from __future__ import annotations

import base64
import hashlib
import html

from ..core.foundation.service_address import unsubscribe_link

# RFC 8058: what a mail program's one-click POST carries, and what the page's button sends.
ONE_CLICK_FIELD, ONE_CLICK_VALUE = "List-Unsubscribe", "One-Click"
# Sent by our page's button beside RFC 8058's field, so the record tells it from a mail program's POST.
VIA_FIELD, VIA_PAGE = "via", "page"

STYLE = ("body{font-family:system-ui,sans-serif;line-height:1.5;margin:0;background:#f3f4f6;color:#1b1b1b}"
         "main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff}"
         "button{font:inherit;font-weight:bold;padding:.6rem 1.2rem;border:2px solid #1a4f8b;background:#1a4f8b;"
         "color:#fff;cursor:pointer}button:focus{outline:3px solid #ffbf47;outline-offset:2px}"
         "a{color:#1a4f8b}a:focus{outline:3px solid #ffbf47;background:#ffbf47;color:#0b0c0c}"
         ".secondary{background:#fff;color:#1a4f8b}"
         ".pp-signup__field{margin:0 0 1.5rem;padding:0;border:0}.pp-signup__label{display:block;font-weight:bold}"
         ".pp-signup__hint{color:#4a4a4a;margin:.25rem 0}.pp-signup__input{font:inherit;width:100%;"
         "box-sizing:border-box;padding:.4rem;border:2px solid #1b1b1b}.pp-signup__input:focus{outline:3px solid "
         "#ffbf47}.pp-signup__field--error{border-left:5px solid #b10e1e;padding-left:.8rem}"
         ".pp-signup__error{color:#b10e1e;font-weight:bold;margin:.25rem 0}"
         ".pp-signup__choice{margin:.3rem 0}.pp-signup__choice input{width:1.2rem;height:1.2rem;margin-right:.5rem}"
         ".pp-error-summary{border:5px solid #b10e1e;padding:1rem;margin:0 0 1.5rem}"
         ".pp-error-summary__title{margin-top:0;font-size:1.3rem}.pp-error-summary a{color:#b10e1e;"
         "font-weight:bold}")
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CONTENT_SECURITY_POLICY = (f"default-src 'none'; style-src '{STYLE_HASH}'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")


def page(title: str, body: str) -> bytes:
    """A page of the service: `body` is HTML the caller has escaped."""
    return _page(title, body)


def _page(title: str, body: str) -> bytes:
    return ("<!doctype html>\n"
            '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="robots" content="noindex">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n<main>\n<h1>{html.escape(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n").encode()


def emails_of(organisation: str) -> str:
    """Whose emails, as the pages say it (plain text: the caller escapes it)."""
    return f"emails from {organisation}" if organisation else "our emails"


def question_page(address: str, token: str, organisation: str = "") -> bytes:
    """The page a link in the email opens: nothing happens until the reader presses the button."""
    shown = html.escape(address)
    action = html.escape(unsubscribe_link("", token), quote=True)
    whose = f"the newsletter of {html.escape(organisation)}" if organisation else "our newsletters"
    return _page(f"Unsubscribe from {emails_of(organisation)}", f"""<p>Do you want to stop getting {whose} at
<strong>{shown}</strong>?</p>
<form method="post" action="{action}">
<input type="hidden" name="{ONE_CLICK_FIELD}" value="{ONE_CLICK_VALUE}">
<input type="hidden" name="{VIA_FIELD}" value="{VIA_PAGE}">
<button type="submit" aria-describedby="what-happens">Unsubscribe {shown}</button>
</form>
<p id="what-happens">We will not email this address again. If you do nothing, you stay subscribed.</p>""")


def done_page(address: str, organisation: str = "") -> bytes:
    whose = f"the newsletter of {html.escape(organisation)}" if organisation else "our newsletters"
    return _page("You are unsubscribed", f"""<p>We will not send {whose} to
<strong>{html.escape(address)}</strong> again.</p>
<p>If this was a mistake, reply to any of our emails and ask to be added back.</p>""")


def refused_page(expired: bool, kind: str = "unsubscribe") -> bytes:
    """`kind`: which link it was ("unsubscribe", "confirmation", ...), as the reader knows it."""
    what = html.escape(kind)
    if kind != "unsubscribe":
        if expired:
            return _page("This link has expired", f"""<p>This {what} link is too old to use. Sign up again on our
Subscribe page, or use the link in a more recent email from us.</p>""")
        return _page("This link does not work", f"""<p>This {what} link is not complete or not one of ours. Copy
the whole link from the email, or reply to the email and ask us.</p>""")
    if expired:
        return _page("This link has expired", """<p>This unsubscribe link is too old to use. Use the link in a more
recent email from us, or reply to the email and ask to be unsubscribed.</p>""")
    return _page("This link does not work", """<p>This unsubscribe link is not complete or not one of ours. Copy the
whole link from the email, or reply to the email and ask to be unsubscribed.</p>""")


def problem_page(title: str, explanation: str) -> bytes:
    return _page(title, f"<p>{html.escape(explanation)}</p>")
