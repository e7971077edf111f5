"""The /pnl figures: each asset's cost basis beside its position now. Pure, Decimal only.

An asset is shown when it is held, when it realized P&L this year, or when it paid fees this
year. A figure that cannot be told is None, with its reason in `PnlRow.why`:
- every figure of an asset whose history does not account for the units held ("history",
  see `core.cost_basis.accounts_for`);
- the unrealized P&L without a price now ("price"), or while the cost is unknown;
- the cost, the realized P&L or the fees that hang on a value the daily prices cannot give
  (yet): "past_price", "loading", "today".
An asset whose history a crowded moment cut (more fills at one millisecond than BTCTurk
returns, `crowded`) keeps the realized P&L and fees of before that moment, which do not
depend on what is missing: its row is still incomplete, with `until_ms` set, and the realized
total counts it up to then (`counted_until`).
Each total adds up exactly the assets it does not name in its `*_without` list: the realized
P&L every asset's whose realized P&L is known, the fees every asset's whose fees are known
(an asset whose realized P&L waits for a price may well know its fees, and the reverse),
and those paid on the quote currency itself (`own_fees`: its own transfers, and fills whose
bought or sold asset is the quote, such as USDTTRY in USDT), which no row shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from balance_bot.core.cost_basis import (
    AssetBasis,
    CostBasis,
    Method,
    Unknown,
    accounts_for,
    gravest,
)
from balance_bot.core.percent import percent_of
from balance_bot.core.valuation import Portfolio, Position

ZERO = Decimal(0)
HISTORY_PRECISION = 8  # the units of `history_portfolio`, compared with themselves
Left = tuple[tuple[str, Unknown], ...]  # (asset, why) of the assets a total leaves out
# The figures of a row, as `PnlRow.why` names them.
COST, UNREALIZED, REALIZED_YEAR, REALIZED_ALL, FEES_YEAR = (
    "cost",
    "unrealized",
    "realized_year",
    "realized_all",
    "fees_year",
)
FIGURES = (COST, UNREALIZED, REALIZED_YEAR, REALIZED_ALL, FEES_YEAR)


@dataclass(frozen=True, slots=True)
class PnlRow:
    """One asset's P&L; a figure is None where it cannot be told, and `why` says why."""

    asset: str
    precision: int
    units: Decimal
    complete: bool  # the history accounts for the units held
    estimated: bool  # part of the cost is a deposit's value
    average_cost: Decimal | None
    price: Decimal | None
    unrealized: Decimal | None
    unrealized_pct: Decimal | None
    realized_year: Decimal | None
    realized_all: Decimal | None
    fees_year: Decimal | None
    from_close: bool = False  # ... some of it at the deposit's day's closing price
    seen: bool = False  # part of the cost is valued at a price the bot saw at the time
    why: Mapping[str, Unknown] = field(default_factory=dict)  # figure name -> why unknown
    until_ms: int | None = None  # incomplete from this crowded moment on; realized up to it

    @property
    def weight(self) -> Decimal:
        """Return the absolute P&L the rows are sorted by."""
        return abs((self.unrealized or ZERO) + (self.realized_year or ZERO))

    def reason(self, *names: str) -> Unknown | None:
        """Return the gravest reason among the figures `names` (None: all known)."""
        return gravest(self.why.get(name) for name in names)

    @property
    def cost_why(self) -> Unknown | None:
        """Return why the average cost of the units held is unknown."""
        return self.reason(COST)

    @property
    def unrealized_why(self) -> Unknown | None:
        """Return why the unrealized P&L is unknown."""
        return self.reason(UNREALIZED)

    @property
    def realized_year_why(self) -> Unknown | None:
        """Return why the realized P&L of the year is unknown."""
        return self.reason(REALIZED_YEAR)

    @property
    def before_year_why(self) -> Unknown | None:
        """Return why the all-time realized P&L or the year's fees are unknown."""
        return self.reason(REALIZED_ALL, FEES_YEAR)

    @property
    def realized_why(self) -> Unknown | None:
        """Return why any realized figure (the year's, all time, the fees) is unknown."""
        return self.reason(REALIZED_YEAR, REALIZED_ALL, FEES_YEAR)


