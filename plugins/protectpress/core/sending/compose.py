"""One rendered newsletter -> one message per recipient: the name, the unsubscribe links, the headers.

The newsletter is rendered once per run; only the placeholders differ per person (`personalise` escapes
them). The sending settings are checked here, once, before anything is sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..foundation.config import ConfigError
from ..foundation.plugin_settings import SENDING as SETTING
from ..foundation.plugin_settings import sending_problems
from ..foundation.service_address import MANAGE_PATH, service_address, unsubscribe_link
from ..foundation.settings import Settings
from ..foundation.tokens import SECRET_VARIABLE, Keyring, KeyringError
from ..newsletter.message import MessageTemplate, message_digest, message_id_with, with_test_prefix
from ..newsletter.rendered import RenderedNewsletter, personalise, unsubscribe_mailto
from ..newsletter.sender import sender_name_and_setting, sender_name_problem
from .campaign import Outgoing
from .recipients import Recipient
from .verp import base_address, is_verp, verp_sender


@dataclass(frozen=True)
class SenderIdentity:
    """Who a newsletter comes from, checked once from mkdocs.yml."""

    from_address: str
    from_name: str
    reply_to: str
    return_path: str
    unsubscribe_mailto: str
    unsubscribe_url: str  # the unsubscribe service's base address; "" for mailto only
    list_id: str = ""
    # Signs each reader's one-click link; None when there is no unsubscribe_url (or for an unsigned export).
    unsubscribe_keyring: Keyring | None = None
    verp: bool = False  # return_path was written `bounces+@...`: each message gets its own (see verp.py)

    @classmethod
    def from_settings(cls, settings: Settings, *, signing: bool = True) -> SenderIdentity:
        """The sender, checked. `signing`: messages will carry one-click links, so the secret must be set."""
        sending = settings.plugin.sending
        where = settings.config_file.name
        problems = [f"{where}: {SETTING}.{key}: {expected}, found {found}"
                    for key, expected, found in sending_problems(sending, sending_now=True)]
        keyring = None
        if signing and sending.unsubscribe_url:
            try:
                keyring = Keyring.from_environment(os.environ)
            except KeyringError as error:
                # Never an unsigned link: without the secret nothing is sent, and the message says how to set it.
                problems.append(f"{where}: {SETTING}.unsubscribe_url: {error.expected}, found {error.found}. Ask "
                                "whoever runs the unsubscribe service for it and set it in this terminal before "
                                f"sending: export {SECRET_VARIABLE}='...' (PowerShell: $env:{SECRET_VARIABLE}='...'). "
                                "Nothing was sent.")
        name_problem = sender_name_problem(settings)
        if name_problem is not None:
            problems.append(str(name_problem))
        if problems:
            raise ConfigError("\n".join(problems))
        return cls(
            from_address=sending.from_address,
            from_name=sender_name_and_setting(settings)[0],
            reply_to=sending.reply_to,
            return_path=base_address(sending.return_path),
            unsubscribe_mailto=sending.unsubscribe_address,
            unsubscribe_url=sending.unsubscribe_url,
            list_id=sending.list_id or default_list_id(settings),
            unsubscribe_keyring=keyring,
            verp=is_verp(sending.return_path),
        )

    @property
    def envelope_sender(self) -> str:
        """Where bounces go: the SMTP MAIL FROM."""
        return self.return_path or self.from_address

    @property
    def shown(self) -> str:
        return f"{self.from_name} <{self.from_address}>" if self.from_name else self.from_address


# What `check` notes and a send through a relay says before it asks, while there is no one-click unsubscribe.
ONE_CLICK_OFF = ("no one-click unsubscribe (unsubscribe_url is not set in mkdocs.yml): these emails carry no "
                 "List-Unsubscribe-Post header, which Gmail and Yahoo require from bulk senders, so they may be "
                 "filtered as spam. See 'Unsubscribes' in handbook/sending.md.")


class Composer:
    """Builds the bytes sent to one person (or to a tester) from the newsletter rendered once."""

    def __init__(self, newsletter: RenderedNewsletter, sender: SenderIdentity, message_id_salt: str = "", *,
                 journaled: bool = False) -> None:
        """`message_id_salt`: the send journal's secret (`SendJournal.message_id_salt`), so that nobody can work
        out a recipient's Message-ID or VERP tag and forge a bounce for them; "" where no journal is kept (the
        outbox), whose messages no bounce is ever matched to, and for a journal begun before IDs were salted.
        `journaled`: the send keeps a journal, so its bounces can be matched and VERP (when set) applies."""
        self.newsletter = newsletter
        self.sender = sender
        self.message_id_salt = message_id_salt
        self.verp = journaled and sender.verp
        self.domain = sender.from_address.rpartition("@")[2]
        self._templates: dict[str, MessageTemplate] = {}

    def for_journal(self, message_id_salt: str) -> Composer:
        """This composer for a send recorded in a journal: its messages carry that journal's secret."""
        return Composer(self.newsletter, self.sender, message_id_salt, journaled=True)

    def unsubscribe_uris(self, address: str) -> list[str]:
        """For List-Unsubscribe: the mailto first (every mail program can use it), then the one-click URL."""
        uris = [unsubscribe_mailto(self.sender.unsubscribe_mailto)]
        if self.sender.unsubscribe_url:
            if self.sender.unsubscribe_keyring is None:
                raise ValueError("a one-click unsubscribe link needs the signing secret (SenderIdentity.from_settings)")
            token = self.sender.unsubscribe_keyring.sign(address, self.newsletter.slug)
            uris.append(unsubscribe_link(self.sender.unsubscribe_url, token))
        return uris

    def manage_link(self, address: str) -> str | None:
        """The reader's signed "Manage your email" link, when the subscriptions service runs; else None."""
        keyring = self.sender.unsubscribe_keyring
        if not self.sender.unsubscribe_url or keyring is None:
            return None
        return service_address(self.sender.unsubscribe_url, MANAGE_PATH, keyring.sign_manage(address))

    def for_recipient(self, recipient: Recipient) -> Outgoing:
        """One person's message and envelope sender. Their digest is worked out once: it names their copy in
        its Message-ID and, under VERP, in the tag of their own envelope sender, where bounces are matched."""
        digest = message_digest(self.newsletter.slug, recipient.address, salt=self.message_id_salt)
        message_id = message_id_with(self.newsletter.slug, digest, self.domain)
        data = self._compose(recipient.name, recipient.address, self.newsletter.subject, message_id,
                             first_name=recipient.first_name)
        sender = verp_sender(self.sender.return_path, digest) if self.verp else self.sender.envelope_sender
        return Outgoing(data, sender)

    def for_test(self, address: str, like: Recipient | None = None) -> Outgoing:
        """A [TEST] copy to `address`, its merge fields filled as for `like` (a person on the list), so the
        tester sees the greeting that person will get; with nobody, as for a reader with no name."""
        # A test gets its own Message-ID: if the tester is also on the list, mail programs that drop a
        # second message with a known ID would otherwise hide the real one.
        name, first_name = (like.name, like.first_name) if like is not None else ("", "")
        data = self._compose(name, address, with_test_prefix(self.newsletter.subject), None, first_name=first_name,
                             to_name="")
        return Outgoing(data, self.sender.envelope_sender)

    def _compose(self, name: str, address: str, subject: str, message_id: str | None, *,
                 first_name: str = "", to_name: str | None = None) -> bytes:
        uris = self.unsubscribe_uris(address)
        html, text = personalise(self.newsletter, name=name, first_name=first_name, unsubscribe_url=uris[-1],
                                 manage_url=self.manage_link(address))
        return self._template(subject).as_bytes(to=(name if to_name is None else to_name, address), html=html,
                                                text=text, message_id=message_id, list_unsubscribe=uris)

    def _template(self, subject: str) -> MessageTemplate:
        """What every copy with this subject shares (the list's, or a test's), written once for the run."""
        if subject not in self._templates:
            sender = self.sender
            self._templates[subject] = MessageTemplate(
                subject=subject, from_address=sender.from_address, from_name=sender.from_name,
                reply_to=sender.reply_to, return_path=sender.return_path, one_click=bool(sender.unsubscribe_url),
                list_id=sender.list_id)
        return self._templates[subject]


def default_list_id(settings: Settings) -> str:
    """RFC 2919's List-Id when mkdocs.yml sets none: `newsletter.` and the site's host name."""
    host = urlsplit(settings.site_url).hostname or settings.plugin.sending.from_address.rpartition("@")[2]
    return f"newsletter.{host.lower()}"
