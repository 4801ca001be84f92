"""An SMTP relay: one reused connection, TLS checked, each message's outcome read strictly (see `transport.py`
for what each outcome means to the journal)."""

from __future__ import annotations

import contextlib
import dataclasses
import re
import signal
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..foundation.headertext import plain_text
from ..foundation.hosts import is_loopback
from .transport import DeliveryResult, Outcome, RelayError

PASSWORD_VARIABLE = "PROTECTPRESS_SMTP_PASSWORD"
_NO_SUCH_MAILBOX = re.compile(r"^5\.1\.\d{1,3}\b")
SMTPUTF8_NOT_OFFERED = ("not sent: the address has characters beyond ASCII, and the relay does not offer SMTPUTF8 "
                        "(RFC 6531), which it needs; ask the relay's administrators to enable it, or use the "
                        "person's ASCII address")


@dataclass(frozen=True)
class RelayAddress:
    """`smtp://[user@]host[:port]` (STARTTLS, port 587) or `smtps://[user@]host[:port]` (TLS, port 465)."""

    scheme: str
    host: str
    port: int
    username: str = ""

    @classmethod
    def parse(cls, url: str) -> RelayAddress:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps"):
            raise RelayError("--smtp: expected an address like smtp://user@relay.example.org:587 or smtps://...:465")
        if parts.password is not None:
            # Never echo the value back: it may be the password itself.
            raise RelayError(
                f"--smtp: put the password in the {PASSWORD_VARIABLE} environment variable, not in the address"
            )
        if not parts.hostname:
            raise RelayError("--smtp: expected a host name after smtp://")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 587)
        except ValueError:
            raise RelayError("--smtp: expected a port number after the host name, like :587") from None
        return cls(parts.scheme, parts.hostname, port, unquote(parts.username or ""))

    @property
    def shown(self) -> str:
        user = f"{self.username}@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"

    @property
    def is_loopback(self) -> bool:
        return is_loopback(self.host)


# One message from connecting to the relay's last reply: far more than any relay takes, far less than for ever.
MESSAGE_DEADLINE = 300.0
# A relay's reply is kept in the journal and shown in summaries and `sends`: long enough for any real one.
MAX_REPLY_TEXT = 400


def _reply_text(code: int, message: bytes | str) -> str:
    """A relay's reply as we keep and show it: the relay is a far server, so its words are plain text."""
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return plain_text(f"{code} {text}", MAX_REPLY_TEXT)


