"""Profit and loss from the history cache: the stored records, their prices, the portfolio now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from core.cost_basis import Method, build_cost_basis
from core.pnl import PnlReport, pnl_report
from core.texts.status import HistoryFacts
from core.valuation import Portfolio
from services.backfill import Backfill, BackfillState
from services.daily_prices import DailyPrices, needed_days
from services.history import to_ms
from store.trades import TradeStore


@dataclass(frozen=True, slots=True)
class PnlOutcome:
    """A report (None while the key may not read the history) and how far the history goes."""

    report: PnlReport | None
    state: BackfillState
    refused: bool = False


class ProfitAndLoss:
    """Build the /pnl report on demand from what the backfill stored."""

    def __init__(
        self,
        trades: TradeStore,
        prices: DailyPrices,
        backfill: Backfill,
        *,
        quote: str,
        method: Method,
        timezone: tzinfo,
        clock: Callable[[], datetime],
        refused: Callable[[], bool] = lambda: False,
    ) -> None:
        self._trades = trades
        self._prices = prices
        self._backfill = backfill
        self._quote = quote
        self._method = method
        self._timezone = timezone
        self._clock = clock
        self._refused = refused

    @property
    def state(self) -> BackfillState:
        """Return how far back the stored history goes."""
        return self._backfill.state

    def history_facts(self) -> HistoryFacts:
        """Return what /status shows of the history cache."""
        state = self._backfill.state
        return HistoryFacts(state.oldest, state.first, state.complete)

    async def report(self, portfolio: Portfolio) -> PnlOutcome:
        """Return the P&L of `portfolio` from the stored history, this year by the time zone."""
        state = await self._backfill.load()
        if self._refused() and state.oldest is None:
            return PnlOutcome(None, state, refused=True)
        stored = await self._trades.history()
        now = self._clock()
        needs = needed_days(stored.fills, stored.transfers, self._quote)
        price_at = await self._prices.price_at(needs, now.date())
        basis = build_cost_basis(
            stored.fills, stored.transfers, self._quote, price_at, method=self._method
        )
        local = now.astimezone(self._timezone)
        start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        end = start.replace(year=start.year + 1)
        report = pnl_report(basis, portfolio, local.year, to_ms(start), to_ms(end))
        return PnlOutcome(report, state)
