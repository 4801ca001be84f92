"""`forget`: erase one person from everything sending keeps, except the suppression list.

The journals, the test-send records, the record of suppression changes, the per-recipient reports that
`sends --csv` wrote beside the journals and the outbox hold personal data only to make sending safe. When
someone asks to be erased, they go from all of those (a journal keeps a salted hash, so a resumed send does not
mail them again). Their suppression entry stays: it is what stops them being mailed again if they are still on
a recipients file somewhere, and keeping it is allowed for that. The unsubscribe service, which may run on
another machine, erases its own copy with `protectpress unsubscribe forget`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from pathlib import Path

from ..foundation.email_addresses import address_key
from ..foundation.private_files import replace_private
from ..foundation.problems import Problems
from ..foundation.settings import Settings
from ..foundation.spreadsheet import as_written
from .journal import SendJournal, journal_path, recorded_slugs
from .report import DELIVERY_REPORT_SUFFIX
from .suppression import SuppressionList, SuppressionLog
from .testsends import TestSendLog, tested_slugs


@dataclass
class ForgetReport:
    journal_rows: int = 0
    test_sends: int = 0
    outbox_files: int = 0
    report_rows: int = 0
    suppression_changes: int = 0
    suppressed: bool = False


def sending_paths(settings: Settings) -> tuple[Path, Path, Path]:
    """The journal folder, the outbox folder and the suppression file, from the sending settings."""
    sending = settings.plugin.sending
    return (settings.project_path(sending.journal_dir), settings.project_path(sending.outbox_dir),
            settings.project_path(sending.suppression_file))


def suppression_list(settings: Settings, problems: Problems | None = None) -> SuppressionList:
    """The project's suppression list, named as comms staff see it (relative to the project)."""
    _, _, suppression_file = sending_paths(settings)
    return SuppressionList(suppression_file, settings.relative(suppression_file), problems)


def forget_address(settings: Settings, address: str) -> ForgetReport:
    journal_dir, outbox_dir, _ = sending_paths(settings)
    report = ForgetReport()
    if journal_dir.is_dir():
        for slug in recorded_slugs(journal_dir):
            with SendJournal(journal_path(journal_dir, slug)) as journal:
                journal.lock()  # a running send has already chosen whom to mail: not while it runs
                report.journal_rows += journal.forget(address)
        for slug in tested_slugs(journal_dir):
            report.test_sends += TestSendLog(journal_dir, slug).forget(address)
        report.suppression_changes = SuppressionLog(journal_dir).forget(address)
        for path in sorted(journal_dir.glob(f"*{DELIVERY_REPORT_SUFFIX}")):
            report.report_rows += _forget_in_report(path, address)
    if outbox_dir.is_dir():
        for path in sorted(outbox_dir.rglob("*.eml")):
            if _addressed_to(path, address):
                path.unlink()
                report.outbox_files += 1
    report.suppressed = address in suppression_list(settings)
    return report


def _forget_in_report(path: Path, address: str) -> int:
    """Rewrite a `sends --csv` report without the rows about `address` (its first column); returns how many."""
    key = address_key(address)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    kept = [row for index, row in enumerate(rows)
            if index == 0 or not row or address_key(as_written(row[0])) != key]
    if len(kept) == len(rows):
        return 0
    text = io.StringIO(newline="")
    csv.writer(text).writerows(kept)  # the kept cells are already as the report wrote them: formula-safe
    replace_private(path, text.getvalue().encode("utf-8"))
    return len(rows) - len(kept)


def _addressed_to(path: Path, address: str) -> bool:
    with path.open("rb") as handle:
        headers = BytesHeaderParser(policy=default_policy).parse(handle)
    recipients = getaddresses([str(value) for value in headers.get_all("To", [])])
    return any(address_key(found) == address_key(address) for _, found in recipients)
