"""Cost basis and profit and loss per asset, in the quote currency, from the exchange's history.

Pure and Decimal only. Every fill is two legs: the numerator bought or sold, and, when the
denominator is not the quote currency (an `XUSDT` fill), the denominator spent or received.
A leg's value in the quote currency is its amount at the fill's price, converted at the
denominator's rate at the fill's time: the rate the caller recorded for that fill
(`fill_rates`), else `price_at`, supplied by the caller.

- A buy's fee and tax raise its cost; a sell's lower its proceeds.
- A crypto deposit takes its value at the deposit's time as its cost: the price the caller
  recorded for it (`transfer_prices`), else the day's close (`price_at`); the asset is marked
  `estimated`, and `from_close` for a day's close. A cost valued at a price the bot saw at the
  time (a recorded price or rate whose source is "seen") marks the asset `seen`. A withdrawal
  (its fee and tax too) takes units out at the current basis.
- `average` keeps one pool per asset; `fifo` keeps lots, the oldest sold first.

Units always follow the history. A value that cannot be told in the quote currency (no rate,
no price for the day) leaves only what depends on it unknown, with the reason (`Unknown`):
the cost of the units it brought in (until they are gone), the P&L of the sale it belongs to,
the fee it paid. The other leg of the fill keeps its units and its basis. An asset whose
history sold more than it held is `broken`; `accounts_for` tells whether the history explains
what is held.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Literal

from balance_bot.btcturk.models import Fill, Transfer

Method = Literal["average", "fifo"]
METHODS: tuple[Method, ...] = ("average", "fifo")
PriceAt = Callable[[str, int], Decimal | None]  # (asset, ms) -> its price in the quote, or None
Unknown = Literal["history", "price", "past_price", "loading", "today"]
"""Why a figure is not known: the history does not account for the units held; no price now;
no price for a past day; the day's prices are still being read; the value of a transaction of
today, which the day's close tells once the day is over."""
UNKNOWNS: tuple[Unknown, ...] = (
    "history",
    "past_price",
    "price",
    "loading",
    "today",
)  # gravest first
Missing = Callable[[str, int], Unknown]  # (asset, ms) -> why `price_at` has no price
PriceSource = Literal["seen", "close"]  # the price the bot read then, or the day's close
SEEN: PriceSource = "seen"
ZERO = Decimal(0)
PRECISION = 40  # significant digits inside the engine: sums stay exact to far below display


def gravest(reasons: Iterable[Unknown | None]) -> Unknown | None:
    """Return the most lasting of `reasons` (None when there is none)."""
    found = {r for r in reasons if r is not None}
    return next((r for r in UNKNOWNS if r in found), None)


def _past_price(asset: str, at_ms: int) -> Unknown:
    return "past_price"


@dataclass(frozen=True, slots=True)
class TransferPrice:
    """The price of one unit at a record's time, in the quote currency, and where it is from:
    a deposit's or withdrawal's asset, or the currency a fill was paid in (its rate)."""

    unit: Decimal
    source: PriceSource


def transfer_key(transfer: Transfer) -> tuple[str, str]:
    """Return a transfer's identity: its book ("crypto" or "fiat") and the exchange's id."""
    return ("fiat" if transfer.fiat else "crypto", transfer.id)


@dataclass(frozen=True, slots=True)
class Sale:
    """Units disposed of by a sell (or spent by a buy on another quote): realized P&L."""

    record_id: str
    asset: str
    at_ms: int
    amount: Decimal
    proceeds: Decimal  # in the quote currency, fee and tax taken off
    cost: Decimal  # the basis the units carried
    known: bool = True  # False: the history does not show what (some of) these units cost

    @property
    def pnl(self) -> Decimal:
        """Return the realized profit (negative: a loss)."""
        return self.proceeds - self.cost


@dataclass(frozen=True, slots=True)
class Unvalued:
    """A sale, or a fee, whose value in the quote currency cannot be told, and why."""

    record_id: str
    asset: str
    at_ms: int
    why: Unknown


