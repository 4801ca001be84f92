"""The MIME message for a newsletter: the one builder that `export`, test sends and bulk sends all use.

A message is multipart/alternative with the plain-text part first and the HTML part last (mail programs show
the last part they understand). Both parts are UTF-8 in quoted-printable, which keeps the text readable in
the raw message and wraps MJML's long HTML lines below SMTP's 998-character limit.

Python's email policies fold any header longer than 78 characters, and a long URL with no spaces gets folded
into RFC 2047 encoded words (`=?utf-8?q?...?=`). Mail programs then cannot read `List-Unsubscribe`, so the
unsubscribe button disappears. `MessagePolicy` writes the list headers on one line, as given. It also
encodes a non-ASCII Subject as whole encoded words: CPython's folder drops the space between two adjacent
encoded words ("business — ünïcode" arrives as "business —ünïcode").

Every header value passes `header_text` on its way in: plain text on one line, never an encoded word, so
nothing a recipients file or a newsletter says can become a header or body of its own.
"""

from __future__ import annotations

import binascii
import datetime as dt
import email.utils
import hashlib
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy

from ..foundation.dates import clock
from ..foundation.headertext import MAX_HEADER_TEXT, header_text
from ..foundation.service_address import ONE_CLICK_POST

# Headers written exactly as given, never folded or encoded (RFC 2369, RFC 8058; a Message-ID is one token).
UNFOLDED_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post", "list-id", "message-id"})
WHOLLY_ENCODED_HEADERS = frozenset({"subject"})
SMTP_LINE_LIMIT = 998  # RFC 5322: a line, the header name included, may not be longer
ADDRESS_LIMIT = 254  # RFC 5321's longest forward path, less its angle brackets
TEST_PREFIX = "[TEST] "