class SmtpRelay:
    """One connection, opened on first use, reused for every message, reopened after it drops."""

    def __init__(self, address: RelayAddress, password: str | None = None, *, ca_file: str | None = None,
                 timeout: float = 60.0, notify: Callable[[str], None] | None = None) -> None:
        """`notify` hears, once, that a relay on this machine is used without encryption."""
        if address.username and not password:
            raise RelayError(
                f"{address.shown}: a user name needs the password in the {PASSWORD_VARIABLE} environment variable"
            )
        self.address = address
        self.description = address.shown
        self._password = password if address.username else None
        self._timeout = timeout
        try:
            self._tls = ssl.create_default_context(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise RelayError(
                f"--ca-file: expected a PEM certificate file, found {getattr(error, 'strerror', None) or error}"
            ) from None
        self._smtp: smtplib.SMTP | None = None
        self._ever_connected = False
        self._expired = threading.Event()  # set when the message under way passed MESSAGE_DEADLINE
        self._notify = notify
        self._said_plain = False

    def __repr__(self) -> str:  # the password stays out of any debug output
        return f"SmtpRelay({self.description})"

    # -- connecting -------------------------------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        where = self.address.shown
        smtp: smtplib.SMTP
        try:
            if self.address.scheme == "smtps":
                smtp = smtplib.SMTP_SSL(self.address.host, self.address.port, timeout=self._timeout, context=self._tls)
                smtp.ehlo()  # mail() does not greet by itself, and relays refuse MAIL before EHLO
            else:
                smtp = smtplib.SMTP(self.address.host, self.address.port, timeout=self._timeout)
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=self._tls)
                    smtp.ehlo()
                elif not self.address.is_loopback:
                    smtp.close()
                    raise RelayError(
                        f"{where} does not offer STARTTLS, so messages would cross the network "
                        "unencrypted: use the relay's TLS port with smtps://, or a relay that offers STARTTLS"
                    )
                elif not self._said_plain and self._notify is not None:
                    self._said_plain = True  # once a run, not once a reconnection
                    self._notify(f"{where} does not offer STARTTLS: messages go to it unencrypted. That is allowed "
                                 "only because it is on this machine (a local Postfix, say); a relay elsewhere "
                                 "must offer STARTTLS or smtps://.")
            if self.address.username:
                self._login(smtp)
        except ssl.SSLCertVerificationError as error:
            raise RelayError(
                f"{where}: the relay's certificate could not be trusted ({error.verify_message}); if your "
                "organisation runs its own certificate authority, pass its certificate with --ca-file"
            ) from None
        except ssl.SSLError as error:
            raise RelayError(f"{where}: the secure connection failed ({error.reason or error})") from None
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        encrypted = isinstance(smtp.sock, ssl.SSLSocket)
        if not encrypted and not self.address.is_loopback:  # pragma: no cover - _connect already refused this
            raise RelayError(f"{self.address.shown}: refusing to send the password over an unencrypted connection")
        offered = smtp.esmtp_features.get("auth", "").upper().split()
        mechanism = next((m for m in ("PLAIN", "LOGIN") if m in offered), None)
        if mechanism is None:
            smtp.close()
            raise RelayError(f"{self.address.shown}: the relay offers no PLAIN or LOGIN sign-in (AUTH); "
                             "remove the user name from --smtp if it accepts mail without one")
        # One mechanism only: smtplib's login() falls back through the others after a refusal, and some
        # relays then stall until the time-out instead of answering "wrong password".
        smtp.user, smtp.password = self.address.username, self._password or ""
        try:
            smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"))
        except smtplib.SMTPAuthenticationError as error:
            smtp.close()
            raise RelayError(f"{self.address.shown}: the relay refused the user name or password "
                             f"({_reply_text(error.smtp_code, error.smtp_error)})") from None
        except (smtplib.SMTPServerDisconnected, OSError):
            smtp.close()
            raise RelayError(f"{self.address.shown}: the relay hung up during sign-in; check the user name "
                             "and password") from None
        finally:
            smtp.password = ""

    def _unreachable(self, error: BaseException) -> RelayError:
        return RelayError(f"{self.address.shown}: could not connect to the relay: {_describe(error)}")

    def try_sign_in(self) -> str:
        """For a dry run: connect, greet, secure and sign in as a send does (the same `_connect`), then QUIT having
        sent nothing. What the relay agreed to, as `over STARTTLS, signed in as news`; `RelayError` if not."""
        try:
            smtp = self._connect()
        except (smtplib.SMTPException, OSError) as error:
            raise self._unreachable(error) from None
        secured = (("over TLS" if self.address.scheme == "smtps" else "over STARTTLS")
                   if isinstance(smtp.sock, ssl.SSLSocket) else "unencrypted (it is on this computer)")
        signed_in = (f"signed in as {self.address.username}" if self.address.username
                     else "no sign-in (no user name in --smtp)")
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
        return f"{secured}, {signed_in}"

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    # -- one message ------------------------------------------------------------------------------------

    def deliver(self, sender: str, recipient: str, data: bytes) -> DeliveryResult:
        """One message, answered whole within MESSAGE_DEADLINE: past it the connection is cut, so a relay that
        drips its replies within every read time-out cannot hold the send (the outcome is then what a lost
        connection at that point means: try later before the final dot, unknown after it)."""
        expired = self._expired = threading.Event()

        def cut() -> None:
            expired.set()
            smtp = self._smtp
            if smtp is not None and smtp.sock is not None:
                with contextlib.suppress(OSError):
                    smtp.sock.shutdown(socket.SHUT_RDWR)

        timer = threading.Timer(MESSAGE_DEADLINE, cut)
        timer.daemon = True
        _start_deaf(timer)
        try:
            result = self._deliver(sender, recipient, data)
        except KeyboardInterrupt:
            # Ctrl-C mid-transaction: where the relay's replies stand is unknown, so the connection is dropped.
            # A polite QUIT would wait out the whole time-out (a minute by default) for a relay still holding
            # the answer to the message, after the person sending asked to stop.
            self._drop()
            raise
        finally:
            timer.cancel()
        if expired.is_set() and result.outcome in (Outcome.TEMPORARY, Outcome.UNKNOWN):
            self._drop()
            result = dataclasses.replace(result, reply=plain_text(
                f"no whole answer within {MESSAGE_DEADLINE:g} seconds ({result.reply})", MAX_REPLY_TEXT))
        return result

    def _deliver(self, sender: str, recipient: str, data: bytes) -> DeliveryResult:
        reused = self._smtp is not None
        result = self._attempt(sender, recipient, data)
        if (
            reused
            and result.outcome is Outcome.TEMPORARY
            and self._smtp is None
            and result.reply.startswith("connection")
            and not self._expired.is_set()
        ):
            # A reused connection the relay had quietly closed (idle time-out): one fresh try costs nothing.
            result = self._attempt(sender, recipient, data)
        return result

    def _attempt(self, sender: str, recipient: str, data: bytes) -> DeliveryResult:
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except (smtplib.SMTPException, OSError) as error:
                # A relay out of reach at the start of a run is the relay's problem, not a recipient's: stop at
                # once. Later in the run, a failed reconnect is retried like a 4xx answer.
                if not self._ever_connected:
                    raise self._unreachable(error) from None
                return DeliveryResult(Outcome.TEMPORARY, f"connection problem: could not reconnect: {_describe(error)}")
            self._ever_connected = True
        smtp = self._smtp
        options: list[str] = []
        if not (sender.isascii() and recipient.isascii()):
            if not smtp.has_extn("smtputf8"):
                return DeliveryResult(Outcome.PERMANENT, SMTPUTF8_NOT_OFFERED, refused_here=True)
            # smtplib then sends the commands as UTF-8; the message itself is 8-bit where the headers are UTF-8.
            options = ["SMTPUTF8", *(["BODY=8BITMIME"] if smtp.has_extn("8bitmime") else [])]
        try:
            code, reply = smtp.mail(sender, options)
            if code != 250:
                return self._refused(code, reply)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                return self._refused(code, reply, at_rcpt=True)
            code, reply = smtp.docmd("DATA")
            if code != 354:
                return self._refused(code, reply)
            smtp.send(_dot_stuffed(data))
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            return DeliveryResult(
                Outcome.TEMPORARY, f"connection problem before the message was sent: {_describe(error)}"
            )
        # The whole message and its final dot are with the relay: from here a lost answer means "unknown".
        try:
            code, reply = _final_reply(smtp)
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            return DeliveryResult(Outcome.UNKNOWN, f"no answer after the message was sent: {_describe(error)}")
        except _UnclearReply as unclear:
            # The relay may have queued the message; what it said cannot tell us, so it is never sent again
            # automatically. The connection is dropped: we no longer know where its replies stand.
            self._drop()
            return DeliveryResult(
                Outcome.UNKNOWN, f"an answer that cannot be read after the message was sent: {unclear}"
            )
        if 200 <= code < 300:
            return DeliveryResult(Outcome.SENT, _reply_text(code, reply))
        return self._refused(code, reply)

    def _refused(self, code: int, reply: bytes, *, at_rcpt: bool = False) -> DeliveryResult:
        text = _reply_text(code, reply)
        if code == 421 or code < 0:  # the relay is closing the connection (or already has)
            self._drop()
        elif self._smtp is not None:
            try:
                self._smtp.rset()
            except (smtplib.SMTPException, OSError, AttributeError):
                self._drop()
        else:
            self._drop()
        if 400 <= code < 500 or code < 0:
            return DeliveryResult(Outcome.TEMPORARY, text)
        no_such_mailbox = at_rcpt and bool(_NO_SUCH_MAILBOX.match(text.partition(" ")[2]))
        return DeliveryResult(Outcome.PERMANENT, text, no_such_mailbox=no_such_mailbox)


