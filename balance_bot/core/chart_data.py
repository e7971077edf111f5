"""What the portfolio chart shows: allocation slices and the history line.

Pure and exact: values stay Decimal here; the drawing code converts them at the last moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Literal

from balance_bot.core.keywords import fold
from balance_bot.core.percent import HUNDRED, percent_of
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.valuation import Portfolio
from balance_bot.core.values import Incomplete, ValueHistory

OTHER = "other"
SMALL_SHARE = Decimal("0.01")  # assets under 1% of the total are grouped as "other"
MAX_SLICES = 12  # a phone shows about this many bars readably; the rest join "other"
HISTORY_DAYS = 30
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Slice:
    """One bar of the allocation: an asset (or several, as "other"), its value and share."""

    label: str
    value: Decimal
    percent: Decimal  # two decimals; the slices of one chart add up to exactly 100.00
    assets: int = 1


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """The portfolio's total on one day, in the quote currency; from the daily values, also
    the money invested by then and what the day's value rests on."""

    day: date
    total: Decimal
    invested: Decimal | None = None  # net invested by the day's end (daily values only)
    estimated: bool = False  # a price of the day is the last one known
    incomplete: bool = False  # the history does not account for an asset held now


def allocation(portfolio: Portfolio, max_slices: int = MAX_SLICES) -> list[Slice]:
    """Return the valued holdings, biggest first, small ones grouped last as "other"."""
    valued = [
        (p.asset, p.value) for p in portfolio.positions if p.value is not None and p.value > 0
    ]
    total = sum((value for _, value in valued), Decimal(0))
    if total <= 0:
        return []
    valued.sort(key=lambda item: (-item[1], item[0]))
    named = [item for item in valued if item[1] >= total * SMALL_SHARE]
    if len(named) < len(valued) or len(named) > max_slices:
        named = named[: max(max_slices - 1, 1)]
    rest = valued[len(named) :]
    rows: list[tuple[str, Decimal, int]] = [(asset, value, 1) for asset, value in named]
    if rest:
        rows.append((OTHER, sum((value for _, value in rest), Decimal(0)), len(rest)))
    percents = _shares(total, [value for _, value, _ in rows])
    return [
        Slice(label, value, percent, count)
        for (label, value, count), percent in zip(rows, percents, strict=True)
    ]


def _shares(total: Decimal, values: list[Decimal]) -> list[Decimal]:
    """Return each value's percentage of `total` to two decimals, adding up to exactly 100.00.

    Largest remainder: every share is rounded down to the cent, then the cents still missing
    go to the shares that lost the most in rounding (ties to the earlier, bigger slice).
    """
    exact = [percent_of(value, total) for value in values]
    floors = [share.quantize(CENT, rounding=ROUND_FLOOR) for share in exact]
    missing = int((HUNDRED - sum(floors, Decimal(0))) / CENT)
    by_loss = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_loss[:missing]:
        floors[i] += CENT
    return floors


def history_points(
    history: Iterable[DailyPortfolio], today: date, days: int = HISTORY_DAYS
) -> list[HistoryPoint]:
    """Return the daily totals of the last `days` days up to `today`, oldest first."""
    first = today - timedelta(days=days - 1)
    by_day = {d.day: d.total for d in history if first <= d.day <= today}
    return [HistoryPoint(day, by_day[day]) for day in sorted(by_day)]


def history_since(today: date, days: int = HISTORY_DAYS) -> date:
    """Return the first day the chart's history line covers."""
    return today - timedelta(days=days - 1)


@dataclass(frozen=True, slots=True)
class LineGap:
    """Why the history line is empty (fewer than two values) or starts after its first day.

    The bot keeps one total a day, at the daily summary, from the day it starts: `kept` values
    lie within the chart's days, the first on `kept_from`. `history_from` is the first
    transaction on record when it is older than the line (its days are not rebuilt);
    `unpriced` the held assets without a price now, which keep a day's total from being kept.
    """

    kept: int
    kept_from: date | None
    history_from: date | None
    unpriced: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Tell whether there is no line at all (a line needs two values)."""
        return self.kept < 2


def line_gap(
    points: Sequence[HistoryPoint],
    today: date,
    *,
    history_from: date | None = None,
    unpriced: Sequence[str] = (),
    days: int = HISTORY_DAYS,
) -> LineGap | None:
    """Return why the line of `points` is empty or short; None when it spans all its days."""
    if len(points) >= 2 and points[0].day <= history_since(today, days):
        return None
    kept_from = points[0].day if points else None
    older = history_from is not None and (kept_from is None or history_from < kept_from)
    return LineGap(len(points), kept_from, history_from if older else None, tuple(unpriced))


Window = Literal["30d", "90d", "1y", "all"]
WINDOWS: dict[Window, int | None] = {"30d": 30, "90d": 90, "1y": 365, "all": None}
DEFAULT_WINDOW: Window = "30d"
_WINDOW_WORDS: dict[str, Window] = {
    "30d": "30d", "30g": "30d", "30": "30d", "90d": "90d", "90g": "90d", "90": "90d",
    "1y": "1y", "365d": "1y", "365g": "1y", "all": "all", "hepsi": "all", "tumu": "all",
}  # fmt: skip


def read_window(args: Sequence[str]) -> Window | None:
    """Return the window of `/chart [30d|90d|1y|all]` (30 days by default), in either
    language's words (30g, 90g, 1y, hepsi, tümü), in any case; None for anything else."""
    if not args:
        return DEFAULT_WINDOW
    if len(args) != 1:
        return None
    return _WINDOW_WORDS.get(fold(args[0]))


@dataclass(frozen=True, slots=True)
class ValueLine:
    """The daily values a chart draws: its points, and what they leave out or rest on."""

    points: tuple[HistoryPoint, ...]
    start: date  # the window's first day (the history's first when it starts later)
    end: date  # the last day closed
    estimated: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()  # held, without a price on some day
    loading: tuple[str, ...] = ()  # prices still being read: those days are not drawn


def value_line(
    values: ValueHistory, window: Window, incomplete: Sequence[Incomplete] = ()
) -> ValueLine | None:
    """Return the window's points of the daily values; None when no day has closed."""
    if not values.days or values.first is None:
        return None
    days = WINDOWS[window]
    start = values.first if days is None else values.last - timedelta(days=days - 1)
    start = max(start, values.first)
    since = {i.asset: i.since for i in incomplete}
    points: list[HistoryPoint] = []
    estimated: set[str] = set()
    left_out: set[str] = set()
    loading: set[str] = set()
    for day in values.between(start, values.last):
        loading |= day.loading
        left_out |= day.unpriced
        if day.loading:
            continue
        estimated |= day.estimated
        points.append(
            HistoryPoint(
                day.day,
                day.value,
                day.invested,
                estimated=bool(day.estimated),
                incomplete=any(first <= day.day for first in since.values()),
            )
        )
    marked = sorted(a for a, first in since.items() if first <= values.last)
    return ValueLine(
        tuple(points),
        start,
        values.last,
        tuple(sorted(estimated)),
        tuple(marked),
        tuple(sorted(left_out)),
        tuple(sorted(loading)),
    )
