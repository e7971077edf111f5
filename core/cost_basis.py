"""Cost basis and profit and loss per asset, in the quote currency, from the exchange's history.

Pure and Decimal only. Every fill is two legs: the numerator bought or sold, and, when the
denominator is not the quote currency (an `XUSDT` fill), the denominator spent or received.
A leg's value in the quote currency is its amount at the fill's price, converted at the
denominator's rate at the fill's time (`price_at`, supplied by the caller).

- A buy's fee and tax raise its cost; a sell's lower its proceeds.
- A crypto deposit takes its market value at the deposit's time as its cost; the asset is
  marked `estimated`. A withdrawal (its fee and tax too) takes units out at the current basis.
- `average` keeps one pool per asset; `fifo` keeps lots, the oldest sold first.

An asset whose history cannot be followed (a sale of more than was bought, a value that could
not be priced) is `broken`; `accounts_for` tells whether the history explains what is held.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Literal

from btcturk.models import Fill, Transfer

Method = Literal["average", "fifo"]
METHODS: tuple[Method, ...] = ("average", "fifo")
PriceAt = Callable[[str, int], Decimal | None]  # (asset, ms) -> its price in the quote, or None
ZERO = Decimal(0)
PRECISION = 40  # significant digits inside the engine: sums stay exact to far below display


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
class Charge:
    """A fee and tax paid, valued in the quote currency."""

    record_id: str
    asset: str  # the asset the fill or transfer was about
    at_ms: int
    fee: Decimal
    tax: Decimal


@dataclass
class AssetBasis:
    """One asset's position as the history builds it."""

    asset: str
    method: Method
    units: Decimal = ZERO
    cost: Decimal = ZERO  # the basis of the units held
    bought: Decimal = ZERO  # units in: buys and deposits
    sold: Decimal = ZERO  # units out: sells and withdrawals
    invested: Decimal = ZERO  # every cost added, deposits' estimates included
    estimated: bool = False  # part of the cost is the market value of a deposit
    broken: bool = False  # the history sold more than it held, or a value was unknown
    sales: list[Sale] = field(default_factory=list)
    lots: deque[tuple[Decimal, Decimal]] = field(default_factory=deque)  # fifo: (units, cost)

    @property
    def average_cost(self) -> Decimal | None:
        """Return the cost of one unit held, None when none is held."""
        return self.cost / self.units if self.units > 0 else None

    def realized(self, start_ms: int | None = None, end_ms: int | None = None) -> Decimal:
        """Return the realized P&L of the sales with start_ms <= time < end_ms."""
        return sum(
            (
                s.pnl
                for s in self.sales
                if (start_ms is None or s.at_ms >= start_ms)
                and (end_ms is None or s.at_ms < end_ms)
            ),
            ZERO,
        )

    def unrealized(self, price: Decimal) -> Decimal:
        """Return what the units held would gain over their basis at `price`."""
        return self.units * price - self.cost

    def add(self, amount: Decimal, cost: Decimal) -> None:
        """Take in `amount` units that cost `cost`."""
        self.units += amount
        self.cost += cost
        self.bought += amount
        self.invested += cost
        if self.method == "fifo":
            self.lots.append((amount, cost))

    def remove(self, amount: Decimal) -> Decimal:
        """Take out `amount` units; return the basis they carried."""
        self.sold += amount
        if amount > self.units:
            self.broken = True  # sold what the history never brought in
        if self.method == "fifo":
            basis = self._take_lots(amount)
        else:
            basis = self.cost if amount >= self.units else self.cost * amount / self.units
        self.units -= amount
        self.cost -= basis
        if self.units <= 0:
            self.cost = ZERO if self.units == 0 else self.cost
        return basis

    def _take_lots(self, amount: Decimal) -> Decimal:
        basis, left = ZERO, amount
        while left > 0 and self.lots:
            units, cost = self.lots[0]
            if units <= left:
                self.lots.popleft()
                basis += cost
                left -= units
            else:
                part = cost * left / units
                self.lots[0] = (units - left, cost - part)
                basis += part
                left = ZERO
        return basis


@dataclass(frozen=True, slots=True)
class CostBasis:
    """Every asset's basis, the fees paid, and the method used."""

    quote: str
    method: Method
    assets: Mapping[str, AssetBasis]
    charges: tuple[Charge, ...]

    def fees(self, start_ms: int | None = None, end_ms: int | None = None) -> Decimal:
        """Return the fees and taxes paid with start_ms <= time < end_ms, in the quote."""
        return sum(
            (
                c.fee + c.tax
                for c in self.charges
                if (start_ms is None or c.at_ms >= start_ms)
                and (end_ms is None or c.at_ms < end_ms)
            ),
            ZERO,
        )


