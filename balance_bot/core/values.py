"""The account's value on every day of its life, rebuilt from its history: pure, Decimal only.

A day is a UTC day, as BTCTurk's daily candles are: it ends at 00:00 UTC, and its value is
what the history says was held then, each asset at that day's close (`core.day_series`: its
own candle, else the last price known, marked estimated). The replay applies every fill,
deposit and withdrawal in time order, as the cost basis does (at the same millisecond,
deposits first, withdrawals last):

    value(D)    = sum of units held at the end of D x their price on D
    moved in    = deposits credited on D, fee and tax taken off, at their value on arrival
    moved out   = withdrawals debited on D, fee and tax included, at their value then
    invested(D) = the moved in less the moved out of every day up to D
    fees(D)     = the fees and taxes paid on D (trades and transfers), for information

A transfer's value on arrival is the one /pnl costs it at (the price the bot saw, else its
day's close: `transfer_prices`); a lira transfer is its own value. What cannot be valued is
left out of the day's figures and named (`unpriced`, `unvalued`, `loading`), never counted
as zero. `incomplete()` compares the history's units with the balances held now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext

from balance_bot.btcturk.models import Fill, Transfer
from balance_bot.core.cost_basis import TransferPrice, transfer_key
from balance_bot.core.day_prices import day_of
from balance_bot.core.day_series import Closes, DayPrice, price_series
from balance_bot.core.explain import EXACT, default_precision, transfer_effect
from balance_bot.core.valuation import Portfolio

ZERO = Decimal(0)
UNITS = ("USDT", "BTC")  # the other units a market result is told in: the dollar, bitcoin
NOTHING: frozenset[str] = frozenset()
Record = Fill | Transfer


@dataclass(frozen=True, slots=True)
class DayValue:
    """The account on one day: its value at the close, and the money moved that day."""

    day: date
    value: Decimal  # the priced holdings, in the quote
    invested: Decimal  # money moved in less money moved out, from the first day to this one
    moved_in: Decimal = ZERO
    moved_out: Decimal = ZERO  # a magnitude
    fees: Decimal = ZERO
    orders: frozenset[str] = NOTHING  # the orders with a fill this day
    touched: frozenset[str] = NOTHING  # the assets a record of this day moved
    values: Mapping[str, Decimal] = field(default_factory=dict)  # each asset's value
    rates: Mapping[str, Decimal] = field(default_factory=dict)  # a unit's price in the quote
    estimated: frozenset[str] = NOTHING  # valued at the last price known before the day
    unpriced: frozenset[str] = NOTHING  # held, never priced: left out of the value
    loading: frozenset[str] = NOTHING  # held or moved, its price still being read: left out
    unvalued: frozenset[str] = NOTHING  # money moved, or a fee, whose value is unknown
    # money moved up to this day whose value is unknown, so `invested` leaves it out
    invested_loading: frozenset[str] = NOTHING  # its day's price still being read
    invested_unvalued: frozenset[str] = NOTHING  # no price of its day at all
    moved_loading: frozenset[str] = NOTHING  # money moved this day whose price is loading
    fees_loading: frozenset[str] = NOTHING  # fees paid this day whose price is loading


@dataclass(frozen=True, slots=True)
class ValueHistory:
    """Every day from the first record's to `last`; the units after every record."""

    quote: str
    days: tuple[DayValue, ...]
    held: Mapping[str, Decimal]  # units after every record, today's included
    since: Mapping[str, date]  # the day each asset first appears in the history
    first: date | None  # the first record's day (None: no record)
    last: date  # the last day rebuilt (the last one closed)
    units: tuple[str, ...] = ()

    def on(self, day: date) -> DayValue | None:
        """Return the figures of `day`, None outside the days rebuilt."""
        if not self.days:
            return None
        index = (day - self.days[0].day).days
        return self.days[index] if 0 <= index < len(self.days) else None

    def between(self, start: date, end: date) -> tuple[DayValue, ...]:
        """Return the days from `start` to `end` that were rebuilt, in order."""
        if not self.days:
            return ()
        first = self.days[0].day
        low, high = max(0, (start - first).days), (end - first).days + 1
        return self.days[low:high] if high > low else ()

    @property
    def loading(self) -> frozenset[str]:
        """Return every asset whose price is still being read on some day."""
        return frozenset().union(*(d.loading for d in self.days))


@dataclass(frozen=True, slots=True)
class Incomplete:
    """An asset the history does not account for: it explains `explained` units of the
    `held` now, so every day from `since` counts only what it explains."""

    asset: str
    since: date
    held: Decimal
    explained: Decimal


