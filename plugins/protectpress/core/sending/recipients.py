"""Who gets a newsletter: the recipients CSV, the suppression list, and the sector filter.

Recipients files come from Excel and from other teams, so reading is forgiving where the intent is clear (a
byte-order mark, header case, blank lines, the same person twice) and reports the rest with line numbers
instead of stopping: a bad row (an address we cannot send to, a name that is not plain text on one line, a
quote never closed, a field too long for the CSV reader) is skipped and listed, and the rest of the list still
gets the newsletter. Whoever supplies the file is not trusted: nothing in it can become a header.

Column names are recognised as mailing tools and spreadsheets write them (`Email Address`, `E-mail`,
`First Name`, `Company`...): compared without case, spaces, underscores or hyphens, and mapped to one name
each (`COLUMN_NAMES`). A header that names no address column, or two, is refused: guessing would mail the
wrong people or nobody.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..foundation.email_addresses import EXPECTED_ADDRESS, address_key, valid_address
from ..foundation.headertext import header_text_expected, header_text_problem
from ..foundation.private_files import open_private, replace_private
from ..foundation.problems import Problems, Severity, describe
from ..foundation.slugs import slugify
from ..foundation.spreadsheet import as_written, spreadsheet_writer

EMAIL_COLUMN = "email"
ALL_SECTORS = "all"
SKIPPED = "(this line is skipped)"

@dataclass(frozen=True, slots=True)  # slots: a list holds thousands of these
class Recipient:
    """One person on the list, as the CSV gave them."""

    address: str
    name: str = ""  # the whole name, for the To header and `{{ name }}`
    first_name: str = ""  # for `{{ first_name }}`; empty when the list has no first-name column
    organisation: str = ""
    sectors: tuple[str, ...] = ()  # slugs
    line: int = 0

    @property
    def key(self) -> str:
        return address_key(self.address)

    def wants(self, newsletter_sectors: tuple[str, ...] | list[str]) -> bool:
        """A newsletter for some sectors goes to people in one of them, in `all`, or with no sector given."""
        if not newsletter_sectors or ALL_SECTORS in newsletter_sectors:
            return True
        if not self.sectors or ALL_SECTORS in self.sectors:
            return True
        return any(sector in newsletter_sectors for sector in self.sectors)


class RecipientsChanged(Exception):
    """The recipients file changed between two readings of one send."""


@dataclass
class RecipientList:
    """A recipients file after reading: what it holds, what was skipped, and how to read its people again.

    A send reads the file once to check it (problems, counts) and keeps only the counts; `each()` then reads
    the people again, one at a time, as the send needs them, so memory does not grow with the list.
    `recipients` holds them only when read with `keep=True` (small lists, tests).
    """

    source: str
    recipients: list[Recipient] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)  # bad rows, each listed in the problems
    duplicates: int = 0
    rows: int = 0  # every row that is not blank: people + invalid + duplicates
    people: int = 0  # the distinct, valid recipients
    path: Path | None = None
    vocabulary: dict[str, str] | None = None
    stamp: tuple[int, int] | None = None  # the file's size and modification time when it was checked

    @property
    def invalid(self) -> int:
        return len(self.skipped_lines)

    def each(self) -> Iterator[Recipient]:
        """The people, in the file's order, read again from the file (problems were reported the first time)."""
        if self.path is None:
            yield from self.recipients
            return
        if _stamp(self.path) != self.stamp:
            raise RecipientsChanged(f"{self.source} changed while it was being sent to: nothing more is sent from it. "
                                    "Run the same command again to continue with the file as it is now.")
        yield from _people(self.path, self.source, Problems(), self.vocabulary, RecipientList(self.source))


