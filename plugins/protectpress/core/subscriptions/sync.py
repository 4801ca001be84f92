"""`suppress --sync`: collect the unsubscribe service's new events into the suppression list.

The service numbers its events; the last number collected is kept per service address in
`newsletters/.sends/unsubscribe-sync.json` (0600), so each run asks only for newer ones. Adding is safe to
repeat: an address already on the list is counted, not added twice, so a run that stopped half-way can simply
be run again. Redirects are refused: following one would send the export token to another address.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..foundation.email_addresses import valid_address
from ..foundation.headertext import plain_text
from ..foundation.private_files import replace_private
from ..foundation.service_address import export_address, is_https_or_loopback
from ..sending.recipients import SuppressionList

SYNC_STATE_NAME = "unsubscribe-sync.json"
MAX_RESPONSE = 8 * 1024 * 1024
# A hostile or broken service must not hold a run for ever: one that drips its answer a byte at a time stays
# under every per-read timeout, and one that says `more: true` for ever was asked 14,704 times in 20 seconds.
# Each run stops after this long, or this many pages (500 events each: 50,000), keeping what it collected.
SYNC_DEADLINE = 300.0
MAX_PAGES = 100


class SyncError(Exception):
    """A plain sentence for comms staff: what went wrong talking to the service, and what to do."""


@dataclass
class SyncResult:
    new: int = 0  # added to the suppression list
    already: int = 0  # were on it already
    unreadable: int = 0  # events without a usable address (never expected from our service)
    last_id: int = 0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> None:
        raise SyncError(f"the unsubscribe service answered with a redirect to {newurl}: use that address "
                        "(protectpress does not follow redirects, so the export token only goes where you say)")


def sync_unsubscribes(base: str, token: str, suppression: SuppressionList, journal_dir: Path,
                      timeout: float = 30) -> SyncResult:
    """Pull every event newer than the last one collected from `base` into `suppression`."""
    if not is_https_or_loopback(base):
        raise SyncError(f"--sync: the service's address must start with https:// (plain http:// only for 127.0.0.1 "
                        f"or localhost, as the export token would travel unencrypted), found {base!r}")
    state_path = journal_dir / SYNC_STATE_NAME
    state = _read_state(state_path)
    result = SyncResult(last_id=int(state.get(base, 0)))
    opener = no_redirects()
    deadline = time.monotonic() + SYNC_DEADLINE
    for _ in range(MAX_PAGES):
        page = _fetch_by(deadline, opener, f"{export_address(base)}?since={result.last_id}", token, timeout)
        for event in page["events"]:
            address = valid_address(str(event.get("address", "")))
            if address is None:
                result.unreadable += 1
                continue
            reason = f"unsubscribed from {_slug(event.get('newsletter'))} {_how(event.get('how'))}, " \
                     f"{_moment(event.get('at'))}"
            if suppression.add(address, reason):
                result.new += 1
            else:
                result.already += 1
        moved = page["last_id"] > result.last_id
        result.last_id = max(result.last_id, page["last_id"])
        state[base] = result.last_id
        replace_private(state_path, json.dumps(state, indent=1).encode("utf-8"))  # only after the adds
        if not page["more"] or not moved:  # a service that claims more but moves no further would loop
            return result
    raise SyncError(f"the unsubscribe service still had more after {MAX_PAGES} pages; the {result.new:,} new "
                    f"unsubscribe(s) so far are on {suppression.shown_as}: run the same command again to go on")


def _fetch_by(deadline: float, opener: urllib.request.OpenerDirector, url: str, token: str,
              timeout: float) -> dict[str, Any]:
    return fetch_within(deadline, url, lambda: _fetch(opener, url, token, timeout))


def fetch_within(deadline: float, url: str, fetch: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`fetch()`, given up at `deadline` however the service answers (a header line or a byte at a time). The
    request runs in a daemon thread, so one stuck past the deadline never keeps the command from ending."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["page"] = fetch()
        except Exception as error:  # raised again in the caller's thread: a SyncError, or a fault as it is
            outcome["error"] = error

    worker = threading.Thread(target=run, name="service-fetch", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise SyncError(f"the service at {url} did not finish answering within {SYNC_DEADLINE:.0f} seconds; "
                        "what was collected before is kept")
    if "error" in outcome:
        raise outcome["error"]
    return dict(outcome["page"])


def _fetch(opener: urllib.request.OpenerDirector, url: str, token: str, timeout: float) -> dict[str, Any]:
    page = fetch_json(opener, url, token, timeout)
    if not (isinstance(page.get("events"), list) and type(page.get("last_id")) is int
            and all(isinstance(event, dict) for event in page["events"])):
        raise SyncError(f"the answer from {url} is not an unsubscribe export: is this the address of "
                        "`protectpress unsubscribe serve`?")
    return {"events": page["events"], "last_id": page["last_id"], "more": bool(page.get("more"))}


def no_redirects() -> urllib.request.OpenerDirector:
    """An opener that never follows a redirect (the export token goes only where the user said)."""
    return urllib.request.build_opener(_NoRedirects)


def fetch_json(opener: urllib.request.OpenerDirector, url: str, token: str, timeout: float) -> dict[str, Any]:
    """One JSON object from the service's exports, read with the export token; SyncError in plain words."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}",
                                                   "Accept": "application/json", "User-Agent": "protectpress"})
    try:
        with opener.open(request, timeout=timeout) as response:
            raw = response.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise SyncError(f"the unsubscribe service at {url} refused the export token ({error.code}): set "
                            "PROTECTPRESS_UNSUBSCRIBE_EXPORT_TOKEN to the token the service was started with") from None
        answer = plain_text(f"{error.code} {error.reason}")  # a far server's words, shown in a terminal
        raise SyncError(f"the unsubscribe service at {url} answered {answer}") from None
    except urllib.error.URLError as error:
        raise SyncError(f"could not reach the unsubscribe service at {url} ({error.reason}). Is the address right, "
                        "and is the service running?") from None
    except (TimeoutError, OSError) as error:
        raise SyncError(f"could not reach the unsubscribe service at {url} ({error}). Is it running?") from None
    try:
        if len(raw) > MAX_RESPONSE:
            raise ValueError("too long")
        page = json.loads(raw)
        if not isinstance(page, dict):
            raise ValueError("not an object")
    except ValueError:
        raise SyncError(f"the answer from {url} is not an unsubscribe export: is this the address of "
                        "`protectpress unsubscribe serve`?") from None
    return page


def _slug(value: object) -> str:
    """The newsletter as the service recorded it from a token we signed; anything else is not written down."""
    return value if isinstance(value, str) and _SLUG.fullmatch(value) else "a newsletter"


# How the service says it happened (its `how`): a mail program's one-click POST and a reader pressing the button
# on the link's page are told apart. Events from before `how` was recorded say "with the link", as they did.
_HOW = {"one-click": "with one click in their mail program", "link": "with the link in the email",
        "preferences": "on the preferences page"}


def _how(value: object) -> str:
    return _HOW.get(value, "with the link") if isinstance(value, str) else "with the link"


def _moment(value: object) -> str:
    return value if isinstance(value, str) and _MOMENT.fullmatch(value) else "at an unknown time"


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,150}")
_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _read_state(path: Path) -> dict[str, int]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {}  # starting again from the first event is safe: adding is idempotent
    return {k: v for k, v in state.items() if isinstance(k, str) and type(v) is int} if isinstance(state, dict) else {}
