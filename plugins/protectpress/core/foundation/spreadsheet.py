"""The CSV files protectpress writes are opened in Excel: no cell of ours may run there as a formula.

A spreadsheet treats a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
formula, and an address such as `=HYPERLINK(...)@example.org` passes our address check. Every CSV writer
goes through `spreadsheet_writer`, which puts an apostrophe before such a cell (what Excel itself does to
keep text as text); `as_written` takes it off again when we read our own files back.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
TEXT_MARK = "'"


def spreadsheet_safe(cell: Any) -> str:
    """The cell as text a spreadsheet shows as written.

    A cell that already starts with the apostrophe gets one more, so `as_written` can always undo this.
    """
    text = "" if cell is None else str(cell)
    return TEXT_MARK + text if text.startswith((*FORMULA_STARTS, TEXT_MARK)) else text


def as_written(cell: str) -> str:
    """A cell of a file we wrote, as it was before `spreadsheet_safe`."""
    if cell.startswith(TEXT_MARK) and cell[1:].startswith((*FORMULA_STARTS, TEXT_MARK)):
        return cell[1:]
    return cell


class SpreadsheetSafeWriter:
    """`csv.writer`, except that every cell goes through `spreadsheet_safe`."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, cells: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in cells])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for cells in rows:
            self.writerow(cells)


def spreadsheet_writer(handle: IO[str]) -> SpreadsheetSafeWriter:
    """The CSV writer for every file protectpress writes."""
    return SpreadsheetSafeWriter(handle)
