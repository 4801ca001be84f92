"""The service's HTML pages: a question with a button, the answer, and the ways a link can be wrong.

Plain HTML in the site's language (mkdocs.yml's theme.language) that works without JavaScript or images, from
the templates in protectpress/templates/service/ (core/templates.py: every value escaped). The one stylesheet
is inline, in the newsletter's colours, and allowed by its hash in the Content-Security-Policy, so nothing else
can run.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..core.foundation.config import ConfigError
from ..core.foundation.service_address import ONE_CLICK_ANSWER, ONE_CLICK_FIELD, unsubscribe_link
from ..core.foundation.settings import DEFAULT_LANGUAGE, NewsletterSettings, Settings
from ..core.foundation.templates import render_page
from ..core.newsletter.colours import colour_problems

# Sent by our page's button beside RFC 8058's field, so the record tells it from a mail program's POST.
VIA_FIELD, VIA_PAGE = "via", "page"

# The pages' one stylesheet, in the newsletter's colours (mkdocs.yml's plugins.protectpress.newsletter: checked
# for 4.5:1 contrast, core/newsletter/colours.py) so a reader who clicks through from the email stays in the same
# look; the focus yellow and the error red are fixed, as GOV.UK keeps them, because they must always be seen.
STYLE = ("body{{font-family:system-ui,sans-serif;line-height:1.5;margin:0;background:{page};color:{text}}}"
         "main{{max-width:36rem;margin:2rem auto;padding:1.5rem;background:{background}}}"
         "button{{font:inherit;font-weight:bold;padding:.6rem 1.2rem;border:2px solid {button};background:{button};"
         "color:{button_text};cursor:pointer}}button:focus{{outline:3px solid #ffbf47;outline-offset:2px}}"
         "a{{color:{link}}}a:focus{{outline:3px solid #ffbf47;background:#ffbf47;color:#0b0c0c}}"
         ".secondary{{background:{background};color:{link}}}"
         ".pp-signup__field{{margin:0 0 1.5rem;padding:0;border:0}}.pp-signup__label{{display:block;font-weight:bold}}"
         ".pp-signup__hint{{color:{text};margin:.25rem 0}}.pp-signup__input{{font:inherit;width:100%;"
         "box-sizing:border-box;padding:.4rem;border:2px solid {text}}}.pp-signup__input:focus{{outline:3px solid "
         "#ffbf47}}.pp-signup__field--error{{border-left:5px solid #b10e1e;padding-left:.8rem}}"
         ".pp-signup__error{{color:#b10e1e;font-weight:bold;margin:.25rem 0}}"
         ".pp-signup__choice{{margin:.3rem 0}}.pp-signup__choice input{{width:1.2rem;height:1.2rem;margin-right:.5rem}}"
         ".pp-error-summary{{border:5px solid #b10e1e;padding:1rem;margin:0 0 1.5rem}}"
         ".pp-error-summary__title{{margin-top:0;font-size:1.3rem}}.pp-error-summary a{{color:#b10e1e;"
         "font-weight:bold}}")


class ColourError(ValueError):
    """The newsletter's colours cannot be used on the service's pages: (expected, found) of the first problem."""


def service_style(colours: NewsletterSettings) -> str:
    """The stylesheet in `colours`; ColourError unless every colour is a hex colour with enough contrast (only
    such values reach the stylesheet, so no setting can close the <style> element or add a rule)."""
    problems = colour_problems(colours)
    if problems:
        first = problems[0]
        raise ColourError(f"plugins.protectpress.newsletter.{first.key}: {first.expected}", first.found)
    return STYLE.format(page=colours.page_colour, text=colours.text_colour, background=colours.background_colour,
                        button=colours.button_colour, button_text=colours.button_text_colour,
                        link=colours.link_colour)


def colours_of(settings: Settings) -> NewsletterSettings:
    """The newsletter's colours from mkdocs.yml for the service's pages; ConfigError when they cannot be used."""
    try:
        service_style(settings.plugin.newsletter)
    except ColourError as error:
        expected, found = error.args
        raise ConfigError(f"{settings.config_file.name}: {expected}, found {found}") from None
    return settings.plugin.newsletter


def emails_of(organisation: str) -> str:
    """Whose emails, as the pages say it (plain text: the templates escape it)."""
    return f"emails from {organisation}" if organisation else "our emails"


@dataclass(frozen=True)
class ServicePages:
    """The pages of one service: whose emails they are about (`organisation`, "" for "our emails"), the
    language they are written in and their stylesheet (`service_style`)."""

    organisation: str = ""
    language: str = DEFAULT_LANGUAGE
    style: str = field(default_factory=lambda: service_style(NewsletterSettings()))

    @property
    def emails(self) -> str:
        return emails_of(self.organisation)

    @property
    def content_security_policy(self) -> str:
        """Nothing may run or load; the one stylesheet is allowed by its hash."""
        digest = base64.b64encode(hashlib.sha256(self.style.encode("utf-8")).digest()).decode("ascii")
        return (f"default-src 'none'; style-src 'sha256-{digest}'; form-action 'self'; frame-ancestors 'none'; "
                "base-uri 'none'")

    def page(self, template: str, title: str, **values: Any) -> bytes:
        """The page `service/<template>.html`, titled `title`: every value is escaped as it is printed."""
        return render_page(f"service/{template}.html", title=title, language=self.language, style=Markup(self.style),
                           organisation=self.organisation, emails=self.emails, **values).encode()

    def question(self, address: str, token: str) -> bytes:
        """The page a link in the email opens: nothing happens until the reader presses the button."""
        return self.page("question", f"Unsubscribe from {self.emails}", address=address,
                         action=unsubscribe_link("", token), one_click_field=ONE_CLICK_FIELD,
                         one_click_answer=ONE_CLICK_ANSWER, via_field=VIA_FIELD, via_page=VIA_PAGE)

    def done(self, address: str) -> bytes:
        return self.page("done", "You are unsubscribed", address=address)

    def refused(self, expired: bool, kind: str = "unsubscribe") -> bytes:
        """`kind`: which link it was ("unsubscribe", "confirmation", ...), as the reader knows it."""
        title = "This link has expired" if expired else "This link does not work"
        return self.page("refused", title, expired=expired, kind=kind)

    def problem(self, title: str, explanation: str) -> bytes:
        return self.page("page", title, explanation=explanation)
