"""The weekly and monthly reports' figures: from the daily values rebuilt from the history
(core.periods: the period's days, Monday to Sunday or the month, to their last close), else
from the portfolio values stored at each summary.

A report goes out on the first day of a period (Monday, the 1st) and covers the period that
just ended: from the day before its first day to its last day's close (daily values), or
from the value stored on the previous period's first day to today's (without them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from balance_bot.core.percent import percent_of
from balance_bot.core.summary import DailyPortfolio
from balance_bot.core.valuation import DUST_LIMIT
from balance_bot.core.values import DayValue, ValueHistory

WEEKLY, MONTHLY = "weekly", "monthly"
REPORT_KINDS = (WEEKLY, MONTHLY)


def period_start(kind: str, day: date) -> date:
    """Return the first day of the period `day` is in: its week's Monday, or its month's 1st."""
    if kind == WEEKLY:
        return day - timedelta(days=day.weekday())
    if kind == MONTHLY:
        return day.replace(day=1)
    raise ValueError(f"not a report kind: {kind!r}")


def previous_start(kind: str, start: date) -> date:
    """Return the first day of the period before the one starting `start`."""
    return period_start(kind, start - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class AssetChange:
    """One asset's value at both ends of a period (zero where it was not held)."""

    asset: str
    before: Decimal
    after: Decimal

    @property
    def change(self) -> Decimal:
        """Return the change in value over the period."""
        return self.after - self.before

    @property
    def percent(self) -> Decimal | None:
        """Return the change as a percentage of the value at the start, None if it had none."""
        return None if self.before == 0 else percent_of(self.change, self.before)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """What a report says: the values at both ends, the change, the best and worst assets."""

    first: DailyPortfolio
    last: DailyPortfolio
    best: AssetChange | None
    worst: AssetChange | None

    @property
    def change(self) -> Decimal:
        """Return the total's change over the period."""
        return self.last.total - self.first.total

    @property
    def percent(self) -> Decimal | None:
        """Return the total's change as a percentage of the first total, None if that is zero."""
        return None if self.first.total == 0 else percent_of(self.change, self.first.total)


def period_figures(
    history: Sequence[DailyPortfolio], start: date, end: date
) -> PeriodFigures | None:
    """Return the figures from `start` to `end` in `history` (oldest first), None with too few.

    The first value is the last one stored on or before `start` (else the earliest after it),
    the last one the latest stored on or before `end`; they must be of two different days.
    """
    until_end = [d for d in history if d.day <= end]
    before = [d for d in until_end if d.day <= start]
    inside = [d for d in until_end if d.day > start]
    if not until_end:
        return None
    first = before[-1] if before else (inside[0] if inside else None)
    last = until_end[-1]
    if first is None or first.day >= last.day:
        return None
    changes = asset_changes(first, last)
    best = max(changes, key=lambda c: (c.change, c.asset), default=None)
    worst = min(changes, key=lambda c: (c.change, c.asset), default=None)
    if worst is best or len(changes) < 2:
        worst = None
    return PeriodFigures(first=first, last=last, best=best, worst=worst)


def asset_changes(first: DailyPortfolio, last: DailyPortfolio) -> list[AssetChange]:
    """Return each asset worth showing with its values at both ends, sorted by asset."""
    zero = Decimal(0)
    changes = [
        AssetChange(asset, first.values.get(asset, zero), last.values.get(asset, zero))
        for asset in sorted(set(first.values) | set(last.values))
    ]
    return [c for c in changes if c.before >= DUST_LIMIT or c.after >= DUST_LIMIT]


def value_moves(
    values: ValueHistory, start: date, end: date
) -> tuple[AssetChange | None, AssetChange | None]:
    """Return the best and worst asset of the days from `start` to `end` in the daily values:
    each asset's value at the close before the period and at its last close."""
    before, last = values.on(start - timedelta(days=1)), values.on(end)
    if last is None:
        return None, None
    first = DailyPortfolio(start, Decimal(0), {}) if before is None else _kept(before)
    changes = asset_changes(first, _kept(last))
    best = max(changes, key=lambda c: (c.change, c.asset), default=None)
    worst = min(changes, key=lambda c: (c.change, c.asset), default=None)
    return best, None if worst is best or len(changes) < 2 else worst


def _kept(day: DayValue) -> DailyPortfolio:
    return DailyPortfolio(day.day, day.value, dict(day.values))
