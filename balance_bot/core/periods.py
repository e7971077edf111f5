"""Periods of the rebuilt daily values: days, weeks from Monday, months; their figures. Pure.

A period runs from its first day's start to its last day's close (UTC days, as the values).
Its figures, over the days it holds:

    change  = value at its end - value at the end of the day before it (0 before the first)
    moved   = money moved in - money moved out
    market  = change - moved                       (what the market did, fees of trades in)
    percent = market / (value at the start + money moved in) x 100

The percent is a simple rule, not time-weighted: the money the period had to work with is
what it started with and all that came in. The same figures in another unit (the dollar
through USDTTRY, bitcoin through BTCTRY) value each day's figures at that day's close of the
unit: the start and end values at their days' closes, each day's money moved at its day's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Literal

from balance_bot.core.percent import percent_of
from balance_bot.core.values import (
    NOTHING,
    ZERO,
    DayValue,
    Incomplete,
    ValueHistory,
    incomplete_within,
)

PeriodKind = Literal["daily", "weekly", "monthly"]
DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
PERIOD_KINDS: tuple[PeriodKind, ...] = ("daily", "weekly", "monthly")
Detail = Literal["market", "units", "moved", "trades"]
ALL_DETAILS: tuple[Detail, ...] = ("market", "units", "moved", "trades")
RETURNS: tuple[Detail, ...] = ("market", "units")  # /pnl's: the market result alone
UNIT_LABELS = {"USDT": "USD", "BTC": "BTC"}  # USDT stands for the dollar
DEFAULT_COUNT: dict[PeriodKind, int] = {"daily": 7, "weekly": 8, "monthly": 6}
MAX_COUNT: dict[PeriodKind, int] = {"daily": 31, "weekly": 26, "monthly": 24}
PRECISION = 40  # significant digits of a value in another unit (a division)


def period_of(kind: PeriodKind, day: date) -> tuple[date, date]:
    """Return the first and last day of the period of `kind` that holds `day`."""
    if kind == "daily":
        return day, day
    if kind == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def recent_periods(
    kind: PeriodKind, last: date, count: int, first: date | None = None
) -> list[tuple[date, date]]:
    """Return the last `count` periods up to `last`, oldest first, as (first day, last day):
    the newest ends at `last` (so far, when its period is not over), and none ends before
    `first`."""
    periods: list[tuple[date, date]] = []
    day = last
    while len(periods) < count and (first is None or day >= first):
        start, end = period_of(kind, day)
        periods.append((start, min(end, last)))
        day = start - timedelta(days=1)
    return periods[::-1]


@dataclass(frozen=True, slots=True)
class UnitResult:
    """The market result in another unit, and its percent; None where a close is missing."""

    unit: str
    market: Decimal | None
    percent: Decimal | None


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """One period's figures; `end` is the last day it holds, `period_end` its calendar end."""

    kind: PeriodKind
    start: date
    end: date
    period_end: date
    value_start: Decimal
    value_end: Decimal
    moved_in: Decimal
    moved_out: Decimal
    fees: Decimal
    trades: int
    invested: Decimal = ZERO  # net invested by the end: money moved in less out, all along
    units: tuple[UnitResult, ...] = ()
    estimated: frozenset[str] = NOTHING
    unpriced: frozenset[str] = NOTHING  # held, without a price: left out of the values
    loading: frozenset[str] = NOTHING
    unvalued: frozenset[str] = NOTHING  # money moved or fees whose value is unknown
    incomplete: frozenset[str] = NOTHING  # the history does not account for what is held
    unknown: frozenset[str] = NOTHING  # left out and moved: the market result cannot be told
    value_loading: frozenset[str] = NOTHING  # the end value waits for these prices: not told
    invested_loading: frozenset[str] = NOTHING  # `invested` leaves out money moved of these
    invested_unvalued: frozenset[str] = NOTHING  # ... whose value is unknown for good
    moved_loading: frozenset[str] = NOTHING  # money moved whose prices are still loading
    fees_loading: frozenset[str] = NOTHING  # fees whose prices are still loading

    @property
    def partial(self) -> bool:
        """Tell whether the period is not over: it holds the days up to the last closed one."""
        return self.end < self.period_end

    @property
    def change(self) -> Decimal:
        """Return the value's change over the period."""
        return self.value_end - self.value_start

    @property
    def moved(self) -> Decimal:
        """Return the money moved in less the money moved out."""
        return self.moved_in - self.moved_out

    @property
    def market(self) -> Decimal:
        """Return what the market did: the change less the money moved."""
        return self.change - self.moved

    @property
    def percent(self) -> Decimal | None:
        """Return the market result as a share of the start value and the money moved in."""
        base = self.value_start + self.moved_in
        return percent_of(self.market, base) if base > 0 and not self.unknown else None

    @property
    def left_out(self) -> frozenset[str]:
        """Return the assets some figure of the period leaves out."""
        return self.unpriced | self.loading | self.unvalued