def read_recipients(path: Path, shown_as: str, problems: Problems, *, sectors: dict[str, str] | None = None,
                    keep: bool = True) -> RecipientList:
    """Read a recipients CSV (an address column required; names, organisation, `sectors` separated by `;`).

    Bad addresses are warnings with their line numbers and are skipped; a later duplicate is an info line.
    A missing file or no address column is an error. `sectors` is the vocabulary, to catch typos. Without
    `keep`, only the counts are kept, and `each()` reads the people again when they are needed.
    """
    listing = RecipientList(source=shown_as, path=None if keep else path, vocabulary=sectors)
    listing.stamp = _stamp(path) if path.exists() else None
    for recipient in _people(path, shown_as, problems, sectors, listing):
        listing.people += 1
        if keep:
            listing.recipients.append(recipient)
    return listing


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def _people(path: Path, shown_as: str, problems: Problems, sectors: dict[str, str] | None,
            listing: RecipientList) -> Iterator[Recipient]:
    """The distinct, valid recipients of a file, one at a time, counting the rest into `listing`."""
    rows = _read_csv_rows(path, shown_as, problems, required=EMAIL_COLUMN)
    if rows is None:
        return
    first_line: dict[str, int] = {}  # the one thing held per person: enough to name a duplicate's first line
    for line, row in rows:
        listing.rows += 1
        if row is None:  # a broken CSV line, already reported
            listing.skipped_lines.append(line)
            continue
        raw_address = row.get(EMAIL_COLUMN, "")
        address = valid_address(raw_address, international=True)
        if address is None:
            listing.skipped_lines.append(line)
            problems.warning(shown_as, f"{EXPECTED_ADDRESS} {SKIPPED}", describe(raw_address.strip()), line=line)
            continue
        names = _names(row)
        # Each column as written first, so the problem names the column to fix; then the name they make.
        name_problem = next(((column, found) for column, value in (*_named_columns(row), ("name", names["name"]))
                             if (found := header_text_problem(value)) is not None), None)
        if name_problem is not None:
            listing.skipped_lines.append(line)
            problems.warning(shown_as, f"{header_text_expected()} {SKIPPED}", name_problem[1], line=line,
                             key=name_problem[0])
            continue
        key = address_key(address)
        if key in first_line:
            listing.duplicates += 1
            problems.info(shown_as, f"expected each address once (sent once; first on line {first_line[key]})",
                          describe(address), line=line)
            continue
        first_line[key] = line
        recipient_sectors = _read_sectors(row.get("sectors", ""), shown_as, line, problems, sectors)
        yield Recipient(address=address, name=names["name"], first_name=names["first_name"],
                        organisation=row.get("organisation", "").strip(), sectors=recipient_sectors, line=line)


def _names(row: dict[str, str]) -> dict[str, str]:
    """The whole name (the `name` column, else first and last name together) and the first name, trimmed."""
    first, last = (row.get(column, "").strip() for column in ("first_name", "last_name"))
    name = row.get("name", "").strip() or " ".join(part for part in (first, last) if part)
    return {"name": name, "first_name": first}


def _named_columns(row: dict[str, str]) -> list[tuple[str, str]]:
    return [(column, row[column].strip()) for column in ("name", "first_name", "last_name") if column in row]


def read_addresses(path: Path, shown_as: str, problems: Problems) -> list[str]:
    """Every address in a CSV's `email` column, whatever the rest of its row holds (`suppress FILE.csv`).

    A name that could never go into a header must not keep its person on the list, so only the address is
    read; a cell of our own spreadsheet-safe suppression list counts both with and without its apostrophe.
    """
    addresses: dict[str, str] = {}
    for line, row in _read_csv_rows(path, shown_as, problems, required=EMAIL_COLUMN, one_line=(EMAIL_COLUMN,)) or ():
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


def _read_sectors(
    value: str, shown_as: str, line: int, problems: Problems, vocabulary: dict[str, str] | None
) -> tuple[str, ...]:
    slugs = tuple(slugify(part) for part in value.split(";") if part.strip())
    for slug, label in zip(slugs, (part.strip() for part in value.split(";") if part.strip()), strict=False):
        if vocabulary and slug not in vocabulary:
            problems.warning(
                shown_as, f"expected sectors from mkdocs.yml ({', '.join(vocabulary)})", describe(label), line=line
            )
    return slugs


# Columns whose value goes into a header or a greeting (or is an address): a line break makes the row bad.
ONE_LINE_COLUMNS = (EMAIL_COLUMN, "name", "first_name", "last_name")

# What each column is called in the files people bring, compared by `_column_key`: each maps to one name.
COLUMN_NAMES = {
    EMAIL_COLUMN: ("email", "emailaddress", "mail"),
    "name": ("name", "fullname"),
    "first_name": ("firstname", "givenname", "forename"),
    "last_name": ("lastname", "surname", "familyname"),
    "organisation": ("organisation", "organization", "company", "companyname", "organisationname",
                     "organizationname"),
    "sectors": ("sectors", "sector"),
}
_COLUMN_OF = {spelling: column for column, spellings in COLUMN_NAMES.items() for spelling in spellings}
_NOT_IN_COLUMN_KEY = re.compile(r"[\s_-]+")


