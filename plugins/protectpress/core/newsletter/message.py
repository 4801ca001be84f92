"""The MIME message for a newsletter: `build_message`, which `export` and the sign-up mailer use, and
`MessageTemplate`, which writes the same bytes for each reader of a test or bulk send at a quarter of the cost.

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
import secrets
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
FOLD_AT = 78  # RFC 5322's recommended longest line, where the email policies fold a header
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
            encoded = Header(value, "utf-8", header_name=name).encode(linesep=self.linesep, maxlinelen=FOLD_AT)
            return f"{name}: {encoded}{self.linesep}"
        if name.lower() in WHOLLY_ENCODED_HEADERS and len(name) + 2 + len(value) > FOLD_AT:
            # CPython moves a subject that would just fit on a line of its own to the next line ("Subject:"
            # CRLF " Confirm your ..."), which reads back with a leading space: folded at its spaces instead,
            # its first word always beside the name.
            first, *words = value.split(" ")
            lines = [f"{name}: {first}"]
            for word in words:
                if len(lines[-1]) + 1 + len(word) <= FOLD_AT:
                    lines[-1] += " " + word
                else:
                    lines.append(word)
            return (self.linesep + " ").join(lines) + self.linesep
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
    boundary: str | None = None,
) -> EmailMessage:
    """One newsletter email. `to` is (name, address), or None for an unaddressed draft (`unsent=True`).

    `list_unsubscribe` holds the URIs (`mailto:...`, `https://...`) in the order mail programs should try them;
    `one_click` adds RFC 8058's `List-Unsubscribe-Post` and needs a web address among them. `list_id` is RFC
    2919's list name (`newsletter.example.org`), written in angle brackets. `boundary`: the multipart boundary
    (`new_boundary()` when not given). `MessageTemplate` writes the same bytes for many readers, faster.
    """
    international = to is not None and not to[1].isascii()
    message = EmailMessage(policy=INTERNATIONAL_POLICY if international else MESSAGE_POLICY)
    reader = reader_headers(to=to, message_id=message_id, date=date, list_unsubscribe=list_unsubscribe,
                            one_click=one_click, from_address=from_address)
    for name, value in _headers(reader, subject=subject, from_address=from_address, from_name=from_name,
                                reply_to=reply_to, return_path=return_path, one_click=one_click, list_id=list_id,
                                unsent=unsent, extra_headers=extra_headers):
        message[name] = value
    message.make_alternative(boundary or new_boundary())
    message.attach(_text_part(text, "plain"))
    message.attach(_text_part(html, "html"))
    return message


# The headers that name the reader of one copy (or differ for each copy): the rest are the same for every reader.
READER_HEADERS = ("To", "Date", "Message-ID", "List-Unsubscribe")


def reader_headers(*, to: tuple[str, str] | None, message_id: str | None, date: dt.datetime | None,
                   list_unsubscribe: list[str] | tuple[str, ...], one_click: bool,
                   from_address: str) -> dict[str, object]:
    """The values of `READER_HEADERS` for one copy, checked (those it has: no To for a draft, no
    List-Unsubscribe without URIs)."""
    headers: dict[str, object] = {}
    if to is not None:
        name = header_text(to[0] or "", "the recipient's name")
        address = header_text(to[1], "the recipient's address", ADDRESS_LIMIT)
        # `Address` refuses a local part beyond ASCII, so an international one is written as UTF-8 text.
        headers["To"] = (Address(display_name=name, addr_spec=address) if address.isascii()
                         else _international_mailbox(name, address))
    headers["Date"] = email.utils.format_datetime(date or clock())
    headers["Message-ID"] = header_text(message_id or email.utils.make_msgid(domain=_domain(from_address)),
                                        "the Message-ID", SMTP_LINE_LIMIT)
    if list_unsubscribe:
        headers["List-Unsubscribe"] = list_unsubscribe_value(list_unsubscribe)
        if one_click and not any(uri.startswith(("https:", "http:")) for uri in list_unsubscribe):
            raise ValueError("one-click unsubscribe needs a web address in List-Unsubscribe (RFC 8058)")
    return headers


def _headers(reader: dict[str, object], *, subject: str, from_address: str, from_name: str, reply_to: str,
             return_path: str, one_click: bool, list_id: str, unsent: bool,
             extra_headers: dict[str, str] | None) -> list[tuple[str, object]]:
    """Every header of a message in its order, `reader`'s (see `reader_headers`) among them."""
    headers: list[tuple[str, object]] = [
        ("From", Address(display_name=header_text(from_name, "the sender's name"),
                         addr_spec=header_text(from_address, "the sender's address", ADDRESS_LIMIT)))]
    if "To" in reader:
        headers.append(("To", reader["To"]))
    headers += [("Subject", header_text(subject, "the subject", MAX_HEADER_TEXT + len(TEST_PREFIX))),
                ("Date", reader["Date"]), ("Message-ID", reader["Message-ID"])]
    if reply_to:
        headers.append(("Reply-To", header_text(reply_to, "the Reply-To address", ADDRESS_LIMIT)))
    if return_path:
        headers.append(("Return-Path", f"<{header_text(return_path, 'the Return-Path address', ADDRESS_LIMIT)}>"))
    if "List-Unsubscribe" in reader:
        headers.append(("List-Unsubscribe", reader["List-Unsubscribe"]))
        if one_click:
            headers.append(("List-Unsubscribe-Post", ONE_CLICK_POST))
    if list_id:
        headers.append(("List-Id", f"<{header_text(list_id, 'the List-Id', MAX_HEADER_TEXT)}>"))
    if unsent:
        headers.append(("X-Unsent", "1"))  # Outlook opens the .eml as a draft ready to address and send
    for name, value in (extra_headers or {}).items():
        headers.append((header_text(name, "a header name"), header_text(value, f"the {name} header", SMTP_LINE_LIMIT)))
    headers.append(("MIME-Version", "1.0"))
    return headers