@dataclass(frozen=True, slots=True)
class PnlReport:
    """Every asset's row, most P&L first, and the totals of the assets they do not leave out."""

    quote: str
    method: Method
    year: int
    rows: tuple[PnlRow, ...]
    unrealized: Decimal
    cost: Decimal  # the basis behind `unrealized`
    realized_year: Decimal
    fees_year: Decimal  # fees and taxes of the year, of every asset whose fees are known
    unrealized_without: Left = ()  # held assets whose unrealized P&L is not in `unrealized`
    realized_without: Left = ()  # assets whose realized P&L is not in `realized_year`
    fees_without: Left = ()  # assets whose fees are not in `fees_year`
    own_fees: Decimal = ZERO  # the part of `fees_year` on no row: paid on the quote itself
    own_fees_on: tuple[str, ...] = ()  # ... on the fills of these pairs, and "" transfers
    counted_until: tuple[tuple[str, int], ...] = ()  # assets counted up to a crowded moment

    @property
    def unrealized_pct(self) -> Decimal | None:
        """Return the unrealized P&L as a share of its cost, in %."""
        return percent_of(self.unrealized, self.cost) if self.cost > 0 else None

    @property
    def unrealized_known(self) -> bool:
        """Tell whether the unrealized total covers at least one asset, or nothing is held."""
        return not self.unrealized_without or any(r.unrealized is not None for r in self.rows)


def pnl_report(
    basis: CostBasis,
    portfolio: Portfolio,
    year: int,
    year_start_ms: int,
    year_end_ms: int,
    crowded: Mapping[str, int] | None = None,
) -> PnlReport:
    """Return the P&L of every held asset (and of those that sold or paid fees this year).

    `crowded`: the first moment (ms) at which the history returned a full answer of rows
    touching an asset (more may have been made then)."""
    quote = basis.quote
    span = (year_start_ms, year_end_ms)
    held = {p.asset: p for p in portfolio.positions if p.asset != quote}
    active = {
        asset
        for asset, position in basis.assets.items()
        if any(_in(s.at_ms, span) for s in position.sales)
        or any(_in(u.at_ms, span) for u in position.unvalued)
    }
    active |= {c.asset for c in basis.charges if c.asset != quote and _in(c.at_ms, span)}
    active |= {c.asset for c in basis.unvalued_charges if c.asset != quote and _in(c.at_ms, span)}
    rows = []
    for asset in sorted(held.keys() | active):
        position = held.get(asset)
        units = ZERO if position is None else position.total
        precision = portfolio.precision(asset) or (8 if position is None else position.precision)
        price = portfolio.prices.get(asset)
        row = _row(asset, basis.assets.get(asset), units, precision, price, basis, span)
        cut = (crowded or {}).get(asset)
        if not row.complete and cut is not None:
            row = _before(row, basis.assets.get(asset), basis, span, cut)
        rows.append(row)
    rows.sort(key=lambda r: (not r.complete, -r.weight, r.asset))
    unrealized = [r for r in rows if r.unrealized is not None]
    realized = [r for r in rows if r.realized_year is not None]
    charged = [r for r in rows if r.fees_year is not None]
    own = [c for c in basis.charges if c.asset == quote and _in(c.at_ms, span)]
    own_fees = sum((c.fee + c.tax for c in own), ZERO)
    return PnlReport(
        quote=quote,
        method=basis.method,
        year=year,
        rows=tuple(rows),
        unrealized=sum((r.unrealized for r in unrealized if r.unrealized is not None), ZERO),
        cost=sum((basis.assets[r.asset].cost for r in unrealized), ZERO),
        realized_year=sum((r.realized_year for r in realized if r.realized_year is not None), ZERO),
        fees_year=own_fees + sum((r.fees_year for r in charged if r.fees_year is not None), ZERO),
        unrealized_without=tuple(
            (r.asset, r.unrealized_why or "history")
            for r in rows
            if r.unrealized is None and r.units > 0
        ),
        realized_without=tuple(
            (r.asset, r.realized_year_why or "history") for r in rows if r.realized_year is None
        ),
        fees_without=tuple(
            (r.asset, r.reason(FEES_YEAR) or "history") for r in rows if r.fees_year is None
        ),
        own_fees=own_fees,
        own_fees_on=tuple(sorted({c.pair for c in own}, key=lambda pair: (not pair, pair))),
        counted_until=tuple(
            (r.asset, r.until_ms)
            for r in rows
            if r.until_ms is not None
            and not r.complete
            and (r.realized_year is not None or r.fees_year is not None)
        ),
    )


