"""Where bounces are read from: an mbox file, a Maildir folder, or an IMAP folder. Each gives whole messages.

Reading never changes the mailbox (IMAP folders are opened read-only, so nothing is even marked as read):
`bounces` remembers which reports it has dealt with instead, and the mailbox can be read again safely.
"""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..foundation.hosts import is_loopback

IMAP_PASSWORD_VARIABLE = "PROTECTPRESS_IMAP_PASSWORD"
IMAP_TIMEOUT = 60.0  # seconds: a mail server that stops answering ends the run with a message, not a hang
# What a mail server may send: a line as long as imaplib's own limit (a SEARCH of 100,000 messages fits), and a
# message of 64 MiB (a bounce returns at most the message we sent). A longer line, or a literal announced
# larger (a hostile server announced 100 GB), ends the run with a message, not a traceback or a 100 GB read.
# Each step (logging in and listing; fetching one message) must be answered whole within this long: a server
# that drips a byte just inside IMAP_TIMEOUT would otherwise hold the run for as long as it likes.
IMAP_STEP_DEADLINE = 120.0
IMAP_MAX_LINE = 1_000_000
IMAP_MAX_LITERAL = 64 * 1024 * 1024


IMAP_EXPECTED = "expected imaps://user@host[:port]/folder (or imap://user@127.0.0.1:port/folder on this computer)"
LOCAL_EXPECTED = "expected an mbox file or a Maildir folder"
MAILDIR_EXPECTED = "expected a Maildir folder (with cur/ and new/ inside) or an mbox file"


class MailboxError(Exception):
    """A source that cannot be read at all: said in one line, with what to do."""


@dataclass(frozen=True)
class MailboxMessage:
    where: str  # "message 3" or a Maildir file name: how comms staff find it in their mail program
    raw: bytes


@dataclass(frozen=True)
class ImapAddress:
    secure: bool
    host: str
    port: int
    username: str
    folder: str

    @classmethod
    def parse(cls, url: str) -> ImapAddress:
        expected = IMAP_EXPECTED
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise MailboxError(f"{expected}, found a port that is not a number in {url!r}") from None
        if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
            raise MailboxError(f"{expected}, found {url!r}")
        if parts.scheme == "imap" and not is_loopback(parts.hostname):
            raise MailboxError(f"{expected}: plain imap:// would send the password unencrypted, found {url!r}")
        folder = unquote(parts.path.lstrip("/")) or "INBOX"
        if re.search(r'[\x00-\x1f\x7f"\\]', folder) or not folder.isascii():
            raise MailboxError(f"{expected}: a folder name in plain ASCII without quotes, backslashes or control "
                               "characters (move the bounces to a folder named like Bounces), "
                               f"found {folder!r}")
        default_port = 993 if parts.scheme == "imaps" else 143
        return cls(secure=parts.scheme == "imaps", host=parts.hostname, port=port or default_port,
                   username=unquote(parts.username), folder=folder)

    @property
    def shown(self) -> str:
        return f"{'imaps' if self.secure else 'imap'}://{self.username}@{self.host}:{self.port}/{self.folder}"


def is_imap(source: str) -> bool:
    return source.lower().startswith(("imap://", "imaps://"))


def local_messages(path: Path, shown_as: str) -> Iterator[MailboxMessage]:
    """Every message in an mbox file or a Maildir folder (one with cur/ and new/); checked before reading."""
    if path.is_dir():
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise MailboxError(f"{shown_as}: {MAILDIR_EXPECTED}, found a folder without them")
        return _maildir_messages(mailbox.Maildir(path, factory=None, create=False), shown_as)
    if not path.is_file():
        raise MailboxError(f"{shown_as}: {LOCAL_EXPECTED}, found nothing there")
    return _mbox_messages(mailbox.mbox(path, factory=None, create=False), shown_as)


def _maildir_messages(box: mailbox.Maildir, shown_as: str) -> Iterator[MailboxMessage]:
    for key in sorted(box.keys()):
        with box.get_file(key) as handle:
            yield MailboxMessage(where=f"{shown_as}: {key}", raw=handle.read())


def _mbox_messages(box: mailbox.mbox, shown_as: str) -> Iterator[MailboxMessage]:
    try:
        for number, key in enumerate(box.keys(), start=1):
            yield MailboxMessage(where=f"{shown_as}: message {number}", raw=box.get_bytes(key, from_=False))
    finally:
        box.close()


def _read_line(self: imaplib.IMAP4) -> bytes:
    """imaplib's readline, with our limit; overstepped, it is an `abort` (the run ends with a message)."""
    line = self.file.readline(IMAP_MAX_LINE + 1)
    if len(line) > IMAP_MAX_LINE:
        raise self.abort(f"the server sent a line of more than {IMAP_MAX_LINE:,} bytes")
    return line if isinstance(line, bytes) else line.encode("latin-1")  # imaplib opens it in binary mode