def build_cost_basis(
    fills: Iterable[Fill],
    transfers: Iterable[Transfer],
    quote: str,
    price_at: PriceAt,
    *,
    method: Method = "average",
) -> CostBasis:
    """Return each asset's cost basis from the history, in time order.

    At the same ms, deposits come first and withdrawals last: money arrives before it is used.
    """
    if method not in METHODS:
        raise ValueError(f"unknown cost basis method {method!r}")
    events: list[tuple[int, int, str, Fill | Transfer]] = [(f.at_ms, 1, f.id, f) for f in fills]
    events += [(t.at_ms, 0 if t.kind == "deposit" else 2, t.id, t) for t in transfers]
    events.sort(key=lambda event: (event[0], event[1], len(event[2]), event[2]))
    assets: dict[str, AssetBasis] = {}
    charges: list[Charge] = []

    def basis(asset: str) -> AssetBasis:
        return assets.setdefault(asset, AssetBasis(asset, method))

    with localcontext() as context:
        context.prec = PRECISION
        for _, _, _, record in events:
            if isinstance(record, Fill):
                _apply_fill(record, quote, price_at, basis, charges)
            else:
                _apply_transfer(record, quote, price_at, basis, charges)
    return CostBasis(quote, method, assets, tuple(charges))


def _rate(currency: str, quote: str, at_ms: int, price_at: PriceAt) -> Decimal | None:
    return Decimal(1) if currency == quote else price_at(currency, at_ms)


def _apply_fill(
    fill: Fill,
    quote: str,
    price_at: PriceAt,
    basis: Callable[[str], AssetBasis],
    charges: list[Charge],
) -> None:
    gross = fill.price * fill.amount  # in the denominator
    paid = fill.fee + fill.tax  # in fee_currency, the denominator
    rate = _rate(fill.denominator, quote, fill.at_ms, price_at)
    if rate is None or fill.fee_currency != fill.denominator:
        for asset in (fill.numerator, fill.denominator):
            if asset != quote:
                basis(asset).broken = True  # a value in the quote cannot be told
        return
    charges.append(Charge(fill.id, fill.numerator, fill.at_ms, fill.fee * rate, fill.tax * rate))
    if fill.side == "buy":
        spent = gross + paid
        if fill.numerator != quote:
            basis(fill.numerator).add(fill.amount, spent * rate)
        if fill.denominator != quote:
            _dispose(basis(fill.denominator), fill.id, fill.at_ms, spent, spent * rate)
    else:
        received = gross - paid
        if fill.numerator != quote:
            _dispose(basis(fill.numerator), fill.id, fill.at_ms, fill.amount, received * rate)
        if fill.denominator != quote:
            basis(fill.denominator).add(received, received * rate)


def _apply_transfer(
    transfer: Transfer,
    quote: str,
    price_at: PriceAt,
    basis: Callable[[str], AssetBasis],
    charges: list[Charge],
) -> None:
    rate = _rate(transfer.asset, quote, transfer.at_ms, price_at)
    if transfer.fee or transfer.tax:
        if rate is None:
            basis(transfer.asset).broken = True
        else:
            charges.append(
                Charge(
                    transfer.id,
                    transfer.asset,
                    transfer.at_ms,
                    transfer.fee * rate,
                    transfer.tax * rate,
                )
            )
    if transfer.asset == quote:
        return
    position = basis(transfer.asset)
    if transfer.kind == "deposit":
        if rate is None:
            position.broken = True
            position.add(transfer.amount, ZERO)
        else:
            position.add(transfer.amount, transfer.amount * rate)
        position.estimated = True
    else:
        position.remove(transfer.amount + transfer.fee + transfer.tax)


def _dispose(
    position: AssetBasis, record_id: str, at_ms: int, amount: Decimal, proceeds: Decimal
) -> None:
    cost = position.remove(amount)
    known = not position.broken  # sold more than came in, or came in at an unknown cost
    position.sales.append(Sale(record_id, position.asset, at_ms, amount, proceeds, cost, known))


def accounts_for(position: AssetBasis, held: Decimal, precision: int) -> bool:
    """Tell whether the history explains the `held` units, compared at display precision."""
    if position.broken:
        return False
    step = Decimal(1).scaleb(-precision)
    return position.units.quantize(step) == held.quantize(step)