@dataclass(frozen=True, slots=True)
class Charge:
    """A fee and tax paid, valued in the quote currency."""

    record_id: str
    asset: str  # the asset the fill or transfer was about
    at_ms: int
    fee: Decimal
    tax: Decimal
    pair: str = ""  # a fill's pair ("USDTTRY"); "" for a transfer


@dataclass(slots=True)
class Lot:
    """Units bought together (fifo); `why` tells why their cost is unknown, None when known."""

    units: Decimal
    cost: Decimal
    why: Unknown | None = None


@dataclass
class AssetBasis:
    """One asset's position as the history builds it."""

    asset: str
    method: Method
    units: Decimal = ZERO
    cost: Decimal = ZERO  # the basis of the units held (when `cost_unknown` is None)
    bought: Decimal = ZERO  # units in: buys and deposits
    sold: Decimal = ZERO  # units out: sells and withdrawals
    invested: Decimal = ZERO  # every known cost added, deposits' values included
    estimated: bool = False  # part of the cost is the value of a deposit
    from_close: bool = False  # ... taken from its day's closing price, not seen at the time
    seen: bool = False  # part of the cost is valued at a price the bot saw at the time
    broken: bool = False  # the history sold more than it held
    cost_unknown: Unknown | None = None  # why the basis of the units held is not known
    sales: list[Sale] = field(default_factory=list)
    unvalued: list[Unvalued] = field(default_factory=list)  # disposals of unknown P&L
    lots: deque[Lot] = field(default_factory=deque)  # fifo

    @property
    def average_cost(self) -> Decimal | None:
        """Return the cost of one unit held, None when none is held or it is unknown."""
        if self.units <= 0 or self.cost_unknown is not None:
            return None
        return self.cost / self.units

    def realized(self, start_ms: int | None = None, end_ms: int | None = None) -> Decimal:
        """Return the realized P&L of the valued sales with start_ms <= time < end_ms."""
        return sum((s.pnl for s in self.sales if _within(s.at_ms, start_ms, end_ms)), ZERO)

    def realized_unknown(
        self, start_ms: int | None = None, end_ms: int | None = None
    ) -> Unknown | None:
        """Return why the realized P&L of the span is not known; None when it is."""
        return gravest(u.why for u in self.unvalued if _within(u.at_ms, start_ms, end_ms))

    def unrealized(self, price: Decimal) -> Decimal:
        """Return what the units held would gain over their basis at `price`."""
        return self.units * price - self.cost

    def add(self, amount: Decimal, cost: Decimal | None, why: Unknown = "past_price") -> None:
        """Take in `amount` units that cost `cost` (None: unknown, for `why`)."""
        self.units += amount
        self.bought += amount
        if cost is not None:
            self.cost += cost
            self.invested += cost
        if self.method == "fifo":
            self.lots.append(Lot(amount, cost or ZERO, None if cost is not None else why))
            self._settle_lots()
        elif cost is None:
            self.cost_unknown = gravest((self.cost_unknown, why))

    def remove(self, amount: Decimal) -> tuple[Decimal | None, Unknown | None]:
        """Take out `amount` units; return the basis they carried (None: unknown, and why)."""
        self.sold += amount
        if amount > self.units:
            self.broken = True  # sold what the history never brought in
        basis: Decimal | None
        if self.method == "fifo":
            basis, why = self._take_lots(amount)
        elif self.cost_unknown is not None:
            basis, why = None, self.cost_unknown
        else:
            basis = self.cost if amount >= self.units else self.cost * amount / self.units
            why = None
        self.units -= amount
        if basis is not None:
            self.cost -= basis
        if self.units == 0 or (self.units < 0 and self.cost_unknown is not None):
            self.cost, self.cost_unknown = ZERO, None  # nothing left whose cost is unknown
        if self.method == "fifo":
            self._settle_lots()
        return basis, why

    def _take_lots(self, amount: Decimal) -> tuple[Decimal | None, Unknown | None]:
        basis, left, why = ZERO, amount, None
        while left > 0 and self.lots:
            lot = self.lots[0]
            why = gravest((why, lot.why))
            if lot.units <= left:
                self.lots.popleft()
                basis += lot.cost
                left -= lot.units
            else:
                part = lot.cost * left / lot.units
                self.lots[0] = Lot(lot.units - left, lot.cost - part, lot.why)
                basis += part
                left = ZERO
        return (basis, None) if why is None else (None, why)

    def _settle_lots(self) -> None:
        """Keep `cost` and `cost_unknown` those of the lots held."""
        self.cost = sum((lot.cost for lot in self.lots), ZERO)
        self.cost_unknown = gravest(lot.why for lot in self.lots)


