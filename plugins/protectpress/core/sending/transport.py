"""Where messages go, in the words every sender shares: a `Transport` delivers one message and says what became
of it (`Outcome`). The two are an SMTP relay (`relay.py`) and `.eml` files in the outbox (`outbox.py`).

The relay's answer decides what the journal records, so every failure is classified by when it happened:
- before the message's final dot was sent: nothing was delivered, it is safe to try again (`TEMPORARY`);
- after the dot, with no reply (connection lost, time-out) or one that is not a well-formed 2xx, 4xx or 5xx
  reply (garbled, non-numeric, codes that disagree): the relay may have it (`UNKNOWN`), never sent again
  automatically;
- a 4xx reply: try again later (`TEMPORARY`); a 5xx reply: do not (`PERMANENT`), and only a 5.1.x reply to
  RCPT ("no such mailbox") tells the caller to add the address to the suppression list.
Problems with the relay itself (login refused, certificate, no TLS) raise `RelayError`: no recipient is to
blame, the run stops and nothing is marked failed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


class Outcome(enum.Enum):
    SENT = "sent"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Outcome
    reply: str
    no_such_mailbox: bool = False
    refused_here: bool = False  # we did not offer it to the relay at all: says nothing about the relay's health


class RelayError(Exception):
    """The relay cannot be used at all (address, TLS, login). The message is for comms staff."""


class Transport(Protocol):
    description: str

    def deliver(self, sender: str, recipient: str, data: bytes) -> DeliveryResult: ...

    def close(self) -> None: ...
