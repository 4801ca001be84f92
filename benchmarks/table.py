"""The one results table: every measurement a row, seconds and ratios side by side, with its target."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

COLUMNS = ("Measure", "Size", "Seconds", "CPU s", "Ratio", "Per second", "Peak MB", "site/ MB", "Mean page KB",
           "Search index KB", "Transfer KB", "Target", "Met")


@dataclass
class Row:
    measure: str
    size: str = ""
    seconds: float | None = None  # wall clock
    cpu_seconds: float | None = None  # user + system of the measured process
    ratio: float | None = None  # what it is a ratio of is said in `measure`, e.g. "ours ÷ floor"
    per_second: float | None = None
    peak_mb: float | None = None
    site_mb: float | None = None
    mean_page_kb: float | None = None
    search_index_kb: float | None = None
    transfer_kb: float | None = None  # bytes a reader's browser downloaded, uncompressed
    target: str = ""
    met: bool | None = None
    note: str = ""

    def cells(self) -> list[str]:
        met = "" if self.met is None else ("PASS" if self.met else "FAIL")
        measure = self.measure + (f" ({self.note})" if self.note else "")
        return [
            measure,
            self.size,
            _seconds(self.seconds),
            _seconds(self.cpu_seconds),
            _number(self.ratio, 2),
            _number(self.per_second, 0),
            _number(self.peak_mb, 0),
            _number(self.site_mb, 1),
            _number(self.mean_page_kb, 1),
            _number(self.search_index_kb, 0),
            _number(self.transfer_kb, 0),
            self.target,
            met,
        ]


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    def find(self, measure: str, size: str | None = None) -> Row | None:
        return next((r for r in self.rows if r.measure == measure and (size is None or r.size == size)), None)

    def markdown(self) -> str:
        """A Markdown table: readable in a terminal and pasteable into README.md as it is."""
        cells = [list(COLUMNS)] + [row.cells() for row in self.rows]
        widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
        lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=False)) + " |" for line in cells]
        lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
        return "\n".join(lines)

    def targets(self) -> str:
        """Each row that has a target, one line each, PASS or FAIL first: the verdict without the table."""
        lines = []
        for row in self.rows:
            if row.met is None:
                continue
            value = row.cells()[4] or row.cells()[2] or row.cells()[10]
            lines.append(f"{'PASS' if row.met else 'FAIL'}  {row.measure}, {row.size}: {value} (target {row.target})")
        return "\n".join(lines)

    def as_json(self) -> list[dict]:
        return [asdict(row) for row in self.rows]


def _number(value: float | None, digits: int) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}"


def _seconds(value: float | None) -> str:
    """Three significant figures below a second (newsletters take milliseconds), two decimals above."""
    if value is None:
        return ""
    return f"{value:.3g}" if value < 1 else f"{value:,.2f}"