def _read(self: imaplib.IMAP4, size: int) -> bytes:
    """imaplib's read of a literal, refused before reading when the server announces more than our limit."""
    if size > IMAP_MAX_LITERAL:
        raise self.abort(f"the server announced {size:,} bytes at once, more than {IMAP_MAX_LITERAL:,}")
    data = self.file.read(size)
    return data if isinstance(data, bytes) else data.encode("latin-1")


def _connect(self: imaplib.IMAP4) -> None:
    """imaplib's greeting and CAPABILITY exchange, within the step deadline."""
    with _within(self, ""):
        imaplib.IMAP4._connect(self)  # type: ignore[attr-defined]  # imaplib's own step, not in its stubs


class _Imap(imaplib.IMAP4):
    readline = _read_line
    read = _read
    _connect = _connect


class _ImapSsl(imaplib.IMAP4_SSL):
    readline = _read_line
    read = _read
    _connect = _connect


@contextlib.contextmanager
def _within(client: imaplib.IMAP4, shown: str) -> Iterator[None]:
    """Cut the connection when the step inside takes longer than IMAP_STEP_DEADLINE, and say so."""
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        with contextlib.suppress(OSError):
            client.sock.shutdown(socket.SHUT_RDWR)  # wakes the read that is waiting

    timer = threading.Timer(IMAP_STEP_DEADLINE, cut)
    timer.daemon = True
    timer.start()
    try:
        yield
    except (TimeoutError, OSError, ValueError, imaplib.IMAP4.abort):
        if expired.is_set():
            raise MailboxError(f"{shown}{': ' if shown else ''}the server did not finish answering within "
                               f"{IMAP_STEP_DEADLINE:g} seconds; run the same command again: what was read is "
                               "remembered") from None
        raise
    finally:
        timer.cancel()


def imap_messages(address: ImapAddress, password: str, *, ca_file: str | None = None) -> Iterator[MailboxMessage]:
    """Every message in an IMAP folder, opened read-only (EXAMINE)."""
    try:
        if address.secure:
            context = ssl.create_default_context(cafile=ca_file)
            client: imaplib.IMAP4 = _ImapSsl(address.host, address.port, ssl_context=context, timeout=IMAP_TIMEOUT)
        else:
            client = _Imap(address.host, address.port, timeout=IMAP_TIMEOUT)
    except MailboxError as error:
        raise MailboxError(f"{address.shown}: {error}") from None
    except ssl.SSLError as error:
        raise MailboxError(f"{address.shown}: the secure connection failed ({error.reason or error}); if the server "
                           "uses your organisation's own certificate authority, add --ca-file") from None
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxError(f"{address.shown}: could not connect ({error})") from None
    try:
        with _within(client, address.shown):
            uids = _login_and_list(client, address, password)
        for uid in uids:
            with _within(client, address.shown):
                status, fetched = client.uid("FETCH", uid.decode("ascii", "replace"), "(BODY.PEEK[])")
            raw = next((item[1] for item in fetched or [] if isinstance(item, tuple) and len(item) > 1), None)
            where = f"{address.shown}: message UID {uid.decode('ascii', 'replace')}"
            # b"": one the server would not give; listed as unreadable, the others are still read
            yield MailboxMessage(where=where, raw=raw if status == "OK" and isinstance(raw, bytes) else b"")
    except (TimeoutError, OSError, imaplib.IMAP4.abort) as error:
        raise MailboxError(f"{address.shown}: the connection was lost ({error}); run the same command again: "
                           "what was read is remembered") from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):  # the connection may be gone already
            client.logout()


def _login_and_list(client: imaplib.IMAP4, address: ImapAddress, password: str) -> list[bytes]:
    """Log in, open the folder read-only, and list its messages' UIDs."""
    try:
        client.login(address.username, password)
    except imaplib.IMAP4.abort:
        raise  # the connection, not the password
    except UnicodeEncodeError:  # IMAP LOGIN carries ASCII only
        raise MailboxError(f"{address.shown}: the user name or password has a character outside plain ASCII, "
                           "which IMAP cannot send at login") from None
    except imaplib.IMAP4.error:
        raise MailboxError(f"{address.shown}: the server refused the user name or password "
                           f"(the password comes from {IMAP_PASSWORD_VARIABLE})") from None
    status, _ = client.select(f'"{address.folder}"', readonly=True)
    if status != "OK":
        raise MailboxError(f"{address.shown}: there is no folder {address.folder!r} (names are case-sensitive)")
    status, data = client.uid("SEARCH", "ALL")
    return list(data[0].split()) if status == "OK" and data and data[0] else []
