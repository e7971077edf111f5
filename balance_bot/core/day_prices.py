"""Prices of a day in the quote currency, from the daily closes known: pure, Decimal only.

An asset's price on a day, as valuation routes it: its pair with the quote (`BTCTRY`, or the
inverse `USDTTRY` for TRY in USDT), else through the other of TRY and USDT (`GLMRUSDT` x
`USDTTRY` in TRY, `SHIBTRY` / `USDTTRY` in USDT). P&L is kept in TRY and in USDT
(`SUPPORTED_QUOTES`); in any other quote currency every value is unknown.

A day not over yet (UTC) is never priced from its candle, whose close moves until midnight:
it is "today". Where no price can be told, `DayPrices.missing` says why: "loading" (a pair
still to read), "past_price" (the chart server answered without a candle for that day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from balance_bot.btcturk.models import Fill, Transfer
from balance_bot.core.cost_basis import Unknown

SUPPORTED_QUOTES = ("TRY", "USDT")  # the quote currencies P&L is kept in
BRIDGES = {"TRY": "USDT", "USDT": "TRY"}  # an asset without a pair in the quote goes through
DENOMINATORS = ("TRY", "USDT")  # BTCTurk's pairs: TRY is the denominator of USDTTRY
ABSENT_RECHECK_S = 3600.0  # a day answered without a candle is asked again after an hour
LOOKBACK_DAYS = 3  # a settled day without a candle takes the close of up to 3 days before
ONE = Decimal(1)

Leg = tuple[str, bool]  # a pair, and whether its close is inverted (1 / close)


def day_of(at_ms: int) -> date:
    """Return the UTC day of an exchange timestamp."""
    return datetime.fromtimestamp(at_ms // 1000, UTC).date()


def needs_price(transfer: Transfer, quote: str) -> bool:
    """Tell whether a transfer's value in `quote` counts: a deposit's cost, or its fees."""
    return transfer.asset != quote and (
        transfer.kind == "deposit" or bool(transfer.fee) or bool(transfer.tax)
    )


def needed_days(
    fills: Iterable[Fill], transfers: Iterable[Transfer], quote: str
) -> dict[str, set[date]]:
    """Return, per asset, the days on which the history needs its price in `quote`."""
    needs: dict[str, set[date]] = {}
    for fill in fills:
        if fill.denominator != quote:
            needs.setdefault(fill.denominator, set()).add(day_of(fill.at_ms))
    for transfer in transfers:
        if needs_price(transfer, quote):
            needs.setdefault(transfer.asset, set()).add(day_of(transfer.at_ms))
    return needs


def leg(asset: str, currency: str) -> Leg:
    """Return the pair BTCTurk quotes `asset` and `currency` in, and whether it is inverted."""
    rank = {c: i for i, c in enumerate(DENOMINATORS)}
    if currency in rank and rank[currency] < rank.get(asset, len(rank)):
        return asset + currency, False
    if asset in rank:
        return currency + asset, True
    return asset + currency, False


def routes(asset: str, quote: str) -> list[tuple[Leg, ...]]:
    """Return the ways to price `asset` in `quote`, the first one tried first."""
    found: list[tuple[Leg, ...]] = [(leg(asset, quote),)]
    bridge = BRIDGES.get(quote)
    if bridge is not None and asset != bridge:
        found.append((leg(asset, bridge), leg(bridge, quote)))
    return found


@dataclass
class CloseTable:
    """The closes known (finished days only, each the day's own candle), the days answered
    without a candle lately, and the spans of days answered for good (`settled`: a finished
    day at least two days old, with or without its candle, is never asked again)."""

    closes: dict[str, dict[date, Decimal]]
    absent: dict[str, dict[date, float]]  # pair -> day -> when answered, monotonic
    settled: dict[str, list[tuple[date, date]]] = field(default_factory=dict)

    def settled_on(self, pair: str, day: date) -> bool:
        """Tell whether the chart server answered `pair` for `day` for good."""
        return any(first <= day <= last for first, last in self.settled.get(pair, ()))


@dataclass(frozen=True, slots=True)
class DayPrices:
    """What is known of the needed prices now: `price_at` and, where it is None, `missing`."""

    quote: str
    today: date
    table: CloseTable
    supported: bool
    now: float

    def price_at(self, asset: str, at_ms: int) -> Decimal | None:
        """Return the asset's price in the quote on the UTC day of `at_ms`, None if unknown."""
        price, _, _ = self._resolve(asset, day_of(at_ms))
        return price

    def missing(self, asset: str, at_ms: int) -> Unknown:
        """Return why `price_at` has no price for the asset at `at_ms`."""
        _, _, why = self._resolve(asset, day_of(at_ms))
        return why or "past_price"

    def to_read(self, asset: str, at_ms: int) -> set[str]:
        """Return the pairs to read before the asset's price at `at_ms` can be told."""
        _, pairs, _ = self._resolve(asset, day_of(at_ms))
        return pairs

    def settled(self, asset: str, day: date) -> bool:
        """Tell whether what the asset's price on `day` is will never change: known from a
        close, or without one on every route for good (nothing left to read, ever)."""
        if asset == self.quote:
            return True
        if not self.supported or day >= self.today:
            return False
        for route in routes(asset, self.quote):
            for pair, _ in route:
                if self.close_or_before(pair, day) is None and not self.table.settled_on(pair, day):
                    return False
            if all(self.close_or_before(pair, day) is not None for pair, _ in route):
                return True
        return True

    def _resolve(self, asset: str, day: date) -> tuple[Decimal | None, set[str], Unknown | None]:
        """Return the price, the pairs still to read for it, and why it is not known."""
        if asset == self.quote:
            return ONE, set(), None
        if not self.supported:
            return None, set(), "past_price"
        if day >= self.today:
            return None, set(), "today"
        for route in routes(asset, self.quote):
            price = ONE
            unread: set[str] = set()
            absent = False
            for pair, inverted in route:
                close = self.close_or_before(pair, day)
                if close is not None:
                    price *= ONE / close if inverted else close
                elif self.answered(pair, day):
                    absent = True
                else:
                    unread.add(pair)
            if absent:
                continue  # this way has no price that day: the next one may
            if unread:
                return None, unread, "loading"
            return price, set(), None
        return None, set(), "past_price"

    def own_close(self, pair: str, day: date) -> Decimal | None:
        """Return the close of the pair's own candle of `day`, None without one."""
        return self.table.closes.get(pair, {}).get(day)

    def close_or_before(self, pair: str, day: date) -> Decimal | None:
        """Return the pair's close of `day`; for a day answered for good without a candle (no
        trade that day), the close of up to LOOKBACK_DAYS before it."""
        closes = self.table.closes.get(pair, {})
        close = closes.get(day)
        if close is not None or not self.table.settled_on(pair, day):
            return close
        earlier = (closes.get(day - timedelta(days=back)) for back in range(1, LOOKBACK_DAYS + 1))
        return next((c for c in earlier if c is not None), None)

    def answered(self, pair: str, day: date) -> bool:
        """Tell whether the chart server said it has no candle of `pair` for `day`: for good,
        or within the last ABSENT_RECHECK_S."""
        return self.table.settled_on(pair, day) or self._answered(pair, day)

    def _answered(self, pair: str, day: date) -> bool:
        when = self.table.absent.get(pair, {}).get(day)
        return when is not None and self.now - when < ABSENT_RECHECK_S
