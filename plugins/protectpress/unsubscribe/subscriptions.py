"""The subscriptions service: sign-up with double opt-in, confirmation, preferences, and the unsubscribe service's
one-click unsubscribe and export, in one WSGI application (`protectpress subscriptions serve`).

Beside the unsubscribe page (`<base>`):
- `POST <base>signup` (the Subscribe page's form): every valid sign-up gets the same page, byte for byte,
  whether or not the address is known, so nobody learns who subscribes. The confirmation email goes out at
  most once a day per address; each client may sign up only so often (`RateLimit`); a filled-in honeypot
  gets the same page and nothing happens. A form with mistakes comes back with GOV.UK-style errors.
- `GET <base>confirm?t=` shows a Confirm button and changes nothing (mail scanners follow links); its
  `POST` confirms. The link is signed, works once, and expires after 48 hours.
- `GET <base>manage?t=` ("Manage your email" in every newsletter) shows the sectors chosen and a way to
  unsubscribe; its `POST` saves them, or unsubscribes.
- `GET <base>subscribers?after=KEY` with the export token lists the confirmed subscribers, for
  `protectpress subscribers pull`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from markupsafe import Markup

from ..core.foundation.service_address import (
    CONFIRM_PATH,
    MANAGE_PATH,
    SIGNUP_PATH,
    SUBSCRIBERS_PATH,
    service_address,
    unsubscribe_link,
)
from ..core.foundation.settings import DEFAULT_LANGUAGE, NewsletterSettings
from ..core.foundation.tokens import Keyring, TokenRefused, UnsubscribeRequest
from ..core.subscriptions.consent import known_version
from ..core.subscriptions.form import (
    CONSENT,
    HONEYPOT,
    SECTOR,
    SOURCE,
    Answers,
    SignupForm,
    read_answers,
    sectors_field,
    signup_form,
)
from .app import Answer, UnsubscribeApp, form_fields, json_answer, read_body, token_of
from .mailer import Mailer
from .ratelimit import RateLimit
from .store import PREFERENCES, EventStore
from .subscribers import CONFIRMED, Choices, SubscriberStore

EXPORT_BATCH = 1000
ACTION_FIELD, SAVE, LEAVE = "action", "save", "unsubscribe"
# The newsletter an unsubscribe on the preferences page is recorded against: all of them.
ALL_NEWSLETTERS = "all-newsletters"


class SubscriptionsApp(UnsubscribeApp):
    """The unsubscribe service grown: the same keys, store, pages and export, plus sign-up and preferences."""

    routes = frozenset({*UnsubscribeApp.routes, SIGNUP_PATH, CONFIRM_PATH, MANAGE_PATH, SUBSCRIBERS_PATH})

    def __init__(self, keyring: Keyring, export_token: str, store: EventStore, subscribers: SubscriberStore, *,
                 form: SignupForm, public_base: str, mailer: Mailer, rate_limit: RateLimit | None = None,
                 site_url: str = "", language: str = DEFAULT_LANGUAGE,
                 colours: NewsletterSettings | None = None) -> None:
        super().__init__(keyring, export_token, store, form.organisation, language, colours)
        self.subscribers = subscribers
        self.form = form  # as the service draws it: posting to itself
        self.public_base = public_base  # where the links in emails point: mkdocs.yml's unsubscribe_url
        self.mailer = mailer
        self.rate_limit = rate_limit or RateLimit()
        self.site_url = site_url

    def _answer(self, method: str, environ: dict[str, Any]) -> Answer:
        route = self.route(environ)
        handlers = {SIGNUP_PATH: (self._signup_form, self._signup), CONFIRM_PATH: (self._confirm_page, self._confirm),
                    MANAGE_PATH: (self._manage_page, self._manage)}
        if route in handlers:
            show, act = handlers[route]
            if method in ("GET", "HEAD"):
                return show(environ)
            if method == "POST":
                return act(environ)
            return self.not_allowed("GET, HEAD, POST")
        if route == SUBSCRIBERS_PATH:
            if method not in ("GET", "HEAD"):
                return self.not_allowed("GET, HEAD")
            return self._export_subscribers(environ)
        return super()._answer(method, environ)

    def unsubscribed(self, request: UnsubscribeRequest, how: str) -> None:
        super().unsubscribed(request, how)
        self.subscribers.unsubscribe(request.address)  # off the list, so `subscribers pull` never lists them

    # -- sign-up --------------------------------------------------------------------------------------------

    def _signup_form(self, environ: dict[str, Any]) -> Answer:
        return self.html(HTTPStatus.OK, self._form_page(Answers()))

    def _form_page(self, answers: Answers) -> bytes:
        title = ("Error: " if answers.errors else "") + f"Sign up for {self.pages.emails}"
        return self.pages.page("signup", title, form=Markup(signup_form(self.form, answers)))  # escaped by the form

    def _signup(self, environ: dict[str, Any]) -> Answer:
        if not self.rate_limit.allow(str(environ.get("REMOTE_ADDR", ""))):
            status, headers, body = self.html(HTTPStatus.TOO_MANY_REQUESTS, self.pages.problem(
                "Too many sign-ups", "Too many sign-ups have come from your network. Wait a minute and try again."))
            return status, [("Retry-After", str(self.rate_limit.retry_after())), *headers], body
        fields = _posted(environ)
        if fields is None:
            return self.html(HTTPStatus.BAD_REQUEST, self.pages.problem("Nothing was changed",
                                                                    "This sign-up could not be read."))
        answers = read_answers(fields, self.form.sectors)
        if answers.errors:
            return self.html(HTTPStatus.BAD_REQUEST, self._form_page(answers))
        if not any(value.strip() for value in fields.get(HONEYPOT, [])):  # a bot: the same page, nothing done
            source = (fields.get(SOURCE) or [""])[0]
            choices = Choices(sectors=answers.sectors,
                              consent_version=known_version((fields.get(CONSENT) or [""])[0]),
                              source_page=source if self.site_url and source.startswith(self.site_url) else "")
            signup = self.subscribers.sign_up(answers.email, choices)
            if signup.send_email:
                token = self.keyring.sign_confirmation(answers.email, signup.signup)
                manage = self.keyring.sign_manage(answers.email)
                self.mailer.send(answers.email, service_address(self.public_base, CONFIRM_PATH, token),
                                 service_address(self.public_base, MANAGE_PATH, manage))
        return self.html(HTTPStatus.OK, self._check_your_email)

    @property
    def _check_your_email(self) -> bytes:
        # The same bytes for every sign-up: no address, nothing about whether it was known.
        return self.pages.page("check-email", "Check your email")

    # -- confirmation ---------------------------------------------------------------------------------------

    def _confirm_page(self, environ: dict[str, Any]) -> Answer:
        token = token_of(environ)
        try:
            request = self.keyring.verify_confirmation(token)
        except TokenRefused as refused:
            return self.refused(refused, "confirmation")
        return self.html(HTTPStatus.OK, self.pages.page("confirm", "Confirm your email address",
                                                          address=request.address,
                                                          action=unsubscribe_link(CONFIRM_PATH, token)))

    def _confirm(self, environ: dict[str, Any]) -> Answer:
        try:
            request = self.keyring.verify_confirmation(token_of(environ))
        except TokenRefused as refused:
            return self.refused(refused, "confirmation")
        if not self.subscribers.confirm(request.address, request.signup):
            return self.html(HTTPStatus.GONE, self.pages.page("already-used", "This link has already been used"))
        manage = service_address(self.public_base, MANAGE_PATH, self.keyring.sign_manage(request.address))
        return self.html(HTTPStatus.OK, self.pages.page("subscribed", "You are subscribed", address=request.address,
                                                          manage=manage))

    # -- preferences ----------------------------------------------------------------------------------------

    def _manage_page(self, environ: dict[str, Any], saved: bool = False) -> Answer:
        token = token_of(environ)
        try:
            address = self.keyring.verify_manage(token)
        except TokenRefused as refused:
            return self.refused(refused, "Manage your email")
        subscriber = self.subscribers.find(address)
        if subscriber is None or subscriber.status != CONFIRMED:
            return self.html(HTTPStatus.OK, self.pages.page("not-subscribed", "You are not subscribed",
                                                              address=address))
        # The checkboxes are the sign-up form's, escaped there.
        sectors = Markup(sectors_field(self.form.sectors, subscriber.sectors, None) if self.form.sectors else "")
        return self.html(HTTPStatus.OK, self.pages.page(
            "manage", "Manage your email", address=address, action=unsubscribe_link(MANAGE_PATH, token),
            sectors=sectors, saved=saved, action_field=ACTION_FIELD, save=SAVE, leave=LEAVE))

    def _manage(self, environ: dict[str, Any]) -> Answer:
        token = token_of(environ)
        try:
            address = self.keyring.verify_manage(token)
        except TokenRefused as refused:
            return self.refused(refused, "Manage your email")
        fields = _posted(environ)
        action = (fields or {}).get(ACTION_FIELD, [""])
        if fields is None or len(action) != 1 or action[0] not in (SAVE, LEAVE):
            return self.html(HTTPStatus.BAD_REQUEST, self.pages.problem("Nothing was changed",
                                                                    "Press one of the buttons on the page."))
        if action[0] == LEAVE:
            request = UnsubscribeRequest(address=address, newsletter=ALL_NEWSLETTERS, issued=0,
                                         key_id=token.split(".")[1])
            self.store.record(request, how=PREFERENCES)
            self.subscribers.unsubscribe(address)
            return self.html(HTTPStatus.OK, self.pages.page("left", "You are unsubscribed", address=address))
        chosen = tuple(dict.fromkeys(fields.get(SECTOR, [])))
        if any(slug not in self.form.sectors for slug in chosen):
            return self.html(HTTPStatus.BAD_REQUEST, self.pages.problem("Nothing was changed",
                                                                    "Choose sectors from the list."))
        self.subscribers.change_sectors(address, chosen)
        return self._manage_page(environ, saved=True)

    # -- the list of subscribers, for `subscribers pull` ----------------------------------------------------

    def _export_subscribers(self, environ: dict[str, Any]) -> Answer:
        refusal = self.unauthorised(environ)
        if refusal is not None:
            return refusal
        after = parse_qs(environ.get("QUERY_STRING", "")).get("after", [""])
        if len(after) != 1 or len(after[0]) > 320:
            return json_answer(HTTPStatus.BAD_REQUEST, {"error": "after must be one address key"})
        rows = self.subscribers.confirmed(after[0], EXPORT_BATCH + 1)
        more = len(rows) > EXPORT_BATCH
        rows = rows[:EXPORT_BATCH]
        return json_answer(HTTPStatus.OK, {
            "subscribers": [{"address": r["address"], "sectors": list(r["sectors"]),  # type: ignore[call-overload]
                             "confirmed_at": r["confirmed_at"]} for r in rows],
            "next": rows[-1]["key"] if more and rows else None})


def _posted(environ: dict[str, Any]) -> dict[str, list[str]] | None:
    body = read_body(environ)
    if isinstance(body, HTTPStatus):
        return None
    return form_fields(environ.get("CONTENT_TYPE", ""), body)
