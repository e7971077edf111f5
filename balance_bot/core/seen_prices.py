"""The prices the bot read when a check saw the balances change: what a deposit or a trade of
that moment was worth, in preference to its day's close. Pure, Decimal only.

A check that finds a change keeps, for the window since the check before it (`SeenWindow`),
the price it read of each asset whose total changed, and of the currencies trades are paid in
(TRY and USDT, but the quote currency). A record of the history falls in a window when its
time is within the window, `SLACK_MS` either side (the exchange's clock and ours differ):
- a deposit, when the window saw its asset's total rise (one that rose by exactly the
  deposit's amount first);
- a withdrawal (its fee), when the window saw its asset's total change;
- a fill, when the window saw its numerator or its denominator change and read a price of the
  denominator: the rate its value is converted at.
Of several windows, the one whose own span holds the record comes first, then the earliest.
A window longer than `MAX_WINDOW` (the bot was stopped, or could not read the account) is not
the time of what happened in it: none is kept, and the day's close values those records.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from balance_bot.btcturk.models import Fill, Transfer
from balance_bot.core.changes import BalanceChange
from balance_bot.core.cost_basis import TransferPrice, transfer_key
from balance_bot.core.day_prices import DENOMINATORS
from balance_bot.core.valuation import Portfolio

SLACK_MS = 120_000  # either side of a window: the exchange's clock and ours differ
MAX_WINDOW = timedelta(minutes=30)  # longer since the check before: not "at the time"
ZERO = Decimal(0)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Seen:
    """One asset's price in the quote currency as read, and how its total changed."""

    unit: Decimal
    change: Decimal  # new total minus old, at display precision (0: read as a rate only)


@dataclass(frozen=True, slots=True)
class SeenWindow:
    """What one check that saw a change read, and the span the change happened in."""

    quote: str
    start_ms: int  # the check before it
    end_ms: int  # this check
    prices: Mapping[str, Seen]

    def holds(self, at_ms: int, slack_ms: int = 0) -> bool:
        """Tell whether `at_ms` falls in the window, widened by `slack_ms` either side."""
        return self.start_ms - slack_ms <= at_ms <= self.end_ms + slack_ms


def seen_window(
    changes: Iterable[BalanceChange], portfolio: Portfolio, start: datetime, end: datetime
) -> SeenWindow | None:
    """Return what a check that saw `changes` read, None when there is nothing to keep."""
    start = min(start, end)
    if not portfolio.prices_available or end - start > MAX_WINDOW:
        return None
    moved = {c.asset: c.difference for c in changes if c.difference != 0}
    if not moved:
        return None
    prices = {}
    for asset in sorted(moved.keys() | set(DENOMINATORS)):
        unit = portfolio.prices.get(asset)
        if asset != portfolio.quote and unit is not None and unit > 0:
            prices[asset] = Seen(unit, moved.get(asset, ZERO))
    if not prices:
        return None
    return SeenWindow(portfolio.quote, _ms(start), _ms(end), prices)


def transfer_prices_seen(
    transfers: Iterable[Transfer], windows: Sequence[SeenWindow]
) -> dict[tuple[str, str], TransferPrice]:
    """Return the price seen for each of `transfers` that falls in one of `windows`."""
    found = {}
    for transfer in transfers:
        best: tuple[tuple[bool, bool, int], Decimal] | None = None
        for window in _around(windows, transfer.at_ms):
            seen = window.prices.get(transfer.asset)
            if seen is None:
                continue
            if transfer.kind == "deposit":
                if seen.change <= 0:
                    continue
                exact = seen.change == transfer.amount
            else:
                if seen.change == 0:
                    continue
                exact = -seen.change == transfer.amount + transfer.fee + transfer.tax
            rank = (not exact, not window.holds(transfer.at_ms), window.end_ms)
            if best is None or rank < best[0]:
                best = (rank, seen.unit)
        if best is not None:
            found[transfer_key(transfer)] = TransferPrice(best[1], "seen")
    return found


def fill_rates_seen(
    fills: Iterable[Fill], windows: Sequence[SeenWindow]
) -> dict[str, TransferPrice]:
    """Return, by fill id, the rate of the denominator seen for each of `fills` that falls in
    one of `windows`."""
    found = {}
    for fill in fills:
        best: tuple[tuple[bool, int], Decimal] | None = None
        for window in _around(windows, fill.at_ms):
            rate = window.prices.get(fill.denominator)
            numerator = window.prices.get(fill.numerator)
            moved = rate is not None and rate.change != 0
            moved = moved or (numerator is not None and numerator.change != 0)
            if rate is None or not moved:
                continue
            rank = (not window.holds(fill.at_ms), window.end_ms)
            if best is None or rank < best[0]:
                best = (rank, rate.unit)
        if best is not None:
            found[fill.id] = TransferPrice(best[1], "seen")
    return found


def spans_around(times: Iterable[int]) -> list[tuple[int, int]]:
    """Return the spans of window ends that can hold records at `times` (merged, in order)."""
    longest = MAX_WINDOW // timedelta(milliseconds=1)
    spans: list[tuple[int, int]] = []
    for at_ms in sorted(set(times)):
        low, high = at_ms - SLACK_MS, at_ms + SLACK_MS + longest
        if spans and low <= spans[-1][1]:
            spans[-1] = (spans[-1][0], high)
        else:
            spans.append((low, high))
    return spans


def _around(windows: Sequence[SeenWindow], at_ms: int) -> Iterable[SeenWindow]:
    """Yield the windows (sorted by end) that hold `at_ms` with the slack."""
    index = bisect_left(windows, at_ms - SLACK_MS, key=lambda w: w.end_ms)
    last_end = at_ms + SLACK_MS + MAX_WINDOW // timedelta(milliseconds=1)  # none is longer
    while index < len(windows) and windows[index].end_ms <= last_end:
        if windows[index].holds(at_ms, SLACK_MS):
            yield windows[index]
        index += 1


def _ms(moment: datetime) -> int:
    """Return a moment in exchange milliseconds, exactly."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)
