"""Profit and loss from the history cache: the stored records, their prices, the portfolio now."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from btcturk.errors import BtcTurkError
from btcturk.history import crowded_moments
from core.cost_basis import CostBasis, Method, PriceAt, build_cost_basis
from core.export import YearExport, export_rows
from core.pnl import PnlReport, PnlRow, pnl_report
from core.texts.status import HistoryFacts
from core.valuation import Portfolio
from services.backfill import Backfill, BackfillState
from services.daily_prices import DailyPrices, needed_days
from services.history import to_ms
from store.database import StoreError
from store.trades import StoredHistory, TradeStore

log = logging.getLogger(__name__)


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

    async def load_state(self) -> BackfillState:
        """Return how far back the stored history goes, as stored."""
        return await self._backfill.load()

    def history_facts(self) -> HistoryFacts:
        """Return what /status shows of the history cache."""
        state = self._backfill.state
        return HistoryFacts(state.oldest, state.first, state.complete)

    async def report(self, portfolio: Portfolio) -> PnlOutcome:
        """Return the P&L of `portfolio` from the stored history, this year by the time zone."""
        state = await self._backfill.load()
        if self._refused() and state.oldest is None:
            return PnlOutcome(None, state, refused=True)
        if state.complete:  # what happened since the last forward read counts too
            try:
                await self._backfill.step()
            except BtcTurkError as error:
                log.info("P&L from the history read up to %s: %s", state.newest, error)
        basis, _, _ = await self._basis()
        year = self._clock().astimezone(self._timezone).year
        start, end = self.year_span(year)
        return PnlOutcome(pnl_report(basis, portfolio, year, start, end), state)

    async def asset_row(self, portfolio: Portfolio, asset: str) -> PnlRow | None:
        """Return one held asset's P&L row; None until the history is read back completely."""
        try:
            state = await self._backfill.load()
            outcome = await self.report(portfolio) if state.complete else None
        except StoreError as error:  # the balance is worth showing without it
            log.warning("no P&L for /balance %s: %s", asset, error)
            return None
        if outcome is None or outcome.report is None:
            return None
        return next((r for r in outcome.report.rows if r.asset == asset.upper()), None)

    async def summary_report(self, portfolio: Portfolio) -> PnlReport | None:
        """Return the report for the daily summary; None until the history is complete."""
        try:
            state = await self._backfill.load()
            outcome = await self.report(portfolio) if state.complete else None
        except StoreError as error:
            log.warning("the summary goes without P&L: %s", error)
            return None
        return None if outcome is None else outcome.report

    async def export(self, year: int) -> YearExport:
        """Return the year's records with their values and realized P&L, oldest first.

        The history is read forward first, as for /pnl: a trade just told is in the file.
        The rows are built in a worker thread: tens of thousands of fills take a second, and
        the other chats are answered meanwhile.
        """
        state = await self._backfill.load()
        read_until = None
        if state.complete:
            try:
                await self._backfill.step()
            except BtcTurkError as error:
                log.info("export from the history read up to %s: %s", state.newest, error)
                read_until = state.newest
        stored = await self._trades.history()
        needs = needed_days(stored.fills, stored.transfers, self._quote)
        price_at = await self._prices.price_at(needs, self._clock().date())
        span = self.year_span(year)
        return await asyncio.to_thread(self._year_export, stored, price_at, year, span, read_until)

    def _year_export(
        self,
        stored: StoredHistory,
        price_at: PriceAt,
        year: int,
        span: tuple[int, int],
        read_until: datetime | None,
    ) -> YearExport:
        basis = build_cost_basis(
            stored.fills, stored.transfers, self._quote, price_at, method=self._method
        )
        rows = export_rows(stored.fills, stored.transfers, basis, price_at, *span)
        crowded = crowded_moments(stored.fills, stored.transfers)
        inside = tuple(c for c in crowded if span[0] <= c.at_ms < span[1])
        return YearExport(year, rows, inside, read_until)

    def year_span(self, year: int) -> tuple[int, int]:
        """Return the year's first ms and the next year's, in the configured time zone."""
        start = datetime(year, 1, 1, tzinfo=self._timezone)
        return to_ms(start), to_ms(start.replace(year=year + 1))

    async def _basis(self) -> tuple[CostBasis, PriceAt, StoredHistory]:
        stored = await self._trades.history()
        needs = needed_days(stored.fills, stored.transfers, self._quote)
        price_at = await self._prices.price_at(needs, self._clock().date())
        basis = build_cost_basis(
            stored.fills, stored.transfers, self._quote, price_at, method=self._method
        )
        return basis, price_at, stored
