"""Rows of the result table, their rendering, and the percentile helper."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    """One figure: what was measured, its target, and whether the target is met.

    `met` is None for a figure that has no target of its own (a reference beside another)
    or that could not be measured.
    """

    figure: str
    measured: str
    target: str = ""
    met: bool | None = None


def not_measured(figure: str, target: str, reason: str) -> Row:
    """Return the row of a figure that could not be measured, saying why."""
    return Row(figure, f"not measured ({reason})", target, None)


def percentile(values: Sequence[float], p: float) -> float:
    """Return the p-th percentile (0-100) of `values`, interpolating between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not between 0 and 100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    """Format a duration in milliseconds, with a precision that suits its size."""
    value = seconds * 1000
    return (
        f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    )


def duration(seconds: float) -> str:
    """Format a duration in milliseconds below 10 s, in seconds from there."""
    return ms(seconds) if seconds < 10 else f"{seconds:.1f} s"


def us(seconds: float) -> str:
    """Format a duration in microseconds."""
    return f"{seconds * 1e6:.0f} µs"


def mib(size: float) -> str:
    """Format a byte count in MiB."""
    return f"{size / 2**20:.1f} MiB"


def verdict(met: bool | None) -> str:
    """Return the text of the `met` column."""
    return "—" if met is None else "yes" if met else "**NO**"


def render(rows: Sequence[Row]) -> str:
    """Render `rows` as a Markdown table whose columns line up in a terminal."""
    header = ("figure", "measured", "target", "met")
    cells = [header] + [(r.figure, r.measured, r.target or "—", verdict(r.met)) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        return "| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def latency_summary(
    delays: Sequence[float | None], counted: str, none_seen: str
) -> tuple[str, list[float]]:
    """Return "p50 … / p95 … (N `counted`)", with any missing alerts, and the delays seen."""
    seen = [d for d in delays if d is not None]
    if not seen:
        return none_seen, seen
    p50, p95 = duration(percentile(seen, 50)), duration(percentile(seen, 95))
    text = f"p50 {p50} / p95 {p95} ({len(seen)} {counted})"
    missing = len(delays) - len(seen)
    return (text + f", {missing} without alert" if missing else text), seen
