"""The daily values of a fake account's years, worked out the plain way, from its own rows.

Independent of the bot's code: it reads the JSON rows the fake exchange serves and the closes
its chart server holds, and adds up each UTC day's effects with no replay, no route table and
no cache. An asset is priced by its TRY pair, else its USDT pair times USDTTRY; a day without
a close takes the latest close before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from balance_bot.fakes.years import YearsHistory

D = Decimal


@dataclass(frozen=True)
class Expected:
    """One day: the value at its close, and the money moved in less out, up to it."""

    value: Decimal
    invested: Decimal


def utc_day(at_ms: int) -> date:
    return datetime.fromtimestamp(at_ms / 1000, UTC).date()


def number(value: Any) -> Decimal:
    return D(str(value))


def expected_days(history: YearsHistory, last: date) -> dict[date, Expected]:
    """Return every day's value and net invested from the first record's day to `last`."""
    moves: dict[date, list[tuple[str, Decimal]]] = defaultdict(list)
    flows: dict[date, list[tuple[str, Decimal]]] = defaultdict(list)
    for row in history.rows["trades"]:
        day, amount, price = utc_day(row["timestamp"]), D(row["amount"]), D(row["price"])
        paid = D(row["fee"]) + D(row["tax"])  # negative: they are paid
        moves[day] += [
            (row["numeratorSymbol"], amount),
            (row["denominatorSymbol"], -amount * price + paid),
        ]
    for row in [*history.rows["crypto"], *history.rows["fiat"]]:
        day = utc_day(row["timestamp"])
        effect = number(row["amount"]) + number(row["fee"]) + number(row["tax"])
        moves[day].append((row["currencySymbol"], effect))
        flows[day].append((row["currencySymbol"], effect))
    first = min(moves)
    held: dict[str, Decimal] = defaultdict(Decimal)
    invested = D(0)
    found = {}
    day = first
    while day <= last:
        for asset, effect in moves.get(day, []):
            held[asset] += effect
        for asset, effect in flows.get(day, []):
            invested += effect * price_of(history, asset, day)
        value = sum((units * price_of(history, a, day) for a, units in held.items() if units),
                    D(0))  # fmt: skip
        found[day] = Expected(value, invested)
        day += timedelta(days=1)
    return found


def price_of(history: YearsHistory, asset: str, day: date) -> Decimal:
    """Return the asset's price in TRY on `day`, the latest close up to it."""
    if asset == "TRY":
        return D(1)
    own = history.closes.get(f"{asset}TRY")
    if own:
        return latest(own, day)
    return latest(history.closes[f"{asset}USDT"], day) * latest(history.closes["USDTTRY"], day)


def latest(closes: dict[date, Decimal], day: date) -> Decimal:
    """Return the close of `day`, else of the latest day before it."""
    if day in closes:
        return closes[day]
    return closes[max(d for d in closes if d <= day)]


def pnl_part(text: str) -> str:
    """Return /pnl's own figures, without the market results of the daily values below them
    (tests/e2e/test_periods.py checks those)."""
    return text.split("\n\nMarket result")[0]
