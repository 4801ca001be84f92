"""The confirmation email: rendered once, when the service starts, through the newsletter's own renderer, template
and email rules (HTML and plain text, as the urgent notice is); each sign-up only fills in its own link.

Messages go out from one background thread through the relay (`--smtp`) or into an outbox folder, so a
sign-up's page never waits for the relay, and the time it takes says nothing about whether an email was sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
import queue
import threading
from dataclasses import dataclass

from ..core.foundation.config import ConfigError, Settings
from ..core.foundation.problems import Problems
from ..core.newsletter.message import build_message
from ..core.newsletter.model import Newsletter
from ..core.newsletter.render import RenderedNewsletter, newsletter_organisation, personalise, render_letter
from ..core.sending.compose import SenderIdentity
from ..core.sending.transport import Outcome, Transport
from ..core.subscriptions.page import SUBSCRIBE_PAGE

LINK_MARKER = "https://confirm.protectpress.invalid/link"  # replaced by each reader's own link
log = logging.getLogger("protectpress.subscriptions")


@dataclass(frozen=True)
class Confirmation:
    """The rendered email (its link still the marker) and who sends it."""

    rendered: RenderedNewsletter
    sender: SenderIdentity

    def message(self, address: str, link: str, manage: str) -> bytes:
        """The email for `address`, with its confirmation `link` in both parts; the footer's unsubscribe and
        "Manage your email" open `manage` (the preferences page, which says they are not subscribed yet)."""
        html_part, text_part = personalise(self.rendered, name=None, unsubscribe_url=manage, manage_url=manage)
        html_part = html_part.replace(html.escape(LINK_MARKER, quote=True), html.escape(link, quote=True))
        text_part = text_part.replace(LINK_MARKER, link)
        return build_message(subject=self.rendered.subject, html=html_part, text=text_part,
                             from_address=self.sender.from_address, from_name=self.sender.from_name,
                             to=("", address), reply_to=self.sender.reply_to,
                             return_path=self.sender.return_path).as_bytes()


def render_confirmation(settings: Settings, now: dt.datetime) -> Confirmation:
    """The confirmation email, checked by the email rules; ConfigError (every problem) when it cannot be made."""
    sender = SenderIdentity.from_settings(settings, signing=False)
    who = newsletter_organisation(settings)
    body = (f"Someone, probably you, asked to get the partner newsletter of {who} at this email address.\n\n"
            f"[Confirm your email address]({LINK_MARKER})\n\n"
            "The link opens a page with a Confirm button. It works once, for 48 hours.\n\n"
            "If you did not ask for this, ignore this email: you will not be signed up, and we will not email you "
            "again about it.\n")
    letter = Newsletter(slug="confirm-your-email", path="subscriptions service: the confirmation email",
                        subject=f"Confirm your email address for {who}",
                        preheader="One more step: confirm your address to start getting our newsletter.",
                        date=now, sectors=(), draft=False, items=(), body=body, body_line=1)
    # The footer's "why you receive this" is the newsletter's; this email has its own reason.
    newsletter = dataclasses.replace(settings.plugin.newsletter, why_received=(
        "You receive this email because someone gave this address on our Subscribe page. Nothing more will be "
        "sent to it unless you confirm."))
    settings = dataclasses.replace(settings, plugin=dataclasses.replace(settings.plugin, newsletter=newsletter))
    problems = Problems()
    rendered = render_letter(settings, letter, problems, web_src=SUBSCRIBE_PAGE)
    if rendered is None or problems.errors:
        raise ConfigError(problems.report() or "the confirmation email could not be rendered")
    return Confirmation(rendered, sender)


class Mailer:
    """One thread that sends queued confirmation emails, one at a time, through `transport`."""

    def __init__(self, confirmation: Confirmation, transport: Transport) -> None:
        self.confirmation = confirmation
        self.transport = transport
        self._queue: queue.Queue[tuple[str, str, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="confirmation-mailer", daemon=True)
        self._thread.start()

    def send(self, address: str, link: str, manage: str) -> None:
        self._queue.put((address, link, manage))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)
        self.transport.close()

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            address, link, manage = job
            try:
                result = self.transport.deliver(self.confirmation.sender.envelope_sender, address,
                                                self.confirmation.message(address, link, manage))
            except Exception as error:
                log.warning("a confirmation email could not be sent (%s)", type(error).__name__)
                continue
            if result.outcome is not Outcome.SENT:
                # The reply's code only: the rest may quote the address, and the log holds no personal data.
                log.warning("a confirmation email was not accepted by the relay (%s)", result.reply[:3])
