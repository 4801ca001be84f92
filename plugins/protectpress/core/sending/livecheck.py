"""The pre-send live check: every link and image in the email answers 200 at its real address, before a list
gets it.

The build's link check proves each link points at a page the build wrote; it cannot know whether that build
has been deployed. A newsletter sent before its featured pages are live sends thousands of readers to a 404,
so before a bulk send each address in the HTML part is fetched as a reader's mail program or browser would:
HEAD first (no body to download), GET when the server refuses HEAD (405, 501), redirects followed up to a
limit, a short time-out each, a few at a time. Anything but a final 200 stops the send. The per-recipient
unsubscribe link (still a placeholder in the rendered email) and `mailto:`/`tel:` links are not fetched.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import IO
from urllib.parse import urldefrag, urlsplit

from ..foundation.headertext import plain_text
from ..foundation.linkscan import scan_html

TIMEOUT_SECONDS = 10.0
# The whole check, however the servers answer: a server that sends a header line every few seconds stays under
# every per-read time-out. An address with no final answer by then is not live.
DEADLINE_SECONDS = 120.0
WORKERS = 4  # a few at a time: quick for a newsletter's dozens of links, gentle on the site
MAX_REDIRECTS = 5
HEAD_REFUSED = (405, 501)
USER_AGENT = "protectpress-live-check (checking a newsletter's links before it is sent)"
# Filled in per reader when the message is composed: not an address yet (see newsletter/render.py).
PLACEHOLDER_PREFIX = "[[pp:"


@dataclass(frozen=True)
class LinkAnswer:
    """What one address in the email answered."""

    url: str
    kind: str  # "link" or "image" (linkscan's names)
    status: int | None  # the final HTTP status; None when there was no HTTP answer
    found: str  # for comms staff: "404 Not Found", "no answer within 10 seconds", ...

    @property
    def live(self) -> bool:
        return self.status == 200


def addresses_to_check(html: str) -> list[tuple[str, str]]:
    """(URL, kind) for every http(s) link and image in the email's HTML, each once, in the order they appear.

    The fragment is left off: the server never sees it (the build's link check has checked anchors).
    """
    found: dict[str, str] = {}
    for link in scan_html(html).links:
        target = link.target.strip()
        if target.startswith(PLACEHOLDER_PREFIX):
            continue
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            continue  # mailto:, tel:, and the like: nothing to fetch
        found.setdefault(urldefrag(target).url, link.kind)
    return list(found.items())


def check_live(html: str, *, timeout: float = TIMEOUT_SECONDS, workers: int = WORKERS,
               ca_file: str | None = None, deadline: float = DEADLINE_SECONDS) -> list[LinkAnswer]:
    """Every link and image of `html` fetched, with what each answered, in the order they appear; one without a
    final answer within `deadline` seconds of the start is not live. The fetches run in daemon threads, so one
    still held by a slow server never keeps the command from ending.

    `ca_file` (send's `--ca-file`) is trusted beside the system's authorities: a staging site signed by a
    private certificate authority checks as live, and public sites the email links to still do."""
    targets = addresses_to_check(html)
    opener = _opener(ca_file)
    waiting = list(enumerate(targets))
    answers: dict[int, tuple[int | None, str]] = {}
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not waiting:
                    return
                index, (url, _) = waiting.pop(0)
            answers[index] = fetch_status(url, timeout, opener)

    threads = [threading.Thread(target=work, name="live-check", daemon=True)
               for _ in range(max(1, min(workers, len(targets))))]
    end = time.monotonic() + deadline
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, end - time.monotonic()))
    late = (None, f"no full answer within {deadline:g} seconds")
    return [LinkAnswer(url, kind, *answers.get(index, late)) for index, (url, kind) in enumerate(targets)]


class _SameMethodRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects with the method it was asked (urllib turns a redirected HEAD into a GET), and only to
    public http(s) addresses or the same host: a linked site must not make us request an address inside our
    own network (or ftp://), which urllib would follow."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        target = urlsplit(newurl)
        if target.scheme.lower() not in ("http", "https") or not _may_follow(req.full_url, target.hostname or ""):
            raise urllib.error.HTTPError(newurl, code, f"{msg}: a redirect to {plain_text(newurl)[:120]}, which is "
                                         "not a public http(s) address", headers, fp)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.method = req.get_method()
        return new


_OPENER = urllib.request.build_opener(_SameMethodRedirects)


def _may_follow(from_url: str, host: str) -> bool:
    """A redirect may lead to the same host, or to a host whose every address is public."""
    if host.lower() == (urlsplit(from_url).hostname or "").lower():
        return True
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_global for info in found)


def _opener(ca_file: str | None) -> urllib.request.OpenerDirector:
    if ca_file is None:
        return _OPENER
    context = ssl.create_default_context()  # the system's authorities...
    context.load_verify_locations(cafile=ca_file)  # ...and this one
    return urllib.request.build_opener(_SameMethodRedirects, urllib.request.HTTPSHandler(context=context))


def fetch_status(url: str, timeout: float,
                 opener: urllib.request.OpenerDirector | None = None) -> tuple[int | None, str]:
    """(final status, what to tell comms staff) for one address: HEAD, then GET if HEAD is refused."""
    status, found = _request(url, "HEAD", timeout, opener or _OPENER)
    if status in HEAD_REFUSED:
        status, found = _request(url, "GET", timeout, opener or _OPENER)
    return status, found


def _request(url: str, method: str, timeout: float, opener: urllib.request.OpenerDirector) -> tuple[int | None, str]:
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, plain_text(f"{response.status} {response.reason}")
    except urllib.error.HTTPError as error:
        answer = plain_text(f"{error.code} {error.reason}")  # a far server's words, shown in a terminal
        if 300 <= error.code < 400:
            if "not a public http(s) address" in str(error.reason):
                return error.code, plain_text(str(error.reason))
            return error.code, f"{answer}: more than {MAX_REDIRECTS} redirects, or a redirect away from http(s)"
        return error.code, answer
    except urllib.error.URLError as error:
        return None, _no_answer(error.reason, timeout)
    except (OSError, ValueError) as error:  # a connection reset mid-answer, a malformed address
        return None, _no_answer(error, timeout)


def _no_answer(reason: object, timeout: float) -> str:
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return f"no answer within {timeout:g} seconds"
    if isinstance(reason, socket.gaierror):
        return "no answer: the host name was not found"
    if isinstance(reason, ConnectionRefusedError):
        return "no answer: the connection was refused"
    if isinstance(reason, ssl.SSLError):
        return f"no answer: the secure connection failed ({getattr(reason, 'reason', None) or reason})"
    return f"no answer: {getattr(reason, 'strerror', None) or reason}"