def _column_key(cell: str) -> str:
    """`Email Address`, `email_address` and `E-mail address` are one column: no case, spaces, _ or -."""
    return _NOT_IN_COLUMN_KEY.sub("", cell).lower()


def _header(cells: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Each column's name (ours where recognised, else the cell in lower case), and recognised names given twice."""
    header: list[str] = []
    written: dict[str, list[str]] = {}
    for cell in cells:
        column = _COLUMN_OF.get(_column_key(cell), cell.strip().lower())
        header.append(column)
        if column in COLUMN_NAMES:
            written.setdefault(column, []).append(cell.strip())
    return header, {column: cells for column, cells in written.items() if len(cells) > 1}
_LINE_BREAK = re.compile(r"[\r\n]")
Row = tuple[int, dict[str, str] | None]  # (first line, {lower-case column: value}); None for a broken line


def _read_csv_rows(path: Path, shown_as: str, problems: Problems, *, required: str,
                   broken: Severity = Severity.WARNING, one_line: tuple[str, ...] = ONE_LINE_COLUMNS
                   ) -> Iterator[Row] | None:
    """Rows as (line number, {lower-case column: value}), blank rows left out; None after an error.

    A line the CSV reader cannot read is reported (as `broken`) and comes as (line, None), and reading goes
    on from the next line. The header is checked now; the rows come one at a time as the caller asks, so a
    long list is never held twice (once as rows, once as recipients).
    """
    text = _read_text(path, shown_as, problems)
    if text is None:
        return None
    records = _Records(text)
    for line, cells, error in records:
        if error is not None:
            problems.error(shown_as, f"expected a header row with an '{required}' column", error, line=line)
            return None
        if not _blank(cells):
            header, twice = _header(cells)
            break
    else:
        problems.error(shown_as, f"expected a header row with an '{required}' column", "an empty file")
        return None
    if required not in header:
        found = ", ".join(repr(c.strip()) for c in cells if c.strip()) or "no column names"
        hint = " separated by commas" if len(cells) == 1 and ";" in cells[0] else ""
        problems.error(shown_as, f"expected a header row with an '{required}' column (or 'Email Address', "
                       f"'E-mail'){hint}", found, line=line)
        return None
    for column, spellings in twice.items():
        problems.error(shown_as, f"expected one '{column}' column, so that it is clear which to use (rename or "
                       "delete the others)", f"{len(spellings)}: {', '.join(map(repr, spellings))}", line=line)
    if twice:
        return None

    def rows() -> Iterator[Row]:
        for line, cells, error in records:
            row = {name: value for name, value in zip(header, cells, strict=False) if name}
            if error is None and any(_LINE_BREAK.search(row.get(column, "")) for column in one_line):
                # Most likely a quote left open that another quote closed lines later: the lines it took in
                # are read again on their own.
                records.reread_after_first_line()
                error = "a line break inside the " + " or ".join(one_line) + " (or a quote not closed on its line)"
            if error is not None:
                problems.add(shown_as, f"expected a line of comma-separated values {SKIPPED}", error, line=line,
                             severity=broken)
                yield line, None
            elif not _blank(cells):
                yield line, row
    return rows()



class _Lines:
    """The text's lines for csv.reader (each with its ending, as io.StringIO(newline="") gives them), read
    from a position that can be moved back: after a quote that is never closed, reading starts again on the
    line after the quote's. No copy of the whole text is made."""

    _LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 0  # lines read so far

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        match = self._LINE.match(self.text, self.position)
        if match is None:
            raise StopIteration
        self.position = match.end()
        self.line += 1
        return match.group()

    def move_to(self, position: int, line: int) -> None:
        self.position, self.line = position, line


class _Records:
    """(first line, cells, None) for each record, or (line, [], what is wrong) for a line csv cannot read.

    Strict, so that a quote left open is found (at the end of the file, or where it meets another quote)
    instead of silently swallowing the lines after it. A broken record is reported at its first line, and
    reading starts again on the next line, so no later row is lost with it; `reread_after_first_line` does
    the same for a record that reads but spans lines it should not (a line break inside a name).
    """

    def __init__(self, text: str) -> None:
        self._lines = _Lines(text)
        self._reader = csv.reader(self._lines, strict=True)
        self._start = (0, 0)  # position and lines read before the last record

    def __iter__(self) -> Iterator[tuple[int, list[str], str | None]]:
        while True:
            self._start = (self._lines.position, self._lines.line)
            first_line = self._lines.line + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                # Found past its first line, the mistake is a quote opened there and never closed on it.
                found = (_explain_csv_error(str(error)) if self._lines.line <= first_line
                         else "a quote (\") that is not closed on its line")
                self.reread_after_first_line()
                yield first_line, [], found
                continue
            yield first_line, cells, None

    def reread_after_first_line(self) -> None:
        self._lines.move_to(*self._start)
        next(self._lines, None)
        self._reader = csv.reader(self._lines, strict=True)


def _explain_csv_error(message: str) -> str:
    if "unexpected end of data" in message:
        return "a quote (\") that is never closed"
    if "field limit" in message:
        return f"a field longer than {csv.field_size_limit():,} characters"
    if "' expected after '" in message:  # the csv module's words for text after a closing quote
        return "text straight after a closing quote (\")"
    return f"something the CSV reader cannot read ({message})"


def _blank(cells: list[str]) -> bool:
    """Blank lines, and Excel's trailing ",,,"."""
    return not any(cell.strip() for cell in cells)


def _read_text(path: Path, shown_as: str, problems: Problems) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.error(shown_as, "expected a CSV file", "no such file")
        return None
    except OSError as error:
        problems.error(shown_as, "expected a readable CSV file", error.strerror or str(error))
        return None
    try:
        return raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.error(
            shown_as, "expected UTF-8 text (in Excel: Save As, CSV UTF-8)", "a character in another encoding", line=line
        )
        return None


# ----------------------------------------------------------------------------------------------------------
# The suppression list: people who unsubscribed or whose mailbox does not exist. Never mailed again.

SUPPRESSION_COLUMNS = ("email", "reason", "added")


class SuppressionList:
    """`newsletters/suppressed.csv` (email, reason, added), read once and appended to as people leave."""

    def __init__(self, path: Path, shown_as: str, problems: Problems | None = None) -> None:
        self.path = path
        self.shown_as = shown_as
        self._keys: set[str] = set()
        if path.exists():
            # A line we cannot read may be someone who unsubscribed: an error, so nothing is sent until it is fixed.
            rows = _read_csv_rows(path, shown_as, problems if problems is not None else Problems(), required="email",
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
            writer.writerow((address.strip(), reason, dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")))
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
                for row in csv.reader(_Lines(self.path.read_text(encoding="utf-8-sig")))]
        header = next(([cell.strip().lower() for cell in row] for row in rows if not _blank(row)), [])
        email, reason = header.index("email"), header.index("reason") if "reason" in header else None
        key = address_key(address)
        ours = [row for row in rows if len(row) > email and key in map(address_key, _addresses_in(row[email]))]
        kept = io.StringIO()
        spreadsheet_writer(kept).writerows(row for row in rows if row not in ours)
        replace_private(self.path, kept.getvalue().encode("utf-8"))
        self._keys.discard(key)
        found = [row[reason].strip() for row in ours if reason is not None and len(row) > reason]
        return "; ".join(r for r in found if r) or "no reason given"


@dataclass
class Audience:
    """The recipients a newsletter goes to, after the suppression list and the sector filter."""

    deliverable: list[Recipient] = field(default_factory=list)
    suppressed: int = 0
    other_sectors: int = 0


def audience_of(recipients: Iterable[Recipient], suppression: SuppressionList,
                newsletter_sectors: list[str] | tuple[str, ...], left_out: Audience) -> Iterator[Recipient]:
    """The recipients the newsletter goes to, one at a time, counting those left out into `left_out`."""
    for recipient in recipients:
        if recipient.address in suppression:
            left_out.suppressed += 1
        elif not recipient.wants(newsletter_sectors):
            left_out.other_sectors += 1
        else:
            yield recipient


def choose_audience(
    listing: RecipientList, suppression: SuppressionList, newsletter_sectors: list[str] | tuple[str, ...]
) -> Audience:
    """The whole audience as a list (a small list, or a test); a send streams it with `audience_of`."""
    audience = Audience()
    audience.deliverable = list(audience_of(listing.each(), suppression, newsletter_sectors, audience))
    return audience