def _within(at_ms: int, start_ms: int | None, end_ms: int | None) -> bool:
    return (start_ms is None or at_ms >= start_ms) and (end_ms is None or at_ms < end_ms)


@dataclass(frozen=True, slots=True)
class CostBasis:
    """Every asset's basis, the fees paid, and the method used."""

    quote: str
    method: Method
    assets: Mapping[str, AssetBasis]
    charges: tuple[Charge, ...]
    unvalued_charges: tuple[Unvalued, ...] = ()  # fees whose value cannot be told

    def fees(self, start_ms: int | None = None, end_ms: int | None = None) -> Decimal:
        """Return the valued fees and taxes paid with start_ms <= time < end_ms, in the quote."""
        return sum(
            (c.fee + c.tax for c in self.charges if _within(c.at_ms, start_ms, end_ms)), ZERO
        )


def build_cost_basis(
    fills: Iterable[Fill],
    transfers: Iterable[Transfer],
    quote: str,
    price_at: PriceAt,
    *,
    method: Method = "average",
    transfer_prices: Mapping[tuple[str, str], TransferPrice] | None = None,
    missing: Missing = _past_price,
    fill_rates: Mapping[str, TransferPrice] | None = None,
) -> CostBasis:
    """Return each asset's cost basis from the history, in time order.

    `transfer_prices` (by `transfer_key`) value deposits and withdrawals, and `fill_rates` (by
    fill id) the currency a fill was paid in, before `price_at` does; `missing` tells why
    `price_at` has no price. At the same ms, deposits come first and withdrawals last: money
    arrives before it is used.
    """
    if method not in METHODS:
        raise ValueError(f"unknown cost basis method {method!r}")
    events: list[tuple[int, int, str, Fill | Transfer]] = [(f.at_ms, 1, f.id, f) for f in fills]
    events += [(t.at_ms, 0 if t.kind == "deposit" else 2, t.id, t) for t in transfers]
    events.sort(key=lambda event: (event[0], event[1], len(event[2]), event[2]))
    book = _Book(quote, method, price_at, missing, transfer_prices or {}, fill_rates or {})
    with localcontext() as context:
        context.prec = PRECISION
        for _, _, _, record in events:
            if isinstance(record, Fill):
                book.fill(record)
            else:
                book.transfer(record)
    return CostBasis(quote, method, book.assets, tuple(book.charges), tuple(book.unvalued_charges))


