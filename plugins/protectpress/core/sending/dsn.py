"""Reading one delivery status notification (a bounce) into what it says: which of our messages, what happened.

RFC 3464 reports (`multipart/report; report-type=delivery-status`, as Postfix, Exim, Exchange and Office 365
send them) carry a `message/delivery-status` part with `Action` and `Status` per recipient and the returned
message or its headers. Older or simpler servers send plain text ("Sorry, no mailbox here by that name.
(#5.1.1)") with the returned message pasted below; those are read when they name a status code.

Every bounce is written by a server we do not run, and its text (the diagnostic) is copied from whatever the
far end said: hostile input. It is parsed with the email package's `compat32` policy, which never decodes
encoded words, and every text we keep goes through `plain_text` before it reaches a file, a header or a
terminal.
"""

from __future__ import annotations

import enum
import hashlib
import itertools
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from email.utils import getaddresses

from ..foundation.deep_parse import collector_paused
from ..foundation.headertext import plain_text


class BounceKind(str, enum.Enum):
    HARD = "hard"  # 5.x.x: the address does not work; suppress it
    SOFT = "soft"  # 4.x.x and given up: a full mailbox, a server down for days; suppress after a few in a row
    DELAYED = "delayed"  # a warning that delivery is still being tried: nothing to do
    DELIVERED = "delivered"  # a report of success (rare; asked for or relayed): it ends a run of soft bounces

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Bounce:
    """What one report says about one of the messages it returns."""

    report_id: str  # the report's own Message-ID, or a digest of its bytes: what makes reading twice harmless
    kind: BounceKind
    status: str  # "5.1.1"
    diagnostic: str  # plain text, one line, at most MAX_HEADER_TEXT characters
    message_ids: tuple[str, ...]  # Message-IDs found in the returned message, ours among them if it is ours
    delivered_to: tuple[str, ...] = ()  # where the report itself was addressed: a VERP address names the person


class NotABounce(ValueError):
    """A message that is not a delivery report we can read; the text says why, for the list of those skipped."""


_STATUS = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})\b")
# In a diagnostic or a plain-text bounce: "550 5.1.1", "550-5.1.1", "#5.1.1" (qmail), or a basic reply code.
_ENHANCED_IN_TEXT = re.compile(r"(?:\b[245]\d\d[ -]|#)([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
_BASIC_IN_TEXT = re.compile(r"(?<![\d.])([45])\d\d(?=[ -][A-Za-z<])")
_MESSAGE_ID_LINE = re.compile(r"^Message-ID:[ \t]*(<[^<>\s]{3,250}>)", re.IGNORECASE | re.MULTILINE)
_DIAGNOSTIC_TYPE = re.compile(r"^\s*(?:smtp|x-unix|x-postfix|x-local)\s*;\s*", re.IGNORECASE)
_ACTION_KIND = {"failed": None, "delayed": BounceKind.DELAYED, "delivered": BounceKind.DELIVERED,
                "relayed": BounceKind.DELIVERED, "expanded": BounceKind.DELIVERED}
_TEXT_SCANNED = 200_000  # characters of one part: a returned message can be large, its headers come first


# A delivery report has two or three multipart sections (the report, perhaps the returned message's own) and two
# enclosed messages (`message/delivery-status`, `message/rfc822`). The email package parses and walks parts by
# recursion, so 1,000 nested sections or 1,500 nested messages (58 KB, anyone can mail them) go past Python's
# recursion limit. Catching that RecursionError is not enough: while the parse runs a thousand frames deep, the
# garbage collector may start, and the finalizers of anything else awaiting collection then run at that depth and
# fail. So a message with more of either than these is not parsed at all.
MAX_MULTIPART_SECTIONS = 32
MAX_ENCLOSED_MESSAGES = 8
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)
# A header line (after LF, CRLF or a lone CR, as the email package splits lines) declaring a message/* part, its
# value perhaps on a folded line: what makes the parser go one level deeper.
_ENCLOSED_MESSAGE = re.compile(rb"(?:^|(?<=\r))content-type[ \t]*:\s*message/", re.IGNORECASE | re.MULTILINE)


def _more_than(limit: int, pattern: re.Pattern[bytes], raw: bytes) -> bool:
    return sum(1 for _ in itertools.islice(pattern.finditer(raw), limit + 1)) > limit


def read_bounce(raw: bytes) -> Bounce:
    """The bounce in `raw` (one whole message), or NotABounce saying why it is not one we can read."""
    if _more_than(MAX_MULTIPART_SECTIONS, _BOUNDARY, raw):
        raise NotABounce(f"more than {MAX_MULTIPART_SECTIONS} multipart sections (a delivery report has two or three)")
    if _more_than(MAX_ENCLOSED_MESSAGES, _ENCLOSED_MESSAGE, raw):
        raise NotABounce(f"more than {MAX_ENCLOSED_MESSAGES} enclosed messages (a delivery report has two)")
    try:
        with collector_paused():
            return _read_bounce(raw)
    except RecursionError:  # a way to nest that neither count above sees; the counts are the real guard
        raise NotABounce("parts nested too deep to read") from None