class MessagePolicy(EmailPolicy):
    """The SMTP policy (CRLF line ends), except that the list headers are never folded."""

    def fold(self, name: str, value: str) -> str:
        return self._written(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        written = self._written(name, value)
        return written.encode("ascii") if written else super().fold_binary(name, value)

    def _written(self, name: str, value: str) -> str | None:
        """Our own rendering of the headers the standard folder gets wrong; None for all the others."""
        value = str(value).strip()
        if name.lower() in UNFOLDED_HEADERS:
            return f"{name}: {value}{self.linesep}"
        if name.lower() in WHOLLY_ENCODED_HEADERS and not value.isascii():
            encoded = Header(value, "utf-8", header_name=name).encode(linesep=self.linesep, maxlinelen=78)
            return f"{name}: {encoded}{self.linesep}"
        return None


MESSAGE_POLICY = MessagePolicy(linesep="\r\n")
# For a recipient whose address has characters beyond ASCII (RFC 6531): headers written as UTF-8, which only
# a relay offering SMTPUTF8 accepts. Encoded words cannot carry an address, so there is no ASCII form.
INTERNATIONAL_POLICY = MESSAGE_POLICY.clone(utf8=True)


def build_message(
    *,
    subject: str,
    html: str,
    text: str,
    from_address: str,
    from_name: str = "",
    to: tuple[str, str] | None = None,
    message_id: str | None = None,
    date: dt.datetime | None = None,
    reply_to: str = "",
    return_path: str = "",
    list_unsubscribe: list[str] | tuple[str, ...] = (),
    one_click: bool = False,
    list_id: str = "",
    unsent: bool = False,
    extra_headers: dict[str, str] | None = None,
) -> EmailMessage:
    """One newsletter email. `to` is (name, address), or None for an unaddressed draft (`unsent=True`).

    `list_unsubscribe` holds the URIs (`mailto:...`, `https://...`) in the order mail programs should try them;
    `one_click` adds RFC 8058's `List-Unsubscribe-Post` and needs a web address among them. `list_id` is RFC
    2919's list name (`newsletter.example.org`), written in angle brackets.
    """
    international = to is not None and not to[1].isascii()
    message = EmailMessage(policy=INTERNATIONAL_POLICY if international else MESSAGE_POLICY)
    message["From"] = Address(display_name=header_text(from_name, "the sender's name"),
                              addr_spec=header_text(from_address, "the sender's address", ADDRESS_LIMIT))
    if to is not None:
        name, address = to
        name = header_text(name or "", "the recipient's name")
        address = header_text(address, "the recipient's address", ADDRESS_LIMIT)
        # `Address` refuses a local part beyond ASCII, so an international one is written as UTF-8 text.
        message["To"] = _international_mailbox(name, address) if international else Address(display_name=name,
                                                                                               addr_spec=address)
    message["Subject"] = header_text(subject, "the subject", MAX_HEADER_TEXT + len(TEST_PREFIX))
    message["Date"] = email.utils.format_datetime(date or clock())
    message["Message-ID"] = header_text(message_id or email.utils.make_msgid(domain=_domain(from_address)),
                                        "the Message-ID", SMTP_LINE_LIMIT)
    if reply_to:
        message["Reply-To"] = header_text(reply_to, "the Reply-To address", ADDRESS_LIMIT)
    if return_path:
        message["Return-Path"] = f"<{header_text(return_path, 'the Return-Path address', ADDRESS_LIMIT)}>"
    if list_unsubscribe:
        message["List-Unsubscribe"] = list_unsubscribe_value(list_unsubscribe)
        if one_click:
            if not any(uri.startswith(("https:", "http:")) for uri in list_unsubscribe):
                raise ValueError("one-click unsubscribe needs a web address in List-Unsubscribe (RFC 8058)")
            message["List-Unsubscribe-Post"] = ONE_CLICK_POST
    if list_id:
        message["List-Id"] = f"<{header_text(list_id, 'the List-Id', MAX_HEADER_TEXT)}>"
    if unsent:
        message["X-Unsent"] = "1"  # Outlook opens the .eml as a draft ready to address and send
    for name, value in (extra_headers or {}).items():
        message[header_text(name, "a header name")] = header_text(value, f"the {name} header", SMTP_LINE_LIMIT)
    message["MIME-Version"] = "1.0"
    message.make_alternative()
    message.attach(_text_part(text, "plain"))
    message.attach(_text_part(html, "html"))
    return message


def _international_mailbox(name: str, address: str) -> str:
    """`"Name" <address>` with the name quoted (it is already plain text on one line)."""
    if not name:
        return f"<{address}>"
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + f'" <{address}>'


def _text_part(content: str, subtype: str) -> EmailMessage:
    """A UTF-8 quoted-printable part, encoded by binascii: the email package's pure-Python encoder made
    composing a message several times slower, which a list of thousands notices."""
    part = EmailMessage(policy=MESSAGE_POLICY)
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "quoted-printable"
    normalised = content.replace("\r\n", "\n").replace("\r", "\n")
    part.set_payload(binascii.b2a_qp(normalised.encode("utf-8"), istext=True).decode("ascii"))
    return part


def list_unsubscribe_value(uris: list[str] | tuple[str, ...]) -> str:
    """`<mailto:...>, <https://...>` on one line; refuses what would break the header or the SMTP line limit."""
    for uri in uris:
        header_text(uri, "an unsubscribe address", SMTP_LINE_LIMIT)
        if not uri.isascii() or any(c in uri for c in "\r\n <>,"):
            raise ValueError(
                f"an unsubscribe address must be plain ASCII with no spaces, commas or angle brackets, found {uri!r}"
            )
    value = ", ".join(f"<{uri}>" for uri in uris)
    if len("List-Unsubscribe: ") + len(value) > SMTP_LINE_LIMIT:
        raise ValueError(f"the List-Unsubscribe header would be longer than {SMTP_LINE_LIMIT} characters")
    return value


def stable_message_id(slug: str, address: str, domain: str, *, salt: str = "") -> str:
    """The same Message-ID for the same newsletter and recipient, so a resent message is recognised as one.

    The address is hashed, so the ID does not show who else was on the list in a forwarded message. A bulk send
    passes its journal's secret as `salt` (SendJournal.message_id_salt): unsalted, anyone knowing the slug and an
    address could work the ID out and forge a bounce report for that person.
    """
    return message_id_with(slug, message_digest(slug, address, salt=salt), domain)


def message_id_with(slug: str, digest: str, domain: str) -> str:
    """The Message-ID for a `message_digest` already worked out: a send that also puts the digest in the VERP
    tag works it out once for both."""
    return f"<{slug}.{digest}@{domain}>"


def message_digest(slug: str, address: str, *, salt: str = "") -> str:
    """The 32 hex digits that name one recipient's copy of one newsletter in its Message-ID (and, cut short, in
    its VERP tag): what bounce matching looks up."""
    return hashlib.sha256(f"{salt}\0{slug}\0{address.strip().lower()}".encode()).hexdigest()[:32]


def with_test_prefix(subject: str) -> str:
    """A test send's subject, so nobody mistakes it for the real thing."""
    return subject if subject.startswith(TEST_PREFIX) else TEST_PREFIX + subject


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"
