"""`protectpress subscribers pull`: the confirmed subscribers, from the subscriptions service, as a recipients CSV.

It reads `<base>subscribers` with the export token that `suppress --sync` uses (never following a redirect),
page by page, and writes `email,name,organisation,sectors` (sectors separated by `;`, none meaning all), the
columns `send --to` reads. Only confirmed subscribers are listed by the service; anyone on the project's
suppression list is left out here too, so suppression always wins. The file holds personal data: 0600,
written whole or not at all.
"""

from __future__ import annotations

import functools
import io
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..foundation.email_addresses import address_key, valid_address
from ..foundation.private_files import replace_private
from ..foundation.service_address import SUBSCRIBERS_PATH, is_https_or_loopback, service_address
from ..foundation.spreadsheet import spreadsheet_writer
from ..sending.recipients import SuppressionList
from .sync import SYNC_DEADLINE, SyncError, fetch_json, fetch_within, no_redirects

RECIPIENT_COLUMNS = ("email", "name", "organisation", "sectors")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,100}")


@dataclass
class PullResult:
    written: int = 0
    suppressed: int = 0  # confirmed, but on the suppression list: left out
    unreadable: int = 0  # rows without a usable address (never expected from our service)


# A hostile or broken service must not hold the command: the same deadline as `suppress --sync`, and a page limit
# far above any real list (500,000 subscribers at 500 a page).
MAX_PULL_PAGES = 1000


def pull_subscribers(base: str, token: str, suppression: SuppressionList, out: Path, *,
                     timeout: float = 30) -> PullResult:
    """Write every confirmed subscriber at `base` that is not suppressed to `out` (a recipients CSV)."""
    if not is_https_or_loopback(base):
        raise SyncError(f"subscribers pull: the service's address must start with https:// (plain http:// only for "
                        f"127.0.0.1 or localhost, as the export token would travel unencrypted), found {base!r}")
    opener = no_redirects()
    result = PullResult()
    rows: dict[str, tuple[str, str]] = {}
    after = ""
    deadline = time.monotonic() + SYNC_DEADLINE
    for _ in range(MAX_PULL_PAGES):
        url = service_address(base, SUBSCRIBERS_PATH) + (f"?after={quote(after, safe='')}" if after else "")
        page = fetch_within(deadline, url, functools.partial(fetch_json, opener, url, token, timeout))
        people, following = page.get("subscribers"), page.get("next")
        if not isinstance(people, list) or not (following is None or isinstance(following, str)):
            raise SyncError(f"the answer from {url} is not a list of subscribers: is this the address of "
                            "`protectpress subscriptions serve`?")
        for person in people:
            address = valid_address(str(person.get("address", ""))) if isinstance(person, dict) else None
            if address is None:
                result.unreadable += 1
                continue
            if address in suppression:
                result.suppressed += 1
                continue
            sectors = person.get("sectors") if isinstance(person.get("sectors"), list) else []
            rows[address_key(address)] = (address, ";".join(s for s in sectors if isinstance(s, str)
                                                             and _SLUG.fullmatch(s)))
        if following is None or following <= after:  # a service that claims more but moves no further would loop
            break
        after = following
    else:
        raise SyncError(f"the subscriptions service still had more after {MAX_PULL_PAGES} pages: nothing was "
                        "written; is this the address of `protectpress subscriptions serve`?")
    text = io.StringIO()
    writer = spreadsheet_writer(text)
    writer.writerow(RECIPIENT_COLUMNS)
    for address, sectors in rows.values():
        writer.writerow((address, "", "", sectors))
    replace_private(out, text.getvalue().encode("utf-8"))
    result.written = len(rows)
    return result
