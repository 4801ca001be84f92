"""The email sign-up form: one piece of HTML for the Subscribe page and for the service's page that shows it
again with errors, so both always ask the same thing in the same words.

A plain form that works without JavaScript or any script at all (the site's Content-Security-Policy need not
allow one): an email address, the sectors to hear about (none ticked means all), and the consent statement
with a link to the privacy notice, above the button that gives it. Errors follow the GOV.UK pattern: a
summary at the top linking to each field, then the message by the field, tied to it by `aria-describedby`.
A hidden field (`website`) is a honeypot: people never see it, simple bots fill it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from ..foundation.config import Settings
from ..foundation.email_addresses import valid_address
from ..foundation.service_address import SIGNUP_PATH, service_address
from ..newsletter.render import newsletter_organisation
from .consent import CURRENT, consent_statement

# The form's fields, as the service reads them.
EMAIL, SECTOR, CONSENT, SOURCE, HONEYPOT = "email", "sector", "consent_version", "source", "website"
FORM_ID = "email-signup"  # the Subscribe page links here, and the service's errors point back to it
EMAIL_INPUT_ID = "signup-email"
SECTORS_ID = "signup-sectors"


@dataclass(frozen=True)
class SignupForm:
    """What the form needs to be drawn: where it posts, the sectors offered and the consent shown."""

    action: str  # the service's <base>signup, or "signup" on the service's own page
    sectors: Mapping[str, str]  # slug -> label, without "all"
    organisation: str
    privacy_url: str
    source: str  # the page the form is on, recorded with the consent
    consent_version: str


@dataclass
class Answers:
    """What was typed and ticked, and the problem with each field (field name -> message)."""

    email: str = ""
    sectors: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)


def site_form(settings: Settings, page_src: str) -> SignupForm | None:
    """The form as the site's page `page_src` shows it; None when mkdocs.yml names no service (feeds only)."""
    base = settings.plugin.sending.unsubscribe_url
    if not base:
        return None
    newsletter = settings.plugin.newsletter
    return SignupForm(action=service_address(base, SIGNUP_PATH), sectors=offered_sectors(settings),
                      organisation=newsletter_organisation(settings),
                      privacy_url=settings.links.page_url(newsletter.privacy_page),
                      source=settings.links.page_url(page_src), consent_version=CURRENT)


def offered_sectors(settings: Settings) -> dict[str, str]:
    """The sectors a reader can choose: the vocabulary's, without "all" (ticking none means all)."""
    return {slug: label for slug, label in settings.vocabulary.sectors.items() if slug != "all"}


def signup_section(settings: Settings, page_src: str) -> str:
    """The Subscribe page's "by email" section (Markdown with the form as an HTML block); "" with no service.
    Its own block, so any page layout can include it."""
    form = site_form(settings, page_src)
    if form is None:
        return ""
    return ("## Get our newsletter by email\n\n"
            f"<p>Sign up to get the partner newsletter of {escape(form.organisation)} by email. We will ask you to "
            "confirm your address first.</p>\n\n" + signup_form(form) + "\n")


