"""The /pnl figures: each asset's cost basis beside its position now. Pure, Decimal only.

An asset is shown when it is held, or when it realized P&L this year. Its figures are withheld
("incomplete history") when the history does not account for the units held: see
`core.cost_basis.accounts_for`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.cost_basis import AssetBasis, CostBasis, Method, accounts_for
from core.valuation import Portfolio

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PnlRow:
    """One asset's P&L; the figures are None where they cannot be told."""

    asset: str
    precision: int
    units: Decimal
    complete: bool  # the history accounts for the units held
    estimated: bool  # part of the cost is a deposit's market value
    average_cost: Decimal | None
    price: Decimal | None
    unrealized: Decimal | None
    unrealized_pct: Decimal | None
    realized_year: Decimal | None
    realized_all: Decimal | None
    fees_year: Decimal

    @property
    def weight(self) -> Decimal:
        """Return the absolute P&L the rows are sorted by."""
        return abs((self.unrealized or ZERO) + (self.realized_year or ZERO))


@dataclass(frozen=True, slots=True)
class PnlReport:
    """Every asset's row, most P&L first, and the totals of the complete ones."""

    quote: str
    method: Method
    year: int
    rows: tuple[PnlRow, ...]
    unrealized: Decimal
    cost: Decimal  # the basis behind `unrealized`
    realized_year: Decimal
    fees_year: Decimal  # fees and taxes paid this year, every asset and TRY transfers

    @property
    def unrealized_pct(self) -> Decimal | None:
        """Return the unrealized P&L as a share of its cost, in %."""
        return self.unrealized / self.cost * HUNDRED if self.cost > 0 else None


def pnl_report(
    basis: CostBasis, portfolio: Portfolio, year: int, year_start_ms: int, year_end_ms: int
) -> PnlReport:
    """Return the P&L of every held asset (and of those that sold this year)."""
    quote = basis.quote
    held = {p.asset: p for p in portfolio.positions if p.asset != quote}
    sold_this_year = {
        asset
        for asset, position in basis.assets.items()
        if any(year_start_ms <= s.at_ms < year_end_ms for s in position.sales)
    }
    rows = []
    for asset in sorted(held.keys() | sold_this_year):
        position = held.get(asset)
        units = ZERO if position is None else position.total
        precision = portfolio.precision(asset) or (8 if position is None else position.precision)
        price = portfolio.prices.get(asset)
        rows.append(
            _row(
                asset,
                basis.assets.get(asset),
                units,
                precision,
                price,
                basis,
                (year_start_ms, year_end_ms),
            )
        )
    rows.sort(key=lambda r: (not r.complete, -r.weight, r.asset))
    complete = [r for r in rows if r.complete]
    return PnlReport(
        quote=quote,
        method=basis.method,
        year=year,
        rows=tuple(rows),
        unrealized=sum((r.unrealized for r in complete if r.unrealized is not None), ZERO),
        cost=sum(
            (
                basis.assets[r.asset].cost
                for r in complete
                if r.unrealized is not None and r.asset in basis.assets
            ),
            ZERO,
        ),
        realized_year=sum((r.realized_year or ZERO for r in complete), ZERO),
        fees_year=basis.fees(year_start_ms, year_end_ms),
    )


def _row(
    asset: str,
    position: AssetBasis | None,
    units: Decimal,
    precision: int,
    price: Decimal | None,
    basis: CostBasis,
    year: tuple[int, int],
) -> PnlRow:
    fees = sum(
        (c.fee + c.tax for c in basis.charges if c.asset == asset and year[0] <= c.at_ms < year[1]),
        ZERO,
    )
    complete = position is not None and accounts_for(position, units, precision)
    if position is None or not complete:
        return PnlRow(
            asset, precision, units, False, False, None, price, None, None, None, None, fees
        )
    unrealized = None if price is None or units <= 0 else position.unrealized(price)
    percent = (
        unrealized / position.cost * HUNDRED
        if unrealized is not None and position.cost > 0
        else None
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
        realized_year=position.realized(*year),
        realized_all=position.realized(),
        fees_year=fees,
    )
