"""The daily summary's split: how much of the total's change was money moved, how much the market.

    change = current total - previous total
    net flows = deposits credited - withdrawals debited (fee and tax included), valued in the
                quote currency at the time of each transfer
    market = change - net flows            (exactly; trading fees are part of it)
    fees = fees and taxes of the fills and transfers of the period (for information)

A transfer in the quote currency is its own value. A crypto transfer takes the price at its
time when the caller has one, else the current price, and the split says so (`estimated`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Literal

from balance_bot.btcturk.models import History
from balance_bot.core.explain import EXACT, is_deposit, transfer_effect
from balance_bot.core.percent import percent_of

PriceAt = Callable[[str, int], Decimal | None]
"""(asset, time in ms) -> the price of one unit in the quote currency then, None if unknown."""

_ZERO = Decimal(0)

UnavailableReason = Literal["permission", "unread", "unpriced"]


@dataclass(frozen=True, slots=True)
class FlowSplit:
    """The total's change since the previous summary, split: `change == market + net_flows`."""

    previous_total: Decimal
    change: Decimal
    deposits: Decimal  # credited, in the quote currency
    withdrawals: Decimal  # debited, a magnitude
    market: Decimal
    fees: Decimal  # fees and taxes paid, in the quote currency
    estimated: tuple[str, ...] = ()  # assets valued at the current price, none known for then

    @property
    def net_flows(self) -> Decimal:
        """Return deposits minus withdrawals."""
        with localcontext(EXACT):
            return self.deposits - self.withdrawals

    @property
    def market_percent(self) -> Decimal | None:
        """Return the market movement as a percentage of the previous total (None from zero)."""
        if self.previous_total == 0:
            return None
        return percent_of(self.market, self.previous_total)


@dataclass(frozen=True, slots=True)
class SplitUnavailable:
    """Why there is no split: no Account permission, history unread, or an unpriced transfer."""

    reason: UnavailableReason
    assets: tuple[str, ...] = ()


def _never(asset: str, at_ms: int) -> Decimal | None:
    return None


def split_flows(
    previous_total: Decimal,
    current_total: Decimal,
    history: History,
    quote: str,
    prices_now: Mapping[str, Decimal],
    price_at: PriceAt = _never,
) -> FlowSplit | SplitUnavailable:
    """Split the change between two complete totals with the period's `history`."""
    estimated: set[str] = set()
    unpriced: set[str] = set()

    def price(asset: str, at_ms: int) -> Decimal | None:
        if asset == quote:
            return Decimal(1)
        then = price_at(asset, at_ms)
        if then is not None:
            return then
        now = prices_now.get(asset)
        if now is None:
            unpriced.add(asset)
        else:
            estimated.add(asset)
        return now

    deposits = withdrawals = fees = _ZERO
    with localcontext(EXACT):
        for transfer in history.transfers:
            unit = price(transfer.asset, transfer.at_ms)
            if unit is None:
                continue
            effect = transfer_effect(transfer) * unit
            if is_deposit(transfer):
                deposits += effect
            else:
                withdrawals -= effect
            fees += (transfer.fee + transfer.tax) * unit
        for fill in history.fills:
            cost = fill.fee + fill.tax
            if cost == 0:
                continue
            unit = price(fill.fee_currency, fill.at_ms)
            if unit is not None:
                fees += cost * unit
        if unpriced:
            return SplitUnavailable("unpriced", tuple(sorted(unpriced)))
        change = current_total - previous_total
        market = change - (deposits - withdrawals)
    return FlowSplit(
        previous_total=previous_total,
        change=change,
        deposits=deposits,
        withdrawals=withdrawals,
        market=market,
        fees=fees,
        estimated=tuple(sorted(estimated)),
    )