def rebuild(
    fills: Sequence[Fill],
    transfers: Sequence[Transfer],
    quote: str,
    closes: Closes,
    last: date,
    *,
    transfer_prices: Mapping[tuple[str, str], TransferPrice] | None = None,
    fill_rates: Mapping[str, TransferPrice] | None = None,
    units: Sequence[str] = UNITS,
) -> ValueHistory:
    """Return the value of every day from the first record's to `last` (the last closed day).

    `transfer_prices` (by `transfer_key`) and `fill_rates` (by fill id) are the values /pnl
    recorded; what they lack is valued at its day's price.
    """
    events = _ordered(fills, transfers)
    since: dict[str, date] = {}
    for record in events:
        for asset in _assets(record):
            since.setdefault(asset, day_of(record.at_ms))
    others = tuple(u for u in units if u != quote)
    first = day_of(events[0].at_ms) if events else None
    if first is None or first > last:
        held = _Replay(quote, {}, {}, transfer_prices or {}, fill_rates or {}).settle(events)
        return ValueHistory(quote, (), held, since, first, last, others)
    series = {
        asset: (start, price_series(closes, asset, quote, start, last))
        for asset, start in since.items()
        if start <= last
    }
    for unit in others:
        series[unit] = (first, price_series(closes, unit, quote, first, last))
    replay = _Replay(quote, series, {}, transfer_prices or {}, fill_rates or {})
    days = replay.run(events, first, last, others)
    return ValueHistory(quote, days, replay.units, since, first, last, others)


def life_needs(
    fills: Sequence[Fill], transfers: Sequence[Transfer], last: date, units: Sequence[str] = UNITS
) -> dict[str, set[date]]:
    """Return the days each asset's price is needed on to rebuild every day up to `last`: from
    the day it first appears in the history, and each unit's from the first record's day."""
    since: dict[str, date] = {}
    for record in _ordered(fills, transfers):
        for asset in _assets(record):
            since.setdefault(asset, day_of(record.at_ms))
    if not since:
        return {}
    first = min(since.values())
    starts = {**since, **dict.fromkeys(units, first)}
    return {
        asset: {start + timedelta(days=n) for n in range((last - start).days + 1)}
        for asset, start in starts.items()
        if start <= last
    }


def incomplete(values: ValueHistory, portfolio: Portfolio) -> tuple[Incomplete, ...]:
    """Return the assets whose units in the history differ from those held now, compared at
    each asset's display precision. An asset held now that the history never names and that
    has no price now is left alone: no day's value could count it."""
    if values.first is None:
        return ()
    found = []
    held_now = {p.asset: p for p in portfolio.positions}
    for asset in sorted(set(values.held) | set(held_now)):
        position = held_now.get(asset)
        held = ZERO if position is None else position.total
        precision = portfolio.precision(asset) or default_precision(asset)
        explained = values.held.get(asset, ZERO)
        step = Decimal(1).scaleb(-precision)
        if held.quantize(step) == explained.quantize(step):
            continue
        if asset not in values.since and (position is None or position.value is None):
            continue
        found.append(Incomplete(asset, values.since.get(asset, values.first), held, explained))
    return tuple(found)


def incomplete_within(found: Sequence[Incomplete], end: date) -> frozenset[str]:
    """Return the assets whose incomplete span has begun by `end`."""
    return frozenset(i.asset for i in found if i.since <= end)


def _ordered(fills: Sequence[Fill], transfers: Sequence[Transfer]) -> list[Record]:
    """Return the records in time order: at one millisecond deposits, fills, withdrawals."""
    keyed: list[tuple[int, int, int, str, Record]] = [
        (f.at_ms, 1, len(f.id), f.id, f) for f in fills
    ]
    keyed += [(t.at_ms, 0 if t.kind == "deposit" else 2, len(t.id), t.id, t) for t in transfers]
    keyed.sort(key=lambda item: item[:4])
    return [item[4] for item in keyed]


def _assets(record: Record) -> tuple[str, ...]:
    if isinstance(record, Fill):
        return record.numerator, record.denominator, record.fee_currency
    return (record.asset,)


def _end_ms(day: date) -> int:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    return int(start.timestamp()) * 1000


@dataclass
class _Day:
    """What one day's records did, as they are applied."""

    moved_in: Decimal = ZERO
    moved_out: Decimal = ZERO
    fees: Decimal = ZERO
    orders: set[str] = field(default_factory=set)
    touched: set[str] = field(default_factory=set)
    estimated: set[str] = field(default_factory=set)
    loading: set[str] = field(default_factory=set)
    unvalued: set[str] = field(default_factory=set)
    moves_unknown: dict[str, set[str]] = field(default_factory=dict)  # why -> assets moved
    moved_loading: set[str] = field(default_factory=set)  # moved, its price still loading
    fees_loading: set[str] = field(default_factory=set)  # paid in fees, its price loading