def period_row(
    values: ValueHistory,
    kind: PeriodKind,
    start: date,
    end: date,
    *,
    period_end: date | None = None,
    incomplete: Sequence[Incomplete] = (),
) -> PeriodRow | None:
    """Return the figures of the days from `start` to `end`; None when none was rebuilt."""
    days = values.between(start, end)
    if not days:
        return None
    before = values.on(days[0].day - timedelta(days=1))
    edge = [before] if before is not None else []
    marked = [*edge, *days]
    unknown = _unknown(before, days)
    with localcontext() as context:
        context.prec = PRECISION
        return PeriodRow(
            kind=kind,
            start=start,
            end=days[-1].day,
            period_end=period_end or end,
            value_start=ZERO if before is None else before.value,
            value_end=days[-1].value,
            moved_in=sum((d.moved_in for d in days), ZERO),
            moved_out=sum((d.moved_out for d in days), ZERO),
            fees=sum((d.fees for d in days), ZERO),
            trades=len(frozenset().union(*(d.orders for d in days))),
            invested=days[-1].invested,
            units=tuple(
                UnitResult(unit, None, None) if unknown else _unit(unit, before, days)
                for unit in values.units
            ),
            estimated=_union(d.estimated for d in marked),
            unpriced=_union(d.unpriced for d in marked),
            loading=_union(d.loading for d in marked),
            unvalued=_union(d.unvalued for d in days),
            incomplete=incomplete_within(incomplete, days[-1].day),
            unknown=unknown,
            value_loading=days[-1].loading,
            invested_loading=days[-1].invested_loading,
            invested_unvalued=days[-1].invested_unvalued,
            moved_loading=_union(d.moved_loading for d in days),
            fees_loading=_union(d.fees_loading for d in days),
        )


def recent_rows(
    values: ValueHistory,
    kind: PeriodKind,
    count: int,
    incomplete: Sequence[Incomplete] = (),
) -> list[PeriodRow]:
    """Return the figures of the last `count` periods of `kind` up to the last closed day."""
    rows = []
    for start, end in recent_periods(kind, values.last, count, values.first):
        _, calendar_end = period_of(kind, start)
        row = period_row(values, kind, start, end, period_end=calendar_end, incomplete=incomplete)
        if row is not None:
            rows.append(row)
    return rows


def span_row(
    rows: Sequence[PeriodRow], values: ValueHistory, incomplete: Sequence[Incomplete] = ()
) -> PeriodRow | None:
    """Return the figures of every day `rows` cover, as one period."""
    if not rows:
        return None
    return period_row(values, rows[0].kind, rows[0].start, rows[-1].end, incomplete=incomplete)


def _unknown(before: DayValue | None, days: Sequence[DayValue]) -> frozenset[str]:
    """Return the assets left out of a value of the period (no price, or still loading) that
    moved in it, or that count at one end and not at the other: the change would hold their
    trades or their price's absence, so the market result cannot be told. An asset left out
    all along and never moved (a coin without a price, held still) changes nothing; one whose
    prices are still loading is unknown for now (its figure would be a guess in a minute)."""
    marked = [*([before] if before is not None else []), *days]
    left = _union(d.unpriced | d.loading for d in marked)
    moved = _union(d.touched for d in days)
    first, last = marked[0], marked[-1]
    ends = (first.unpriced | first.loading) ^ (last.unpriced | last.loading)
    return frozenset(left & (moved | ends)) | _union(d.loading for d in marked)


def _unit(unit: str, before: DayValue | None, days: Sequence[DayValue]) -> UnitResult:
    """Return the market result in `unit`: each figure at its day's close of the unit."""
    start = ZERO
    if before is not None and before.value:
        rate = before.rates.get(unit)
        if rate is None:
            return UnitResult(unit, None, None)
        start = before.value / rate
    moved_in = moved_out = ZERO
    for day in days:
        if not day.moved_in and not day.moved_out:
            continue
        rate = day.rates.get(unit)
        if rate is None:
            return UnitResult(unit, None, None)
        moved_in += day.moved_in / rate
        moved_out += day.moved_out / rate
    last = days[-1]
    end = ZERO
    if last.value:
        rate = last.rates.get(unit)
        if rate is None:
            return UnitResult(unit, None, None)
        end = last.value / rate
    market = end - start - (moved_in - moved_out)
    base = start + moved_in
    return UnitResult(unit, market, percent_of(market, base) if base > 0 else None)


def _union(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*sets)
