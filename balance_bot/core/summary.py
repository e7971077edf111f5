"""The daily summary's figures: what is stored each day, and how each asset moved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from balance_bot.core.valuation import DUST_LIMIT, Portfolio


@dataclass(frozen=True, slots=True)
class DailyPortfolio:
    """The portfolio's value on one day: the total and each asset's value in the quote currency."""

    day: date
    total: Decimal
    values: dict[str, Decimal]


@dataclass(frozen=True, slots=True)
class AssetMove:
    """One asset's value now and at the previous summary."""

    asset: str
    now: Decimal
    before: Decimal | None

    @property
    def change(self) -> Decimal:
        """Return the change in value (all of it for an asset that is new)."""
        return self.now - (self.before or 0)


def day_values(portfolio: Portfolio, day: date) -> DailyPortfolio:
    """Return what a summary stores of `portfolio` for comparing tomorrow."""
    values = {p.asset: p.value for p in portfolio.positions if p.value is not None}
    return DailyPortfolio(day=day, total=portfolio.total, values=values)


def asset_moves(portfolio: Portfolio, previous: DailyPortfolio | None) -> list[AssetMove]:
    """Return each asset worth showing, biggest movers first (assets sold count too, and a
    negative balance is never too small to show)."""
    before = previous.values if previous else {}
    now = {p.asset: p.value for p in portfolio.positions if p.value is not None}
    moves = [
        AssetMove(asset, now.get(asset, Decimal(0)), before.get(asset) if previous else None)
        for asset in set(now) | set(before)
    ]
    moves = [m for m in moves if not 0 <= m.now < DUST_LIMIT or (m.before or 0) >= DUST_LIMIT]
    moves.sort(key=lambda m: (-abs(m.change) if previous else -m.now, m.asset))
    return moves
