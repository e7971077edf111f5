"""Profit and loss from the history cache: the stored records, their prices, the portfolio now.

A deposit's cost (and a transfer's fee) is its value at the time of the transfer, and a fill
paid in another currency than the quote is converted at that currency's rate at its time;
each is recorded once in SQLite and never changed after. The price is the one the bot read
then, when it saw the change: the money flow a change alert explained, else the prices a
check kept when it saw the balances change (`core.seen_prices`); else the day's close once
the day is over. Until then the value is unknown ("valued after today's close", "prices
loading").
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import localcontext

from balance_bot.btcturk.errors import BtcTurkError, HistoryRefused
from balance_bot.btcturk.history import crowded_moments, crowded_since
from balance_bot.btcturk.models import Transfer
from balance_bot.core.cost_basis import (
    PRECISION,
    CostBasis,
    Method,
    Missing,
    TransferPrice,
    Unknown,
    build_cost_basis,
    transfer_key,
)
from balance_bot.core.day_prices import (
    SUPPORTED_QUOTES,
    DayPrices,
    day_of,
    needed_days,
    needs_price,
)
from balance_bot.core.export import YearExport, export_rows, realized_of
from balance_bot.core.pnl import PnlReport, PnlRow, history_portfolio, pnl_report
from balance_bot.core.seen_prices import fill_rates_seen, spans_around, transfer_prices_seen
from balance_bot.core.texts.status import HistoryFacts
from balance_bot.core.valuation import Portfolio
from balance_bot.core.values import life_needs
from balance_bot.services.backfill import Backfill, BackfillState
from balance_bot.services.daily_prices import DailyPrices
from balance_bot.store.database import StoreError
from balance_bot.store.models import MoneyFlow
from balance_bot.store.trades import StoredHistory, TradeStore, TransferKey

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PnlOutcome:
    """A report (None while the key may not read the history, or in an unsupported quote)
    and how far the history goes."""

    report: PnlReport | None
    state: BackfillState
    refused: bool = False
    unsupported: bool = False
    crowded: Mapping[str, int] = dataclasses.field(default_factory=dict)  # see crowded_since
    read_until: datetime | None = None  # the forward read failed: the history ends here
    read_refused: bool = False  # ... refused: the key lacks the Account permission


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
        if not prices.supported:
            log.warning(
                "P&L is kept in %s only: /pnl does not answer in QUOTE_CURRENCY=%s",
                " and ".join(SUPPORTED_QUOTES),
                quote,
            )

    @property
    def daily_prices(self) -> DailyPrices:
        """Return the daily prices the report is valued with."""
        return self._prices

    @property
    def supported(self) -> bool:
        """Tell whether P&L is kept in the quote currency."""
        return self._prices.supported

    @property
    def refused(self) -> bool:
        """Tell whether the key may not read the history now."""
        return self._refused()

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
        return HistoryFacts(state.oldest, state.first, state.complete, state.newest)

    async def close(self) -> None:
        """Abandon the reading of daily prices in flight (at shutdown)."""
        await self._prices.close()

    async def report(self, portfolio: Portfolio, *, wait_s: float | None = None) -> PnlOutcome:
        """Return the P&L of `portfolio` from the stored history, this year by the time zone.

        Waits for the chart server at most `wait_s` (its burst's budget by default; 0: not at
        all): what it has not told yet is unknown, "prices loading".
        """
        state = await self._backfill.load()
        if self._refused() and state.oldest is None:
            return PnlOutcome(None, state, refused=True)
        if not self.supported:
            return PnlOutcome(None, state, unsupported=True)
        read_until, refused = await self.read_forward(state, "P&L")
        valuation = await self.valuation(wait_s)
        basis, stored = self._build(valuation, portfolio), valuation.stored
        year = self._clock().astimezone(self._timezone).year
        start, end = self.year_span(year)
        crowded = crowded_since(stored.fills, stored.transfers)
        return PnlOutcome(
            pnl_report(basis, portfolio, year, start, end, crowded),
            state,
            crowded=crowded,
            read_until=read_until,
            read_refused=refused,
        )

    async def read_forward(self, state: BackfillState, what: str) -> tuple[datetime | None, bool]:
        """Read what happened since the last forward read, when the history is complete.

        Return None and False when it was read (or is still loading), else the end of what
        was read before, and whether the key lacks the Account permission.
        """
        if not state.complete:
            return None, False
        try:
            await self._backfill.step()
        except BtcTurkError as error:
            log.info("%s from the history read up to %s: %s", what, state.newest, error)
            return state.newest, isinstance(error, HistoryRefused)
        return None, False

    async def asset_row(self, portfolio: Portfolio, asset: str) -> PnlRow | None:
        """Return one held asset's P&L row; None until the history is read back completely.

        Never waits for the chart server: a value it has not told yet says it is loading.
        """
        try:
            state = await self._backfill.load()
            outcome = await self.report(portfolio, wait_s=0) if state.complete else None
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

    async def export(self, year: int, portfolio: Portfolio | None = None) -> YearExport:
        """Return the year's records with their values and realized P&L, oldest first.

        The history is read forward first, as for /pnl: a trade just told is in the file.
        The realized total is /pnl's: the assets whose history does not account for what
        `portfolio` holds are left out of it (None: no balances read, nothing is checked).
        The cost basis and the rows are built in a worker thread: tens of thousands of fills
        take a second, and the other chats are answered meanwhile.
        """
        state = await self._backfill.load()
        read_until, refused = await self.read_forward(state, "export")
        valuation = await self.valuation(None)
        span = self.year_span(year)
        made = await asyncio.to_thread(
            self._year_export, valuation, year, span, read_until, portfolio
        )
        return dataclasses.replace(made, read_refused=refused)

    def _year_export(
        self,
        valuation: Valuation,
        year: int,
        span: tuple[int, int],
        read_until: datetime | None,
        portfolio: Portfolio | None,
    ) -> YearExport:
        basis, stored = self._build(valuation, portfolio), valuation.stored
        held = portfolio if portfolio is not None else history_portfolio(basis, self._clock())
        report = pnl_report(basis, held, year, *span, crowded_since(stored.fills, stored.transfers))
        rows = export_rows(
            stored.fills,
            stored.transfers,
            basis,
            valuation.prices.price_at,
            *span,
            missing=self._missing(valuation.prices, portfolio),
            transfer_prices=valuation.recorded,
            fill_rates=valuation.rates,
            incomplete={r.asset for r in report.rows if not r.complete},
        )
        total = realized_of(rows, report, checked=portfolio is not None)
        crowded = crowded_moments(stored.fills, stored.transfers)
        inside = tuple(c for c in crowded if span[0] <= c.at_ms < span[1])
        return YearExport(year, rows, total, inside, read_until)

    def year_span(self, year: int) -> tuple[int, int]:
        """Return the year's first ms and the next year's, in the configured time zone."""
        start = datetime(year, 1, 1, tzinfo=self._timezone)
        return _ms(start), _ms(start.replace(year=year + 1))

    async def valuation(self, wait_s: float | None) -> Valuation:
        """Return the stored history with the prices that value it, recording new ones: for
        each transfer and each fill paid in another currency not recorded yet, the price the
        bot saw then, else the day's close once the day is over.

        Every asset's daily closes are read over its whole life in the same burst (the daily
        values need them): one request per pair, once, rather than one now and one later.
        """
        quote = self._quote
        stored = await self._trades.history()
        now = self._clock()
        today = now.astimezone(UTC).date()
        recorded = await self._trades.transfer_prices(quote)
        rates = await self._trades.fill_rates(quote)
        priced = [t for t in stored.transfers if needs_price(t, quote)]
        unrecorded = [t for t in priced if transfer_key(t) not in recorded]
        unrated = [f for f in stored.fills if f.denominator != quote and f.id not in rates]
        new: dict[TransferKey, TransferPrice] = {}
        new_rates: dict[str, TransferPrice] = {}
        if unrecorded:
            new |= seen_prices(unrecorded, await self._trades.seen_flows())
        unrecorded = [t for t in unrecorded if transfer_key(t) not in new]
        if unrecorded or unrated:
            times = [t.at_ms for t in unrecorded] + [f.at_ms for f in unrated]
            windows = await self._trades.seen_windows(quote, spans_around(times))
            new |= transfer_prices_seen(unrecorded, windows)
            new_rates |= fill_rates_seen(unrated, windows)
        to_price = [t for t in unrecorded if transfer_key(t) not in new]
        to_rate = [f for f in unrated if f.id not in new_rates]
        needs = life_needs(stored.fills, stored.transfers, today - timedelta(days=1))
        for asset, days in needed_days(to_rate, to_price, quote).items():
            needs.setdefault(asset, set()).update(days)
        prices = await self._prices.prices(needs, today, wait_s=wait_s)
        for transfer in to_price:
            unit = prices.price_at(transfer.asset, transfer.at_ms)
            if unit is not None and day_of(transfer.at_ms) < today:
                new[transfer_key(transfer)] = TransferPrice(unit, "close")
        for fill in to_rate:
            unit = prices.price_at(fill.denominator, fill.at_ms)
            if unit is not None and day_of(fill.at_ms) < today:
                new_rates[fill.id] = TransferPrice(unit, "close")
        if new:
            await self._trades.add_transfer_prices(quote, new, now)
            recorded |= new
        if new_rates:
            await self._trades.add_fill_rates(quote, new_rates, now)
            rates |= new_rates
        return Valuation(stored, prices, recorded, rates)

    def _build(self, valuation: Valuation, portfolio: Portfolio | None) -> CostBasis:
        """Return the cost basis of a valued history (pure: safe in a worker thread)."""
        stored, prices = valuation.stored, valuation.prices
        return build_cost_basis(
            stored.fills,
            stored.transfers,
            self._quote,
            prices.price_at,
            method=self._method,
            transfer_prices=valuation.recorded,
            missing=self._missing(prices, portfolio),
            fill_rates=valuation.rates,
        )

    def _missing(self, prices: DayPrices, portfolio: Portfolio | None) -> Missing:
        """Return why a value is unknown: as the daily prices say, except that a record of
        today whose asset has no price now at all (no pair BTCTurk quotes, while the ticker
        answers) has "no price", not a day's close that will not come."""
        quote = self._quote

        def why(asset: str, at_ms: int) -> Unknown:
            reason = prices.missing(asset, at_ms)
            if (
                reason == "today"
                and portfolio is not None
                and portfolio.prices_available
                and asset != quote
                and asset not in portfolio.prices
            ):
                return "price"
            return reason

        return why


@dataclass(frozen=True, slots=True)
class Valuation:
    """The stored history, the daily prices read for it, the transfers' recorded prices and
    the fills' recorded rates."""

    stored: StoredHistory
    prices: DayPrices
    recorded: Mapping[TransferKey, TransferPrice]
    rates: Mapping[str, TransferPrice]


def seen_prices(
    transfers: Iterable[Transfer], flows: Iterable[MoneyFlow]
) -> dict[TransferKey, TransferPrice]:
    """Return the unit price the bot saw for each of `transfers` that a change alert valued."""
    values = {
        (f.kind, f.asset, _ms(f.at), f.amount): f.value
        for f in flows
        if f.value is not None and f.amount > 0
    }
    found = {}
    with localcontext() as context:
        context.prec = PRECISION
        for t in transfers:
            value = values.get((t.kind, t.asset, t.at_ms, t.amount))
            if value is not None:
                found[transfer_key(t)] = TransferPrice(value / t.amount, "seen")
    return found


def _ms(moment: datetime) -> int:
    """Return a moment in exchange milliseconds, exactly (no float on the way)."""
    return (moment - EPOCH) // timedelta(milliseconds=1)
