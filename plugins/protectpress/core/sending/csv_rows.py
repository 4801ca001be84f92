"""Reading a CSV file as people bring it: the one reader behind the recipients file and the suppression list.

Files come from Excel and from other teams, so reading is forgiving where the intent is clear (a byte-order
mark, header case, blank lines) and reports the rest with line numbers instead of stopping: a line the CSV
reader cannot read (a quote never closed, a field too long) or a line break inside a name is reported and
reading goes on from the next line, so no later row is lost with it.

Column names are recognised as mailing tools and spreadsheets write them (`Email Address`, `E-mail`,
`First Name`, `Company`...): compared without case, spaces, underscores or hyphens, and mapped to one name
each (`COLUMN_NAMES`). A header that names no address column, or two, is refused: guessing would mail the
wrong people or nobody.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from ..foundation.problems import Problems, Severity

EMAIL_COLUMN = "email"
SKIPPED = "(this line is skipped)"

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


def read_csv_rows(path: Path, shown_as: str, problems: Problems, *, required: str,
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
        if not blank_row(cells):
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
            elif not blank_row(cells):
                yield line, row
    return rows()


class CsvLines:
    """The text's lines for csv.reader (each with its ending, as io.StringIO(newline="") gives them), read
    from a position that can be moved back: after a quote that is never closed, reading starts again on the
    line after the quote's. No copy of the whole text is made."""

    _LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.line = 0  # lines read so far

    def __iter__(self) -> CsvLines:
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
        self._lines = CsvLines(text)
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


def blank_row(cells: list[str]) -> bool:
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
