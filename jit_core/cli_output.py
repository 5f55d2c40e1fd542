"""Terminal output of odoo-jit: aligned tables or CSV, and a progress bar."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence


class UsageError(Exception):
    """Bad or missing arguments / settings (exit code 2)."""


def _cell(value) -> str:
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and isinstance(value[0], int)
    ):
        return str(value[1])  # a many2one (id, name)
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
    return str(value)


def print_table(
    rows: Sequence[dict],
    columns: Sequence[tuple[str, str]],
    *,
    as_csv: bool = False,
    out=None,
) -> None:
    """`columns`: (key, heading). CSV keeps raw values (names for relations)."""
    out = out or sys.stdout
    if as_csv:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow(
                [
                    row[key][1]
                    if isinstance(row[key], list | tuple)
                    else ("" if row[key] is False or row[key] is None else row[key])
                    for key, _ in columns
                ]
            )
        return
    cells = [[_cell(row[key]) for key, _ in columns] for row in rows]
    heads = [head for _, head in columns]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(heads)]
    numeric = [
        all(
            isinstance(row[key], int | float) and not isinstance(row[key], bool)
            for row in rows
        )
        and rows
        for key, _ in columns
    ]

    def line(values):
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    print(line(heads), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for c in cells:
        print(line(c), file=out)


class Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal,
    unless forced)."""

    def __init__(self, total: int, label: str, force: bool = False, width: int = 30):
        self.total, self.label, self.width = max(total, 1), label, width
        self.enabled = force or sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int | None = None) -> None:
        if total:
            self.total = max(total, 1)
        if not self.enabled:
            return
        pct = min(100, int(100 * done / self.total))
        if pct == self.last:
            return
        self.last = pct
        filled = self.width * pct // 100
        bar = "#" * filled + "-" * (self.width - filled)
        sys.stderr.write(f"\r{self.label} [{bar}] {pct:3d}%")
        if pct >= 100:
            sys.stderr.write("\n")
        sys.stderr.flush()