def signup_form(form: SignupForm, answers: Answers | None = None, *, heading_level: int = 2) -> str:
    """The form as an HTML block without blank lines (so Markdown keeps it whole), every value escaped."""
    answers = answers or Answers()
    errors = answers.errors
    parts = [f'<form class="pp-signup" id="{FORM_ID}" method="post" action="{escape(form.action)}" novalidate>']
    if errors:
        targets = {EMAIL: EMAIL_INPUT_ID, SECTOR: SECTORS_ID}
        items = "".join(f'<li><a href="#{targets[name]}">{escape(message)}</a></li>'
                        for name, message in errors.items() if name in targets)
        parts.append('<div class="pp-error-summary" role="alert" aria-labelledby="signup-problem">'
                     f'<h{heading_level} id="signup-problem" class="pp-error-summary__title">There is a problem'
                     f'</h{heading_level}><ul class="pp-error-summary__list">{items}</ul></div>')
    parts.append(_email_field(answers.email, errors.get(EMAIL)))
    if form.sectors:
        parts.append(sectors_field(form.sectors, answers.sectors, errors.get(SECTOR)))
    statement = escape(consent_statement(form.consent_version, form.organisation))
    parts.append(f'<p class="pp-signup__consent" id="signup-consent">{statement} Read our '
                 f'<a href="{escape(form.privacy_url)}">privacy notice</a> to see how we use and keep your '
                 "details.</p>")
    parts.append(f'<input type="hidden" name="{CONSENT}" value="{escape(form.consent_version)}">')
    parts.append(f'<input type="hidden" name="{SOURCE}" value="{escape(form.source)}">')
    # The honeypot: hidden from everyone (and from assistive technology), filled in only by a bot.
    parts.append(f'<div hidden><label for="signup-{HONEYPOT}">Leave this empty</label>'
                 f'<input type="text" id="signup-{HONEYPOT}" name="{HONEYPOT}" tabindex="-1" autocomplete="off"></div>')
    parts.append('<button type="submit" class="pp-signup__button" aria-describedby="signup-consent">Sign up</button>')
    parts.append("</form>")
    return "\n".join(parts)


def _email_field(value: str, error: str | None) -> str:
    described = ["signup-email-hint"]
    message = ""
    if error:
        described.append("signup-email-error")
        message = f'<p class="pp-signup__error" id="signup-email-error">Error: {escape(error)}</p>'
    invalid = ' aria-invalid="true"' if error else ""
    return (f'<div class="pp-signup__field{" pp-signup__field--error" if error else ""}">'
            f'<label class="pp-signup__label" for="{EMAIL_INPUT_ID}">Email address</label>'
            '<p class="pp-signup__hint" id="signup-email-hint">We will send a link to this address to check it is '
            "yours. Nothing is sent to you until you press it.</p>"
            f'{message}<input class="pp-signup__input" type="email" id="{EMAIL_INPUT_ID}" name="{EMAIL}" '
            f'value="{escape(value)}" autocomplete="email" spellcheck="false" '
            f'aria-describedby="{" ".join(described)}"{invalid}></div>')


def sectors_field(sectors: Mapping[str, str], ticked: tuple[str, ...], error: str | None) -> str:
    """The sector checkboxes (the sign-up form's and the preferences page's)."""
    boxes = "".join(
        f'<div class="pp-signup__choice"><input type="checkbox" id="signup-sector-{escape(slug)}" name="{SECTOR}" '
        f'value="{escape(slug)}"{" checked" if slug in ticked else ""}>'
        f'<label for="signup-sector-{escape(slug)}">{escape(label)}</label></div>'
        for slug, label in sectors.items())
    message = f'<p class="pp-signup__error" id="signup-sectors-error">Error: {escape(error)}</p>' if error else ""
    described = "signup-sectors-hint" + (" signup-sectors-error" if error else "")
    return (f'<fieldset class="pp-signup__field{" pp-signup__field--error" if error else ""}" id="{SECTORS_ID}" '
            f'aria-describedby="{described}"><legend class="pp-signup__label">Sectors to hear about</legend>'
            '<p class="pp-signup__hint" id="signup-sectors-hint">Tick the sectors you work in. Leave them all '
            "unticked to hear about every sector.</p>"
            f"{message}{boxes}</fieldset>")


def read_answers(fields: Mapping[str, list[str]], sectors: Mapping[str, str]) -> Answers:
    """What a posted form says, with a GOV.UK-style message for each field that needs fixing."""
    email = " ".join((fields.get(EMAIL) or [""])[0].split())[:320]
    chosen = tuple(dict.fromkeys(fields.get(SECTOR, [])))
    answers = Answers(email=email, sectors=tuple(s for s in chosen if s in sectors))
    if not email:
        answers.errors[EMAIL] = "Enter your email address"
    elif valid_address(email) is None:
        answers.errors[EMAIL] = "Enter an email address in the correct format, like name@example.com"
    if len(answers.sectors) != len(chosen):
        answers.errors[SECTOR] = "Choose sectors from the list"
    return answers
