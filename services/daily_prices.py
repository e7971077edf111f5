"""Daily prices in the quote currency, for the history's USDT-quoted fills and deposits.

From BTCTurk's public daily candles (btcturk.graph), kept in SQLite: a day read once is not
asked again (today's candle, still moving, is not kept). An asset without a pair in the quote
currency is priced through USDT (`XUSDT` x `USDTTRY`), as the portfolio's valuation does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import aiohttp

from btcturk.errors import BtcTurkError
from btcturk.graph import daily_closes
from btcturk.models import Fill, Transfer
from core.cost_basis import PriceAt
from store.trades import TradeStore

log = logging.getLogger(__name__)
BRIDGE = "USDT"
CHUNK_DAYS = 365  # days asked in one request
LOOKBACK_DAYS = 3  # a day without a candle takes the close of up to 3 days before


def day_of(at_ms: int) -> date:
    """Return the UTC day of an exchange timestamp."""
    return datetime.fromtimestamp(at_ms // 1000, UTC).date()


def needed_days(
    fills: Iterable[Fill], transfers: Iterable[Transfer], quote: str
) -> dict[str, set[date]]:
    """Return, per asset, the days on which the history needs its price in `quote`."""
    needs: dict[str, set[date]] = {}
    for fill in fills:
        if fill.denominator != quote:
            needs.setdefault(fill.denominator, set()).add(day_of(fill.at_ms))
    for transfer in transfers:
        if transfer.asset != quote and (transfer.kind == "deposit" or transfer.fee or transfer.tax):
            needs.setdefault(transfer.asset, set()).add(day_of(transfer.at_ms))
    return needs


class DailyPrices:
    """Read and keep daily closes; build the `price_at` the cost-basis engine asks."""

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, trades: TradeStore, quote: str
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._trades = trades
        self._quote = quote
        self.requests = 0
        self._tried: set[tuple[str, date, date]] = set()

    async def price_at(self, needs: dict[str, set[date]], today: date) -> PriceAt:
        """Return a lookup of the asset's close on a day, reading the days not stored yet.

        A failed read leaves those days without a price (the engine marks them incomplete).
        """
        pairs = {asset + self._quote for asset in needs}
        pairs |= {
            p for asset in needs if asset != BRIDGE for p in (asset + BRIDGE, BRIDGE + self._quote)
        }
        stored = await self._trades.prices(pairs)
        for asset, days in needs.items():
            direct = asset + self._quote
            await self._complete(stored, direct, days, today)
            unpriced = {d for d in days if _close(stored[direct], d) is None}
            if unpriced and asset != BRIDGE:
                await self._complete(stored, asset + BRIDGE, unpriced, today)
                await self._complete(stored, BRIDGE + self._quote, unpriced, today)
        return _lookup(stored, self._quote)

    async def _complete(
        self, stored: dict[str, dict[date, Decimal]], pair: str, days: set[date], today: date
    ) -> None:
        """Read the days of `pair` not stored, unless this span was asked in vain before."""
        missing = sorted(d for d in days if _close(stored[pair], d) is None)
        if not missing or (pair, missing[0], missing[-1]) in self._tried:
            return
        self._tried.add((pair, missing[0], missing[-1]))
        stored[pair] |= await self._read(pair, missing[0], missing[-1], today)

    async def _read(self, pair: str, first: date, last: date, today: date) -> dict[date, Decimal]:
        found: dict[date, Decimal] = {}
        start = first - timedelta(days=LOOKBACK_DAYS)
        while start <= last:
            end = min(last, start + timedelta(days=CHUNK_DAYS - 1))
            try:
                self.requests += 1
                closes = await daily_closes(
                    self._session, self._base_url, pair, _seconds(start), _seconds(end) + 86_399
                )
            except BtcTurkError as error:
                log.info("daily prices of %s unavailable: %s", pair, error)
                return found
            found |= closes
            start = end + timedelta(days=1)
        await self._trades.add_prices(pair, {d: c for d, c in found.items() if d < today})
        return found


def _seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _close(closes: dict[date, Decimal], day: date) -> Decimal | None:
    for back in range(LOOKBACK_DAYS + 1):
        found = closes.get(day - timedelta(days=back))
        if found is not None:
            return found
    return None


def _lookup(table: dict[str, dict[date, Decimal]], quote: str) -> PriceAt:
    def price_at(asset: str, at_ms: int) -> Decimal | None:
        day = day_of(at_ms)
        direct = _close(table.get(asset + quote, {}), day)
        if direct is not None:
            return direct
        through = _close(table.get(asset + BRIDGE, {}), day)
        bridge = _close(table.get(BRIDGE + quote, {}), day)
        return None if through is None or bridge is None else through * bridge

    return price_at