@dataclass
class _Replay:
    """The units held as the records are applied, and each day's figures."""

    quote: str
    series: Mapping[str, tuple[date, list[DayPrice]]]
    units: dict[str, Decimal]
    transfer_prices: Mapping[tuple[str, str], TransferPrice]
    fill_rates: Mapping[str, TransferPrice]

    def price(self, asset: str, day: date) -> DayPrice:
        start, prices = self.series[asset]
        return prices[(day - start).days]

    def settle(self, events: Sequence[Record]) -> dict[str, Decimal]:
        """Apply `events` for their units alone; return the units after them."""
        with localcontext(EXACT):
            for record in events:
                self.move(record)
        return self.units

    def run(
        self, events: Sequence[Record], first: date, last: date, others: Sequence[str]
    ) -> tuple[DayValue, ...]:
        days: list[DayValue] = []
        invested, index, day = ZERO, 0, first
        left_out: dict[str, set[str]] = {"loading": set(), "unvalued": set()}
        with localcontext(EXACT):
            while day <= last:
                end, today = _end_ms(day), _Day()
                while index < len(events) and events[index].at_ms < end:
                    self.apply(events[index], day, today)
                    index += 1
                invested += today.moved_in - today.moved_out
                for why, assets in today.moves_unknown.items():
                    left_out[why] |= assets
                figures = self.close(day, today, invested, others)
                days.append(
                    replace(
                        figures,
                        invested_loading=frozenset(left_out["loading"]),
                        invested_unvalued=frozenset(left_out["unvalued"]),
                        moved_loading=frozenset(today.moved_loading),
                        fees_loading=frozenset(today.fees_loading),
                    )
                )
                day += timedelta(days=1)
            for record in events[index:]:  # today's, for the units held now
                self.move(record)
        return tuple(days)

    def close(self, day: date, today: _Day, invested: Decimal, others: Sequence[str]) -> DayValue:
        """Return the day's figures: the units held at its end at its prices."""
        values: dict[str, Decimal] = {}
        unpriced: set[str] = set()
        for asset, amount in self.units.items():
            if amount == 0:
                continue
            price = self.price(asset, day)
            if price.price is None:
                (today.loading if price.state == "loading" else unpriced).add(asset)
                continue
            if price.state == "estimated":
                today.estimated.add(asset)
            values[asset] = amount * price.price
        rates = {
            unit: rate.price for unit in others if (rate := self.price(unit, day)).price is not None
        }
        return DayValue(
            day=day,
            value=sum(values.values(), ZERO),
            invested=invested,
            moved_in=today.moved_in,
            moved_out=today.moved_out,
            fees=today.fees,
            orders=frozenset(today.orders),
            touched=frozenset(today.touched),
            values=values,
            rates=rates,
            estimated=frozenset(today.estimated),
            unpriced=frozenset(unpriced),
            loading=frozenset(today.loading),
            unvalued=frozenset(today.unvalued),
        )

    def apply(self, record: Record, day: date, today: _Day) -> None:
        """Apply one record of `day`: its units, its money moved and its fees."""
        self.move(record)
        today.touched.update(_assets(record))
        if isinstance(record, Fill):
            today.orders.add(record.order_id)
            paid = record.fee + record.tax
            if paid:
                rate = self.fill_rate(record, day, today)
                if rate is not None:
                    today.fees += paid * rate
                elif record.fee_currency in today.loading:
                    today.fees_loading.add(record.fee_currency)
            return
        unit = self.transfer_unit(record, day, today)
        if unit is None:
            why = "loading" if record.asset in today.loading else "unvalued"
            today.moves_unknown.setdefault(why, set()).add(record.asset)
            if why == "loading":
                today.moved_loading.add(record.asset)
            return
        effect = transfer_effect(record) * unit
        if record.kind == "deposit":
            today.moved_in += effect
        else:
            today.moved_out -= effect
        today.fees += (record.fee + record.tax) * unit

    def move(self, record: Record) -> None:
        """Apply a record's effect on the units held."""
        units = self.units
        if isinstance(record, Transfer):
            units[record.asset] = units.get(record.asset, ZERO) + transfer_effect(record)
            return
        sign = 1 if record.side == "buy" else -1
        gross = record.price * record.amount
        units[record.numerator] = units.get(record.numerator, ZERO) + sign * record.amount
        units[record.denominator] = units.get(record.denominator, ZERO) - sign * gross
        fee = record.fee_currency
        units[fee] = units.get(fee, ZERO) - record.fee - record.tax

    def fill_rate(self, fill: Fill, day: date, today: _Day) -> Decimal | None:
        """Return the fee currency's price in the quote for a fill's fee, None if unknown."""
        if fill.fee_currency == self.quote:
            return Decimal(1)
        recorded = self.fill_rates.get(fill.id)
        if recorded is not None and fill.fee_currency == fill.denominator:
            return recorded.unit
        return self.valued(fill.fee_currency, day, today)

    def transfer_unit(self, transfer: Transfer, day: date, today: _Day) -> Decimal | None:
        """Return a transfer's unit value on arrival: as /pnl recorded it, else its day's."""
        if transfer.asset == self.quote:
            return Decimal(1)
        recorded = self.transfer_prices.get(transfer_key(transfer))
        if recorded is not None:
            return recorded.unit
        return self.valued(transfer.asset, day, today)

    def valued(self, asset: str, day: date, today: _Day) -> Decimal | None:
        """Return the asset's price on `day` for money moved, noting what it could not tell."""
        price = self.price(asset, day)
        if price.price is None:
            (today.loading if price.state == "loading" else today.unvalued).add(asset)
        elif price.state == "estimated":
            today.estimated.add(asset)
        return price.price