@dataclass
class _Book:
    """The positions as the records are applied one by one."""

    quote: str
    method: Method
    price_at: PriceAt
    missing: Missing
    transfer_prices: Mapping[tuple[str, str], TransferPrice]
    fill_rates: Mapping[str, TransferPrice]
    assets: dict[str, AssetBasis] = field(default_factory=dict)
    charges: list[Charge] = field(default_factory=list)
    unvalued_charges: list[Unvalued] = field(default_factory=list)

    def basis(self, asset: str) -> AssetBasis:
        return self.assets.setdefault(asset, AssetBasis(asset, self.method))

    def rate(self, currency: str, at_ms: int) -> tuple[Decimal | None, Unknown]:
        if currency == self.quote:
            return Decimal(1), "past_price"
        rate = self.price_at(currency, at_ms)
        return rate, ("past_price" if rate is not None else self.missing(currency, at_ms))

    def charge(
        self,
        record_id: str,
        asset: str,
        at_ms: int,
        fee: Decimal,
        tax: Decimal,
        rate: Decimal | None,
        why: Unknown,
        pair: str = "",
    ) -> None:
        if not fee and not tax:
            return
        if rate is None:
            self.unvalued_charges.append(Unvalued(record_id, asset, at_ms, why))
        else:
            self.charges.append(Charge(record_id, asset, at_ms, fee * rate, tax * rate, pair))

    def fill(self, fill: Fill) -> None:
        if fill.fee_currency != fill.denominator:  # cannot happen on BTCTurk's pairs
            for asset in (fill.numerator, fill.denominator):
                if asset != self.quote:
                    self.basis(asset).broken = True  # units cannot be followed
            return
        recorded = self.fill_rates.get(fill.id)
        rate: Decimal | None
        why: Unknown
        if recorded is not None:
            rate, why = recorded.unit, "past_price"
        else:
            rate, why = self.rate(fill.denominator, fill.at_ms)
        seen = recorded is not None and recorded.source == SEEN and rate is not None
        gross = fill.price * fill.amount  # in the denominator
        paid = fill.fee + fill.tax
        pair = fill.numerator + fill.denominator
        self.charge(fill.id, fill.numerator, fill.at_ms, fill.fee, fill.tax, rate, why, pair)
        if fill.side == "buy":
            spent = gross + paid
            value = None if rate is None else spent * rate
            if fill.numerator != self.quote:
                self.basis(fill.numerator).add(fill.amount, value, why)
                self.basis(fill.numerator).seen |= seen
            if fill.denominator != self.quote:
                self.dispose(fill.denominator, fill, spent, value, why)
        else:
            received = gross - paid
            value = None if rate is None else received * rate
            if fill.numerator != self.quote:
                self.dispose(fill.numerator, fill, fill.amount, value, why)
            if fill.denominator != self.quote:
                self.basis(fill.denominator).add(received, value, why)
                self.basis(fill.denominator).seen |= seen

    def transfer(self, transfer: Transfer) -> None:
        recorded = self.transfer_prices.get(transfer_key(transfer))
        if recorded is not None:
            unit: Decimal | None = recorded.unit
            why: Unknown = "past_price"
        else:
            unit, why = self.rate(transfer.asset, transfer.at_ms)
        self.charge(
            transfer.id, transfer.asset, transfer.at_ms, transfer.fee, transfer.tax, unit, why
        )
        if transfer.asset == self.quote:
            return
        position = self.basis(transfer.asset)
        if transfer.kind == "withdrawal":
            position.remove(transfer.amount + transfer.fee + transfer.tax)
            return
        position.add(transfer.amount, None if unit is None else transfer.amount * unit, why)
        if unit is not None:
            position.estimated = True
            position.seen |= recorded is not None and recorded.source == SEEN
            position.from_close |= recorded is None or recorded.source == "close"

    def dispose(
        self, asset: str, fill: Fill, amount: Decimal, proceeds: Decimal | None, why: Unknown
    ) -> None:
        position = self.basis(asset)
        cost, cost_why = position.remove(amount)
        if proceeds is None or cost is None:
            reason = why if proceeds is None else (cost_why or why)
            position.unvalued.append(Unvalued(fill.id, asset, fill.at_ms, reason))
        else:
            known = not position.broken  # sold more than came in: the rest's cost is unknown
            position.sales.append(Sale(fill.id, asset, fill.at_ms, amount, proceeds, cost, known))


def accounts_for(position: AssetBasis, held: Decimal, precision: int) -> bool:
    """Tell whether the history explains the `held` units, compared at display precision."""
    if position.broken:
        return False
    step = Decimal(1).scaleb(-precision)
    return position.units.quantize(step) == held.quantize(step)