def _read_bounce(raw: bytes) -> Bounce:
    message = message_from_bytes(raw, policy=compat32)
    report_id = _report_id(message, raw)
    returned_ids = _returned_message_ids(message)
    fields = _delivery_status(message)
    if fields is not None:
        status = _status(fields.get("Status", "")) or _status_in_text(fields.get("Diagnostic-Code", ""))
        action = fields.get("Action", "").strip().lower()
        diagnostic = _DIAGNOSTIC_TYPE.sub("", _unfold(fields.get("Diagnostic-Code", "")))
    else:
        text = _text_of(message)
        status = _status_in_text(text)
        action = ""
        diagnostic = _diagnostic_line(text, status) if status else ""
    if not status:
        raise NotABounce("no delivery status (like 5.1.1) in it")
    kind = _ACTION_KIND.get(action) or _kind_of(status)
    if kind is BounceKind.DELIVERED and not status.startswith("2"):
        kind = _kind_of(status)
    return Bounce(report_id=report_id, kind=kind, status=status, diagnostic=plain_text(diagnostic),
                  message_ids=returned_ids, delivered_to=_delivered_to(message))


_DELIVERED_TO_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


def _delivered_to(message: Message) -> tuple[str, ...]:
    values = [str(value) for name in _DELIVERED_TO_HEADERS for value in message.get_all(name, [])]
    return tuple(dict.fromkeys(address for _, address in getaddresses(values) if "@" in address))


def _kind_of(status: str) -> BounceKind:
    return {"5": BounceKind.HARD, "4": BounceKind.SOFT}.get(status[0], BounceKind.DELIVERED)


def _report_id(message: Message, raw: bytes) -> str:
    found = _MESSAGE_ID_LINE.search(f"Message-ID: {message.get('Message-ID', '')}".strip())
    if found:
        return found.group(1)
    return "sha256:" + hashlib.sha256(raw).hexdigest()  # a report without an ID: the same bytes, the same report


def _delivery_status(message: Message) -> dict[str, str] | None:
    """The fields of the recipient block that matters most (failed, then delayed, then any), with the
    per-message block's fields under them; None when the message has no delivery-status part."""
    for part in message.walk():
        if part.get_content_type() not in ("message/delivery-status", "message/global-delivery-status"):
            continue
        blocks = _status_blocks(part)
        if not blocks:
            continue
        per_message, recipients = blocks[0], blocks[1:] or blocks[:1]
        chosen = min(recipients, key=lambda block: _ACTION_ORDER.get(block.get("Action", "").strip().lower(), 9))
        return {**per_message, **chosen}
    return None


_ACTION_ORDER = {"failed": 0, "delayed": 1}


def _status_blocks(part: Message) -> list[dict[str, str]]:
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses each block as a header section
        return [{key: str(value) for key, value in block.items()} for block in payload if isinstance(block, Message)]
    text = _decoded(part)
    return [{key: str(value) for key, value in HeaderParser(policy=compat32).parsestr(block.strip() + "\n").items()}
            for block in re.split(r"\r?\n\s*\r?\n", text) if block.strip()]


def _returned_message_ids(message: Message) -> tuple[str, ...]:
    """Message-IDs of the returned message, wherever the report put it: a message/rfc822 part, a
    text/rfc822-headers part, or pasted into the text. The report's own ID is not among them."""
    found: list[str] = []
    for part in message.walk():
        if part is message:
            continue
        kind = part.get_content_type()
        if kind in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            for returned in inner if isinstance(inner, list) else [inner]:
                if isinstance(returned, Message) and returned.get("Message-ID"):
                    found.append(str(returned.get("Message-ID")))
        elif kind.startswith("text/") or kind == "message/global-headers":
            found += _MESSAGE_ID_LINE.findall(_decoded(part)[:_TEXT_SCANNED])
    if not message.is_multipart():
        found += _MESSAGE_ID_LINE.findall(_decoded(message)[:_TEXT_SCANNED])
    own = message.get("Message-ID", "")
    return tuple(dict.fromkeys(i.strip() for i in found if i.strip() and i.strip() != str(own).strip()))


def _text_of(message: Message) -> str:
    if not message.is_multipart():
        return _decoded(message)[:_TEXT_SCANNED]
    parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return "\n".join(_decoded(part)[:_TEXT_SCANNED] for part in parts)


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset name Python does not know
        return payload.decode("utf-8", errors="replace")


def _status(value: str) -> str:
    found = _STATUS.match(_unfold(value))
    return ".".join(found.groups()) if found else ""


def _status_in_text(text: str) -> str:
    found = _ENHANCED_IN_TEXT.search(text)
    if found:
        return found.group(1)
    basic = _BASIC_IN_TEXT.search(text)
    return f"{basic.group(1)}.0.0" if basic else ""


def _diagnostic_line(text: str, status: str) -> str:
    """In a plain-text bounce, the line that gave the status: what the far server said."""
    for line in text.splitlines():
        if status in line or (status.endswith(".0.0") and re.search(rf"(?<!\d){status[0]}\d\d[ -]", line)):
            return line.strip()
    return ""


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]+", " ", str(value)).strip()