def history_portfolio(basis: CostBasis, as_of: datetime) -> Portfolio:
    """Return what the history says is held, without prices: to tell realized P&L when no
    balances could be read (every asset the history does not break then counts)."""
    positions = tuple(
        Position(asset, asset, p.units, p.units, ZERO, HISTORY_PRECISION, None, None)
        for asset, p in sorted(basis.assets.items())
        if p.units > 0
    )
    precisions = {p.asset: HISTORY_PRECISION for p in positions}
    return Portfolio(basis.quote, positions, ZERO, as_of, precisions, {})


def _in(at_ms: int, span: tuple[int, int]) -> bool:
    return span[0] <= at_ms < span[1]


def _row(
    asset: str,
    position: AssetBasis | None,
    units: Decimal,
    precision: int,
    price: Decimal | None,
    basis: CostBasis,
    span: tuple[int, int],
) -> PnlRow:
    if position is None or not accounts_for(position, units, precision):
        names = ("cost", "unrealized", "realized_year", "realized_all", "fees_year")
        return PnlRow(
            asset,
            precision,
            units,
            False,
            False,
            None,
            price,
            None,
            None,
            None,
            None,
            None,
            why=dict.fromkeys(names, "history"),
        )
    why: dict[str, Unknown] = {}
    if position.cost_unknown is not None and units > 0:
        why[COST] = position.cost_unknown
    unrealized = None
    if units > 0:
        if COST in why:
            why[UNREALIZED] = why[COST]
        elif price is None:
            why[UNREALIZED] = "price"
        else:
            unrealized = position.unrealized(price)
    percent = (
        percent_of(unrealized, position.cost)
        if unrealized is not None and position.cost > 0
        else None
    )
    for name, reason in (
        ("realized_year", position.realized_unknown(*span)),
        ("realized_all", position.realized_unknown()),
        (
            "fees_year",
            gravest(
                u.why for u in basis.unvalued_charges if u.asset == asset and _in(u.at_ms, span)
            ),
        ),
    ):
        if reason is not None:
            why[name] = reason
    fees = sum(
        (c.fee + c.tax for c in basis.charges if c.asset == asset and _in(c.at_ms, span)), ZERO
    )
    return PnlRow(
        asset=asset,
        precision=precision,
        units=units,
        complete=True,
        estimated=position.estimated,
        average_cost=position.average_cost,
        price=price,
        unrealized=unrealized,
        unrealized_pct=percent,
        realized_year=None if REALIZED_YEAR in why else position.realized(*span),
        realized_all=None if REALIZED_ALL in why else position.realized(),
        fees_year=None if FEES_YEAR in why else fees,
        from_close=position.from_close,
        seen=position.seen,
        why=why,
    )


def _before(
    row: PnlRow, position: AssetBasis | None, basis: CostBasis, span: tuple[int, int], cut: int
) -> PnlRow:
    """Return an incomplete row with the realized P&L and fees of before the crowded moment
    `cut` (the units the history brought in until then were all sold at a known cost), or
    the row as it was when they cannot be told."""
    if position is None or not all(s.known for s in position.sales if s.at_ms < cut):
        return row
    end = min(span[1], cut)
    why: dict[str, Unknown] = {COST: "history", UNREALIZED: "history"}
    for name, reason in (
        (REALIZED_YEAR, position.realized_unknown(span[0], end)),
        (REALIZED_ALL, position.realized_unknown(None, cut)),
        (
            FEES_YEAR,
            gravest(
                u.why
                for u in basis.unvalued_charges
                if u.asset == row.asset and span[0] <= u.at_ms < end
            ),
        ),
    ):
        if reason is not None:
            why[name] = reason
    fees = sum(
        (c.fee + c.tax for c in basis.charges if c.asset == row.asset and span[0] <= c.at_ms < end),
        ZERO,
    )
    return replace(
        row,
        realized_year=None if REALIZED_YEAR in why else position.realized(span[0], end),
        realized_all=None if REALIZED_ALL in why else position.realized(None, cut),
        fees_year=None if FEES_YEAR in why else fees,
        why=why,
        until_ms=cut,
    )
