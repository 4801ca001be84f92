"""The suppression list: people who unsubscribed or whose mailbox does not exist. Never mailed again.

`newsletters/suppressed.csv` is read with the recipients file's reader (`csv_rows.py`), so a line that cannot
be read is an error there (it may be someone who unsubscribed), and appended to as people leave. `suppress
FILE.csv` reads only the addresses of a CSV (`read_addresses`). Each address taken off the list by hand is
recorded (`SuppressionLog`).
"""

from __future__ import annotations

import csv
import getpass
import io
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from ..foundation.dates import iso_day, stored_now, today
from ..foundation.email_addresses import EXPECTED_ADDRESS, address_key, valid_address
from ..foundation.private_files import open_private, replace_private
from ..foundation.problems import Problems, Severity, describe
from ..foundation.spreadsheet import as_written, spreadsheet_writer
from .csv_rows import EMAIL_COLUMN, SKIPPED, CsvLines, blank_row, read_csv_rows
from .jsonlines import JsonLinesLog


def read_addresses(path: Path, shown_as: str, problems: Problems) -> list[str]:
    """Every address in a CSV's `email` column, whatever the rest of its row holds (`suppress FILE.csv`).

    A name that could never go into a header must not keep its person on the list, so only the address is
    read; a cell of our own spreadsheet-safe suppression list counts both with and without its apostrophe.
    """
    addresses: dict[str, str] = {}
    for line, row in read_csv_rows(path, shown_as, problems, required=EMAIL_COLUMN, one_line=(EMAIL_COLUMN,)) or ():
        if row is None:
            continue
        found = _addresses_in(row.get(EMAIL_COLUMN, ""))
        if not found:
            problems.warning(shown_as, f"{EXPECTED_ADDRESS} {SKIPPED}", describe(row.get(EMAIL_COLUMN, "").strip()),
                             line=line)
        for address in found:
            addresses.setdefault(address_key(address), address)
    return list(addresses.values())


def _addresses_in(cell: str) -> list[str]:
    """The address in a cell, read as typed and (if it starts with our apostrophe) as we would have written it."""
    return [address for address in dict.fromkeys((valid_address(cell), valid_address(as_written(cell.strip()))))
            if address]


SUPPRESSION_COLUMNS = ("email", "reason", "added")


class SuppressionList:
    """`newsletters/suppressed.csv` (email, reason, added), read once and appended to as people leave."""

    def __init__(self, path: Path, shown_as: str, problems: Problems | None = None) -> None:
        self.path = path
        self.shown_as = shown_as
        self._keys: set[str] = set()
        if path.exists():
            # A line we cannot read may be someone who unsubscribed: an error, so nothing is sent until it is fixed.
            rows = read_csv_rows(path, shown_as, problems if problems is not None else Problems(), required="email",
                                  broken=Severity.ERROR)
            for _line, row in rows or ():
                # Both readings of an apostrophe-led cell: one written by hand, or one we made spreadsheet-safe.
                self._keys.update(address_key(address) for address in _addresses_in((row or {}).get("email", "")))

    def __contains__(self, address: str) -> bool:
        return address_key(address) in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, address: str, reason: str) -> bool:
        """Record one address; False if it was already there. Written and flushed to disk at once."""
        if address in self:
            return False
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        with open_private(self.path, "a", encoding="utf-8", newline="") as handle:
            writer = spreadsheet_writer(handle)
            if new_file:
                writer.writerow(SUPPRESSION_COLUMNS)
            writer.writerow((address.strip(), reason, iso_day(today())))
            handle.flush()
            os.fsync(handle.fileno())  # an unsubscribe must survive a crash straight after it
        self._keys.add(address_key(address))
        return True

    def remove(self, address: str) -> str | None:
        """Take an address off the list, keeping every other row as written; the reason it was there, or None."""
        if address not in self:
            return None
        # Not strict, unlike reading: a line a person broke by hand is kept as it reads, not dropped.
        rows = [[as_written(cell) for cell in row]
                for row in csv.reader(CsvLines(self.path.read_text(encoding="utf-8-sig")))]
        header = next(([cell.strip().lower() for cell in row] for row in rows if not blank_row(row)), [])
        email, reason = header.index("email"), header.index("reason") if "reason" in header else None
        key = address_key(address)
        ours = [row for row in rows if len(row) > email and key in map(address_key, _addresses_in(row[email]))]
        kept = io.StringIO()
        spreadsheet_writer(kept).writerows(row for row in rows if row not in ours)
        replace_private(self.path, kept.getvalue().encode("utf-8"))
        self._keys.discard(key)
        found = [row[reason].strip() for row in ours if reason is not None and len(row) > reason]
        return "; ".join(r for r in found if r) or "no reason given"


# ----------------------------------------------------------------------------------------------------------
# Taking someone off the suppression list lets them be mailed again, which matters if they had unsubscribed:
# each removal is kept beside the journals with when, who (the login name of whoever ran the command) and why
# the address was there. It holds addresses, so it is private like the journals and `forget` erases from it.


@dataclass(frozen=True)
class SuppressionChange:
    at: str  # ISO 8601 UTC
    action: str  # "unsuppressed"
    address: str
    by: str
    reason_was: str


class SuppressionLog(JsonLinesLog[SuppressionChange]):
    """`<journal_dir>/suppression-changes.jsonl`: one JSON line per change made by hand."""

    def __init__(self, journal_dir: Path) -> None:
        super().__init__(journal_dir / "suppression-changes.jsonl", asdict, lambda fields: SuppressionChange(**fields))

    def record(self, action: str, address: str, reason_was: str) -> SuppressionChange:
        return self.append(SuppressionChange(at=stored_now(), action=action, address=address, by=_login_name(),
                                             reason_was=reason_was))

    def forget(self, address: str) -> int:
        """Remove every change about an address. Returns how many went."""
        changes = self.entries()
        kept = [c for c in changes if address_key(c.address) != address_key(address)]
        if len(kept) != len(changes):
            self.rewrite(kept)
        return len(changes) - len(kept)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in some containers and services
        return "unknown user"
