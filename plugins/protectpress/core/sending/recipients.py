"""Who is on a recipients list: the people of a recipients CSV, each with their name and sectors.

Recipients files come from Excel and from other teams, so reading is forgiving where the intent is clear (the
same person twice is sent once) and reports the rest with line numbers instead of stopping: a bad row (an
address we cannot send to, a name that is not plain text on one line, a line the CSV reader cannot read) is
skipped and listed, and the rest of the list still gets the newsletter. Whoever supplies the file is not
trusted: nothing in it can become a header. The file is read by `csv_rows.py`; the suppression list is in
`suppression.py`, and who of the list a newsletter goes to in `audience.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..foundation.email_addresses import EXPECTED_ADDRESS, address_key, valid_address
from ..foundation.headertext import header_text_expected, header_text_problem
from ..foundation.problems import Problems, describe
from ..foundation.slugs import slugify
from .csv_rows import EMAIL_COLUMN, SKIPPED, read_csv_rows

ALL_SECTORS = "all"


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
    rows = read_csv_rows(path, shown_as, problems, required=EMAIL_COLUMN)
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



def _read_sectors(
    value: str, shown_as: str, line: int, problems: Problems, vocabulary: dict[str, str] | None
) -> tuple[str, ...]:
    slugs = tuple(slugify(part) for part in value.split(";") if part.strip())
    for slug, label in zip(slugs, (part.strip() for part in value.split(";") if part.strip()), strict=False):
        if vocabulary and slug not in vocabulary:
            # Say what the row's fate is: kept, but a sector no newsletter names sends this person nothing more.
            problems.warning(
                shown_as, f"expected sectors from mkdocs.yml ({', '.join(vocabulary)}); until it is fixed this "
                "person gets only newsletters for all sectors or for another sector of theirs", describe(label),
                line=line,
            )
    return slugs