def new_boundary() -> str:
    """A multipart boundary: 19 random digits between `=` signs, as the email package makes them. Both parts
    are quoted-printable, where `=` is written `=3D` or ends a line, so no line of theirs can be `--` and this
    boundary: neither builder has to search the parts for it, as the email package does (a regular expression
    over the whole message, once a copy)."""
    return f"==============={secrets.randbelow(10 ** 19):019d}=="


class MessageTemplate:
    """`build_message`'s bytes for each reader of one newsletter, with what every copy shares written once.

    The email package's generator writes each header with the policy's `fold_binary`; a template does the same,
    once a send for the headers every copy shares and the MIME structure (read from a message `build_message`
    made), and once a copy only for `READER_HEADERS`. The parts are the reader's personalised HTML and text,
    quoted-printable as `build_message` encodes them, with the generator's CRLF line ends. One boundary serves
    every copy of a send (see `new_boundary`). `tests/test_message.py` holds each copy byte for byte to the one
    `build_message` writes for the same reader.
    """

    def __init__(self, *, subject: str, from_address: str, from_name: str = "", reply_to: str = "",
                 return_path: str = "", one_click: bool = False, list_id: str = "",
                 boundary: str | None = None) -> None:
        self.subject, self.from_address, self.from_name = subject, from_address, from_name
        self.reply_to, self.return_path, self.one_click, self.list_id = reply_to, return_path, one_click, list_id
        self.boundary = boundary or new_boundary()
        self._layouts: dict[bool, tuple[list[bytes | str], list[bytes]]] = {}
        self._last: dict[tuple[bool, str], tuple[object, bytes]] = {}  # each reader header's last value, written

    def as_bytes(self, *, to: tuple[str, str], html: str, text: str, message_id: str | None = None,
                 list_unsubscribe: list[str] | tuple[str, ...], date: dt.datetime | None = None) -> bytes:
        """One reader's copy: what `build_message(..., to=to, ...).as_bytes()` gives, with this boundary."""
        if not list_unsubscribe:
            raise ValueError("a copy from a template needs its List-Unsubscribe URIs")
        international = not to[1].isascii()
        headers, part_heads = self._layout(international)
        reader = reader_headers(to=to, message_id=message_id, date=date, list_unsubscribe=list_unsubscribe,
                                one_click=self.one_click, from_address=self.from_address)
        written = [entry if isinstance(entry, bytes) else self._written(international, entry, reader[entry])
                   for entry in headers]
        delimiter = b"--" + self.boundary.encode("ascii")
        return b"".join([*written, b"\r\n", delimiter, b"\r\n",
                         part_heads[0], _quoted_printable(text).replace(b"\n", b"\r\n"), b"\r\n", delimiter, b"\r\n",
                         part_heads[1], _quoted_printable(html).replace(b"\n", b"\r\n"), b"\r\n", delimiter,
                         b"--\r\n"])

    def _written(self, international: bool, name: str, value: object) -> bytes:
        """A reader's header as the generator writes it; the Date of the copy before (sent the same second), as
        it was written then."""
        last = self._last.get((international, name))
        if last is None or last[0] != value:
            policy = INTERNATIONAL_POLICY if international else MESSAGE_POLICY
            last = self._last[international, name] = value, policy.fold_binary(*policy.header_store_parse(name, value))
        return last[1]

    def _layout(self, international: bool) -> tuple[list[bytes | str], list[bytes]]:
        """The headers as written once (bytes), or the name of a reader's header, in order; each part's headers
        and the blank line after them. Read from a message `build_message` made for a stand-in reader."""
        if international not in self._layouts:
            policy = INTERNATIONAL_POLICY if international else MESSAGE_POLICY
            stand_in = build_message(
                subject=self.subject, html="", text="", from_address=self.from_address, from_name=self.from_name,
                to=("", "é@example.invalid" if international else "e@example.invalid"),
                reply_to=self.reply_to, return_path=self.return_path, list_unsubscribe=["https://example.invalid/"],
                one_click=self.one_click, list_id=self.list_id, boundary=self.boundary)
            headers: list[bytes | str] = [name if name in READER_HEADERS else policy.fold_binary(name, value)
                                          for name, value in stand_in.raw_items()]
            part_heads = [b"".join(policy.fold_binary(name, value) for name, value in part.raw_items()) + b"\r\n"
                          for part in stand_in.iter_parts()]
            self._layouts[international] = headers, part_heads
        return self._layouts[international]


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
    part.set_payload(_quoted_printable(content).decode("ascii"))
    return part


def _quoted_printable(content: str) -> bytes:
    """`content` as UTF-8 in quoted-printable, its lines ending in LF (the generator writes them as CRLF)."""
    normalised = content.replace("\r\n", "\n").replace("\r", "\n")
    return binascii.b2a_qp(normalised.encode("utf-8"), istext=True)


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
