"""Daily prices in the quote currency, for the history's trades and transfers in other currencies.

From BTCTurk's public daily candles (btcturk.graph), kept in SQLite once a day is over, and
priced as `core.day_prices` routes them; in a quote currency P&L is not kept in, nothing is
asked.

The chart server is read in bursts, in the background of the request that needs them:
- each request waits at most `timeout_s`; a burst spends at most `budget_s` in all (the last
  request's timeout is cut to what is left), then stops: what it did not read waits for the
  next burst;
- requests keep to the chart server's quotas (`GraphPacer`);
- a failed request ends the burst, and the server is asked again only after a backoff
  (`BACKOFF_FIRST_S`, doubling to `BACKOFF_MAX_S`; a 429's Retry-After when longer); a read
  that works resets it; the days it missed are asked again then, without a restart;
- one request asks a pair for every day it lacks, up to ten years (`CHUNK_DAYS`): the value
  history's years of days cost one request per pair;
- what the server answered is kept: each finished day's close, and the span of days it
  answered for good (at least two days old, with or without a candle; all of them, yesterday
  too, for a pair without a candle in the last two days read: delisted, or never listed), so
  a pair's finished days are asked once, also across restarts;
- a day answered without a candle takes the close of up to `LOOKBACK_DAYS` before it once it
  is settled (a pair without a trade that day), and a day answered lately without one (its
  candle may still come) is asked again after `ABSENT_RECHECK_S`.
A caller waits for the burst at most `wait_s` (0: not at all) and gets what is known; each
missing value says why: "loading" (being read, or waiting out a failure), "past_price" (no
candle for that day), "today" (the day is not over).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import aiohttp

from balance_bot.btcturk.errors import BtcTurkError, RateLimited
from balance_bot.btcturk.graph import GraphPacer, daily_closes
from balance_bot.core.day_prices import (
    LOOKBACK_DAYS,
    SUPPORTED_QUOTES,
    CloseTable,
    DayPrices,
    routes,
)
from balance_bot.store.database import StoreError
from balance_bot.store.trades import TradeStore, merge_spans

log = logging.getLogger(__name__)
CHUNK_DAYS = 3653  # days asked in one request: ten years
SETTLE_DAYS = 2  # a day this old is answered for good: yesterday's candle may still be coming
BACKOFF_FIRST_S = 30.0
BACKOFF_MAX_S = 3600.0


class DailyPrices:
    """Read and keep daily closes; tell the cost-basis engine the prices it asks for."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        trades: TradeStore,
        quote: str,
        *,
        timeout_s: float = 5.0,
        budget_s: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        pacer: GraphPacer | None = None,
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._trades = trades
        self.quote = quote
        self.timeout_s = timeout_s
        self.budget_s = budget_s
        self._monotonic = monotonic
        self._pacer = pacer or GraphPacer(monotonic=monotonic, sleep=sleep)
        self._table = CloseTable({}, {})
        self._needs: dict[str, set[date]] = {}
        self._today = date.min
        self._burst: asyncio.Task[None] | None = None
        self._closed = False  # at shutdown: no burst starts any more
        self._retry_at = float("-inf")
        self._backoff_s = BACKOFF_FIRST_S
        self.version = 0  # counts the reads kept: what the closes know changed
        self._settled: dict[str, set[date]] = {}  # per asset, the days priced for good

    @property
    def supported(self) -> bool:
        """Tell whether P&L is kept in this quote currency."""
        return self.quote in SUPPORTED_QUOTES

    async def prices(
        self, needs: Mapping[str, set[date]], today: date, *, wait_s: float | None = None
    ) -> DayPrices:
        """Return the prices known for `needs`, reading the missing ones in the background.

        Waits for the reading at most `wait_s` (the burst's budget by default; 0: not at all).
        """
        if self.supported:
            asked = {asset: set(days) for asset, days in needs.items()}
            if self._burst is not None:  # a burst reads for another caller: theirs stay
                for asset, days in self._needs.items():
                    asked.setdefault(asset, set()).update(days)
            self._needs = asked
            self._today = today
            await self._load()
            due = self._burst is None and not self._closed and self._monotonic() >= self._retry_at
            if due and self._work():
                self._burst = asyncio.get_running_loop().create_task(
                    self._run_burst(), name="daily-prices"
                )
            wait = self.budget_s if wait_s is None else wait_s
            burst = self._burst
            if burst is not None and wait > 0:
                await asyncio.wait({burst}, timeout=wait)
        return DayPrices(self.quote, today, self._table, self.supported, self._monotonic())

    async def price_at(
        self, needs: Mapping[str, set[date]], today: date
    ) -> Callable[[str, int], Decimal | None]:
        """Return a lookup of the asset's price on a day, reading what is missing first."""
        return (await self.prices(needs, today)).price_at

    async def settled(self) -> None:
        """Return once the burst in flight, if any, is over."""
        burst = self._burst
        if burst is not None:
            await asyncio.wait({burst})

    async def close(self) -> None:
        """Abandon the burst in flight, and start none after it (at shutdown: a command that
        asks a moment later gets what is known, not a wait for the chart server)."""
        self._closed = True
        burst, self._burst = self._burst, None
        if burst is not None:
            burst.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await burst

    async def _load(self) -> None:
        """Read from SQLite the closes of the pairs the needs can use, once per pair."""
        pairs = {
            pair
            for asset in self._needs
            for route in routes(asset, self.quote)
            for pair, _ in route
            if pair not in self._table.closes
        }
        if pairs:
            self._table.closes |= await self._trades.prices(pairs)
            self._table.settled |= await self._trades.candle_reads(pairs)

    def _work(self) -> dict[str, set[date]]:
        """Return, per pair, the finished days the needs still lack (the first way first).

        A day whose price is settled for good (`DayPrices.settled`) is not looked at again:
        years of days cost the look once.
        """
        table = DayPrices(self.quote, self._today, self._table, True, self._monotonic())
        work: dict[str, set[date]] = {}
        for asset, days in self._needs.items():
            done = self._settled.setdefault(asset, set())
            for day in days - done:
                pairs = table.to_read(asset, _ms(day))
                if not pairs and table.settled(asset, day):
                    done.add(day)
                for pair in pairs:
                    work.setdefault(pair, set()).add(day)
        return work

    async def _run_burst(self) -> None:
        try:
            await self._read_burst()
        except StoreError as error:
            log.warning("daily prices could not be kept: %s", error)
        finally:
            self._burst = None

    async def _read_burst(self) -> None:
        """Read what the needs lack, pair by pair, until done, failed or out of budget."""
        started = self._monotonic()
        while work := self._work():
            for pair, days in sorted(work.items()):
                left = self.budget_s - (self._monotonic() - started)
                if left <= 0 or self._pacer.wait_s() >= left:
                    log.debug("daily prices: the burst's %.0f s are spent", self.budget_s)
                    return
                try:
                    read = await self._read(pair, days, started + self.budget_s)
                except BtcTurkError as error:
                    self._failed(pair, error)
                    return
                self._backoff_s = BACKOFF_FIRST_S
                if not read:
                    return

    def _failed(self, pair: str, error: BtcTurkError) -> None:
        wait = self._backoff_s
        if isinstance(error, RateLimited) and error.retry_after:
            wait = max(wait, error.retry_after)
        self._retry_at = self._monotonic() + wait
        self._backoff_s = min(BACKOFF_MAX_S, self._backoff_s * 2)
        log.info("daily prices of %s unavailable (%s); asked again in %.0f s", pair, error, wait)

    async def _read(self, pair: str, days: set[date], deadline: float) -> bool:
        """Read `pair` over `days` (and the days before them) and keep what it says; False
        when the burst's time ran out first (nothing kept)."""
        first, last = min(days), max(days)
        found: dict[date, Decimal] = {}
        start = first - timedelta(days=LOOKBACK_DAYS)
        while start <= last:
            end = min(last, start + timedelta(days=CHUNK_DAYS - 1))
            await self._pacer.acquire()
            left = deadline - self._monotonic()
            if left <= 0:
                return False
            found |= await daily_closes(
                self._session,
                self._base_url,
                pair,
                _seconds(start),
                _seconds(end) + 86_399,
                timeout_s=min(self.timeout_s, left),
            )
            start = end + timedelta(days=1)
        await self._keep(pair, days, found, first - timedelta(days=LOOKBACK_DAYS))
        return True

    async def _keep(
        self, pair: str, days: set[date], found: dict[date, Decimal], start: date
    ) -> None:
        """Store the finished days' closes read from `start` on, and the span of days
        answered for good; set the needed days without a candle aside as answered lately.

        A pair with no candle in the last SETTLE_DAYS of the read does not trade (delisted, or
        never listed): its days are answered for good to the read's end, yesterday included.
        """
        known = self._table.closes.setdefault(pair, {})
        kept = {day: close for day, close in found.items() if day < self._today}
        absent = self._table.absent.setdefault(pair, {})
        for day in days:
            if day not in kept and day not in known:
                absent[day] = self._monotonic()
        last = max(days)
        recent = last - timedelta(days=SETTLE_DAYS)
        quiet = start <= recent and not any(recent < day <= last for day in found)
        settled = last if quiet else min(last, self._today - timedelta(days=SETTLE_DAYS))
        await self._trades.add_prices(pair, kept)
        known |= kept
        if start <= settled:
            await self._trades.add_candle_read(pair, start, settled)
            spans = [*self._table.settled.get(pair, []), (start, settled)]
            self._table.settled[pair] = merge_spans(spans)
        self.version += 1


def _ms(day: date) -> int:
    return _seconds(day) * 1000


def _seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