def _start_deaf(thread: threading.Thread) -> None:
    """Start `thread` with every signal blocked in it. Ctrl-C must reach the main thread: the kernel may hand a
    process's signal to any thread not blocking it, and one taken by the timer left the main thread waiting for
    the relay's reply until the time-out before it could stop (10 s of an 11 s test, now and then)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows: Ctrl-C goes to the main thread
        thread.start()
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())  # the new thread inherits it...
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)  # ...and this one is as it was


class _UnclearReply(Exception):
    """The relay's answer to the final dot is not a well-formed 2xx, 4xx or 5xx reply."""


# RFC 5321 section 4.2: a reply line is a three-digit code, then a space (or "-" before another line of the same
# reply) and text, or the code alone on the last line. Only 2xx, 4xx and 5xx answer the end of a message.
_REPLY_LINE = re.compile(rb"([245][0-5][0-9])(?:([ -])([^\r\n]*))?\r?\n")
_MAX_REPLY_LINES = 100  # a relay that never finishes its reply is not waited on forever
_MAX_REPLY_LINE = 8192  # bytes, as smtplib allows


def _final_reply(smtp: smtplib.SMTP) -> tuple[int, bytes]:
    """The reply to the final dot, read strictly; `_UnclearReply` for anything else.

    smtplib's own reader turns a non-numeric line into code -1 (which looks like "try again"), reads "2500 OK"
    or " 25 x" as a code, and takes the last line's code from a reply whose lines disagree. After the dot,
    each of those would be a guess about a message the relay may already have.
    """
    if smtp.file is None:
        if smtp.sock is None:  # the relay hung up after the dot: as unknown as any other lost answer
            raise smtplib.SMTPServerDisconnected("the relay closed the connection")
        smtp.file = smtp.sock.makefile("rb")
    code: bytes | None = None
    texts: list[bytes] = []
    for _ in range(_MAX_REPLY_LINES):
        line = smtp.file.readline(_MAX_REPLY_LINE + 1)
        if not line:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        shown = " ".join(line[:80].decode("utf-8", "replace").split()) or "an empty line"
        match = _REPLY_LINE.fullmatch(line) if len(line) <= _MAX_REPLY_LINE else None
        if match is None:
            raise _UnclearReply(repr(shown))
        if code is not None and match.group(1) != code:
            raise _UnclearReply(f"one reply with two codes, {code.decode()} and {match.group(1).decode()}")
        code = match.group(1)
        texts.append((match.group(3) or b"").strip())
        if match.group(2) != b"-":
            return int(code), b"\n".join(texts)
    raise _UnclearReply(f"a reply still going on after {_MAX_REPLY_LINES} lines")


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload as RFC 5321 wants it: CRLF line ends, leading dots doubled, ending CRLF.CRLF.

    Plain replacements, each one pass over the bytes: the two regular expressions they replace took over a
    millisecond for each message of the example newsletter, a tenth of the send's own time per message."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")  # a bare CR or LF too
    data = (b"." if data.startswith(b".") else b"") + data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the relay closed the connection"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the relay answered {_reply_text(error.smtp_code, error.smtp_error)}"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return "the relay did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "the relay refused the connection (is the host and port right?)"
    if isinstance(error, socket.gaierror):
        return "the relay's host name was not found"
    return getattr(error, "strerror", None) or error.__class__.__name__
