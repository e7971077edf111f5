"""The daily values from the first day: two years of 5,000 fills and 20 assets rebuilt, and one
`/chart all` drawn from them.

The account is the fakes' seeded one (`fakes/years.py`: lira and crypto moved in and out,
TRY and USDT trades, a pair delisted half-way), read back by the bot's own backfill on a clock
its waits move (its time is `bench.pnl`'s figure). Then, through the services the commands
call: the first rebuild, which reads every pair's candles from the fake chart server (one
request per pair and day range, counted), with the peak of Python memory it takes
(tracemalloc, in a run of its own); a rebuild after a restart (the closes read from SQLite,
nothing asked); and the chart of every day, allocation and both lines, rendered to PNG.
"""

from __future__ import annotations

import collections
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.models import Balance, Ticker
from balance_bot.core.chart_data import value_line
from balance_bot.core.i18n import Lang, View
from balance_bot.core.valuation import value_portfolio
from balance_bot.core.values import ValueHistory
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from balance_bot.fakes.years import seed_years
from balance_bot.services.backfill import Backfill
from balance_bot.services.charts import chart_png
from balance_bot.services.daily_prices import DailyPrices
from balance_bot.services.pnl import ProfitAndLoss
from balance_bot.services.values import DailyValues
from balance_bot.store.database import Database
from balance_bot.store.trades import TradeStore
from bench.table import Row, duration

FILLS, YEARS, ASSETS = 5000, 2, 20
REBUILD_TARGET_S = 3.0  # the first /chart or /daily after the history is read: a few seconds
RESTART_TARGET_S = 1.0  # every later one: the replay alone
MEMORY_TARGET_MB = 100.0
CHART_TARGET_S = 2.0  # a picture: a second or two is fine
START = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")


class _Clock:
    """The exchange's and the backfill's time: a wait moves it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()

    async def sleep(self, delay: float) -> None:
        self.now += timedelta(seconds=delay)


def _services(
    session: aiohttp.ClientSession, url: str, db: Database, clock: _Clock
) -> tuple[DailyValues, Backfill]:
    """Return the daily values' service and the backfill, as the bot builds them, on `db`."""
    trades = TradeStore(db)
    prices = DailyPrices(session, url, trades, "TRY", timeout_s=10, budget_s=120)
    client = BtcTurkClient(
        session, base_url=url, api_key=DEMO_API_KEY, api_secret=DEMO_API_SECRET,
        sleep=clock.sleep, time_source=clock.seconds, monotonic=clock.seconds,
    )  # fmt: skip
    backfill = Backfill(client, trades, clock, sleep=clock.sleep)
    pnl = ProfitAndLoss(
        trades, prices, backfill, quote="TRY", method="average", timezone=ISTANBUL, clock=clock
    )
    return DailyValues(pnl, clock=clock), backfill


async def _timed(values: DailyValues) -> tuple[ValueHistory, float]:
    started = time.perf_counter()
    outcome = await values.history(fresh=False)
    spent = time.perf_counter() - started
    if outcome.values is None:
        raise RuntimeError("no daily values: the history was not read back")
    return outcome.values, spent


async def run() -> list[Row]:
    """Return the daily values' figures."""
    clock = _Clock()
    asked: collections.Counter[str] = collections.Counter()
    async with FakeBtcTurk(clock=clock.seconds, balances=[]) as exchange, \
            aiohttp.ClientSession() as session:  # fmt: skip
        history = seed_years(exchange, years=YEARS, fills=FILLS, assets=ASSETS)
        exchange.candles.on_request = lambda pair: asked.update([pair])
        with tempfile.TemporaryDirectory() as directory:
            db = await Database.open(Path(directory) / "bench.sqlite3")
            try:
                values, backfill = _services(session, exchange.base_url, db, clock)
                while await backfill.step():
                    await clock.sleep(1.0)
                first, first_s = await _timed(values)
                requests = sum(asked.values())
                restarted, _ = _services(session, exchange.base_url, db, clock)
                again, restart_s = await _timed(restarted)
                after = sum(asked.values())
                tracemalloc.start()
                await _timed(_services(session, exchange.base_url, db, clock)[0])
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            finally:
                await db.close()
    chart_s = await _chart(again, history.balances)
    pairs = len(asked)
    fills = len(history.rows["trades"])
    days = len(first.days)
    return [
        Row(
            f"daily values: {YEARS} years, {fills:,} fills, {ASSETS} assets ({days} days), first",
            f"{duration(first_s)}, {requests} candle requests for {pairs} pairs",
            f"≤ {duration(REBUILD_TARGET_S)}; one request per pair",
            first_s <= REBUILD_TARGET_S and requests == pairs and again.days == first.days,
        ),
        Row(
            "the same after a restart (closes from SQLite)",
            f"{duration(restart_s)}, {after - requests} candle requests; peak {peak / 1e6:.0f} MB",
            f"≤ {duration(RESTART_TARGET_S)}, 0 requests; ≤ {MEMORY_TARGET_MB:.0f} MB",
            restart_s <= RESTART_TARGET_S and after == requests and peak / 1e6 <= MEMORY_TARGET_MB,
        ),
        Row(
            f"/chart all: {days} days, value and net invested",
            duration(chart_s),
            f"≤ {duration(CHART_TARGET_S)}",
            chart_s <= CHART_TARGET_S,
        ),
    ]


async def _chart(values: ValueHistory, held: dict[str, Decimal]) -> float:
    """Return the time of drawing the chart of every day, as /chart all does."""
    balances = [Balance(a, a, v, v * 0, v, None, 8) for a, v in held.items()]
    tickers = [Ticker(f"{a}TRY", a, "TRY", v + 1) for a, v in held.items() if a != "TRY"]
    portfolio = value_portfolio(balances, tickers, "TRY", START)
    line = value_line(values, "all")
    view = View(Lang("en"), ISTANBUL, START)
    started = time.perf_counter()
    await chart_png(portfolio, [], view, summary_at=START.time(), values=line)
    return time.perf_counter() - started
