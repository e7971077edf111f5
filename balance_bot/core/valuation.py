"""Value balances in the quote currency: its own pair, else through a bridge, else no value.

The bridges are USDT and TRY, BTCTurk's two main quote currencies: in TRY an asset without a
TRY pair is XUSDT × USDTTRY; in USDT one without a USDT pair is XTRY ÷ USDTTRY. A price taken
through a bridge carries its `Route`, so every text that shows it (or a value built on it)
can say so.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from balance_bot.btcturk.models import Balance, Ticker
from balance_bot.core.changes import Holding
from balance_bot.core.numbers import quantize

BRIDGE_CURRENCIES = ("USDT", "TRY")  # tried in this order, skipping the asset and the quote
ONE = Decimal(1)
ZERO = Decimal(0)
DUST_LIMIT = Decimal(1)  # in the quote currency: less is folded into one line


@dataclass(frozen=True, slots=True)
class Route:
    """A price taken through another currency: the asset in `bridge`, times `bridge` in the
    quote currency (GLMR: GLMRUSDT x USDTTRY), because the asset has no usable price of its own.

    `divisor` is set when the bridge's price comes from the inverse pair: the price is then
    `in_bridge / divisor` (XRP in USDT: XRPTRY ÷ USDTTRY), one exact division.
    """

    bridge: str
    in_bridge: Decimal  # one unit of the asset, in `bridge`
    bridge_price: Decimal  # one unit of `bridge`, in the quote currency
    divisor: Decimal | None = None  # one unit of the quote, in `bridge` (the pair's own price)


@dataclass(frozen=True, slots=True)
class Position:
    """One asset the account holds, with its value in the quote currency when known.

    The one record of a holding every consumer reads: amounts, display precision, price,
    value, and what waits for a withdrawal (`request_fund`, when the exchange said).
    """

    asset: str
    name: str
    total: Decimal
    free: Decimal
    locked: Decimal
    precision: int
    price: Decimal | None
    value: Decimal | None
    request_fund: Decimal | None = None
    route: Route | None = None  # how `price` was found, when not through the asset's own pair
    order_fund: Decimal | None = None  # in orders, as the exchange said it (`orderFund`)

    @property
    def withdrawing(self) -> Decimal:
        """Return what is locked by withdrawal requests; 0 when the exchange did not say."""
        fund = self.request_fund
        return fund if fund is not None and 0 < fund <= self.locked else ZERO

    @property
    def in_orders(self) -> Decimal:
        """Return what is locked in orders: `locked` without the withdrawals waiting."""
        return self.locked - self.withdrawing

    @property
    def holding(self) -> Holding:
        """Return the amounts alone, as a snapshot stores and compares them."""
        return Holding(self.asset, self.total, self.free, self.locked, self.precision)

    @property
    def is_priced(self) -> bool:
        """Tell whether the asset could be valued in the quote currency."""
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Portfolio:
    """Every non-zero holding, most valuable first, the total of the valued ones, and the
    price of every listed asset that has one.

    `prices_available` is False when the prices could not be read at all: amounts only.
    `unpriced` names the held assets that had a price in the last read with prices and have
    none now (a pair left out of the ticker list): the total lacks them.
    """

    quote: str
    positions: tuple[Position, ...]
    total: Decimal
    as_of: datetime
    precisions: Mapping[str, int]  # every asset the exchange lists, held or not
    prices: Mapping[str, Decimal]
    prices_available: bool = True
    unpriced: tuple[str, ...] = ()
    routes: Mapping[str, Route] = field(default_factory=dict)  # the prices not of their own pair
    switched: frozenset[str] = frozenset()  # routed now, priced through their own pair before
    _by_asset: Mapping[str, Position] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_asset", {p.asset: p for p in self.positions})

    @property
    def known_assets(self) -> Collection[str]:
        """Return every asset the exchange lists for the account, zero ones included."""
        return self.precisions.keys()

    def holdings(self) -> dict[str, Holding]:
        """Return the snapshot of the held assets: asset -> amounts."""
        return {p.asset: p.holding for p in self.positions}

    def precision(self, asset: str) -> int | None:
        """Return the display precision of a listed asset, or None when it is not listed."""
        return self.precisions.get(asset)

    @property
    def total_complete(self) -> bool:
        """Tell whether `total` values everything that can be valued: safe to compare."""
        return self.prices_available and not self.unpriced

    def position(self, asset: str) -> Position | None:
        """Return the holding of `asset` (any case), or None when it is not held."""
        return self._by_asset.get(asset.upper())

    def route(self, asset: str) -> Route | None:
        """Return how the price of `asset` was found, or None: its own pair (or no price)."""
        return self.routes.get(asset.upper())


def last_prices(tickers: Iterable[Ticker]) -> dict[tuple[str, str], Decimal]:
    """Index the last traded price of every pair by (numerator, denominator)."""
    return {(t.numerator, t.denominator): t.last for t in tickers if t.last > 0}


def price_in(asset: str, quote: str, last: dict[tuple[str, str], Decimal]) -> Decimal | None:
    """Return the price of one `asset` in `quote`: direct, inverse, via a bridge, or None."""
    found = priced(asset, quote, last)
    return None if found is None else found[0]


def priced(
    asset: str, quote: str, last: dict[tuple[str, str], Decimal]
) -> tuple[Decimal, Route | None] | None:
    """Return the price of one `asset` in `quote` and the route it took (None: its own pair)."""
    if asset == quote:
        return ONE, None
    own = _own(asset, quote, last)
    if own is not None:
        return own, None
    for bridge in BRIDGE_CURRENCIES:
        if bridge in (asset, quote):
            continue
        in_bridge = last.get((asset, bridge))
        if in_bridge is None:
            continue
        direct = last.get((bridge, quote))
        if direct is not None:
            return in_bridge * direct, Route(bridge, in_bridge, direct)
        divisor = last.get((quote, bridge))
        if divisor is not None:
            return in_bridge / divisor, Route(bridge, in_bridge, ONE / divisor, divisor)
    return None


def _own(asset: str, quote: str, last: dict[tuple[str, str], Decimal]) -> Decimal | None:
    """Return the price from the pair of `asset` and `quote`, either way round."""
    direct = last.get((asset, quote))
    if direct is not None:
        return direct
    inverse = last.get((quote, asset))
    return None if inverse is None else ONE / inverse


def value_portfolio(
    balances: Sequence[Balance],
    tickers: Sequence[Ticker] | None,
    quote: str,
    as_of: datetime,
    *,
    priced_before: Collection[str] = frozenset(),
    direct_before: Collection[str] = frozenset(),
) -> Portfolio:
    """Combine balances and tickers (None: unavailable) into a Portfolio valued in `quote`.

    `priced_before`: the assets that had a price in the last read with prices;
    `direct_before`: those whose price came from their own pair then.
    """
    last = last_prices(tickers or ())
    found = {
        row.asset: taken
        for row in balances
        if (taken := priced(row.asset, quote, last)) is not None
    }
    prices = {asset: price for asset, (price, _) in found.items()}
    routes = {asset: route for asset, (_, route) in found.items() if route is not None}
    positions = []
    for row in balances:
        if row.balance == 0:
            continue
        price, route = found.get(row.asset, (None, None))
        positions.append(
            Position(
                asset=row.asset,
                name=row.asset_name,
                total=row.balance,
                free=row.free,
                locked=row.locked,
                precision=row.precision,
                price=price,
                value=None if price is None else row.balance * price,
                request_fund=row.request_fund,
                route=route,
                order_fund=row.order_fund,
            )
        )
    positions.sort(key=lambda p: (p.value is None, -(p.value or 0), p.asset))
    total = sum((p.value for p in positions if p.value is not None), Decimal(0))
    available = tickers is not None
    return Portfolio(
        quote=quote,
        positions=tuple(positions),
        total=total,
        as_of=as_of,
        precisions={row.asset: row.precision for row in balances},
        prices=prices,
        prices_available=available,
        routes=routes,
        switched=frozenset(routes) & frozenset(direct_before),
        unpriced=tuple(
            p.asset for p in positions if available and p.price is None and p.asset in priced_before
        ),
    )


def total_routes(portfolio: Portfolio) -> dict[str, Route]:
    """Return the routes a total names: of the holdings worth a line of their own (as /balance
    names them) whose price came from their own pair before and through another now (a total
    that moved because the route did); an asset that never had a pair of its own, GLMR, is
    named where its own value or price is shown, not under every total."""
    return {
        p.asset: p.route
        for p in portfolio.positions
        if p.route is not None
        and p.asset in portfolio.switched
        and p.value is not None
        and not is_dust(p)
    }


def is_dust(position: Position) -> bool:
    """Tell whether a holding is too small to deserve its own line (a negative one never is)."""
    if position.value is not None:
        return 0 <= position.value < DUST_LIMIT
    return quantize(position.total, position.precision) == 0
