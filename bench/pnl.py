"""Profit and loss: the first backfill of 5,000 fills over 2 years, /pnl with 100 assets, and the
memory the cached history takes.

The backfill runs against the fake exchange on a clock of its own that every wait moves, so
the fake's per-minute quotas count the same time the client paces itself by: "time on the
exchange's clock" is what the backfill would take against BTCTurk, latency aside.
"""

from __future__ import annotations

import random
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.models import Balance, Fill, Ticker
from balance_bot.core.cost_basis import build_cost_basis
from balance_bot.core.i18n import Lang, View
from balance_bot.core.pnl import pnl_report
from balance_bot.core.texts.pnl import pnl_message
from balance_bot.core.valuation import value_portfolio
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.ledger import json_number
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from balance_bot.services.backfill import Backfill
from balance_bot.store.database import Database
from balance_bot.store.trades import TradeStore
from bench.table import Row

FILLS = 5000
YEARS = 2
ASSETS = 100
BACKFILL_TARGET_S = 300.0  # "within minutes"
PNL_TARGET_S = 1.0
START = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
D = Decimal


class _Clock:
    """The exchange's and the client's time: a wait moves it."""

    def __init__(self) -> None:
        self.now = START
        self.waited = 0.0

    def __call__(self) -> datetime:
        return self.now

    def seconds(self) -> float:
        return self.now.timestamp()

    async def sleep(self, delay: float) -> None:
        self.waited += delay
        self.now += timedelta(seconds=delay)


def trade_rows(count: int, years: int, seed: int = 5) -> list[dict[str, Any]]:
    """Return `count` BTCTRY fills spread over `years` before START, shaped like the API's."""
    rng = random.Random(seed)  # noqa: S311 - generated history, not a secret
    end = int(START.timestamp() * 1000) - 60_000
    start = end - years * 365 * 86_400_000
    rows, held = [], D(0)
    for index, at_ms in enumerate(sorted(rng.randrange(start, end) for _ in range(count))):
        amount = D(rng.randrange(1, 500_000)) / D(10**8)
        side = "sell" if held >= amount and rng.random() < 0.4 else "buy"
        held += amount if side == "buy" else -amount
        signed = amount if side == "buy" else -amount
        rows.append(
            {
                "id": 1181163798924650001 + index,
                "orderId": 10938696301 + index,
                "timestamp": at_ms,
                "numeratorSymbol": "BTC",
                "denominatorSymbol": "TRY",
                "orderType": side,
                "price": str(rng.randrange(2_000_000, 4_000_000)),
                "amount": str(signed),
                "preciseAmount": json_number(signed),
                "fee": "-1.2",
                "tax": "-0.216",
            }
        )
    return rows


async def backfill_rows() -> list[Row]:
    """Measure the first backfill and the memory of the cached history."""
    clock = _Clock()
    async with FakeBtcTurk(clock=clock.seconds) as exchange, aiohttp.ClientSession() as session:
        exchange.ledger.rows["trades"] = trade_rows(FILLS, YEARS)
        client = BtcTurkClient(
            session,
            base_url=exchange.base_url,
            api_key=DEMO_API_KEY,
            api_secret=DEMO_API_SECRET,
            sleep=clock.sleep,
            time_source=clock.seconds,
            monotonic=clock.seconds,
        )
        with tempfile.TemporaryDirectory() as directory:
            db = await Database.open(Path(directory) / "bench.sqlite3")
            try:
                backfill = Backfill(client, TradeStore(db), clock, sleep=clock.sleep)
                started = time.perf_counter()
                while await backfill.step():
                    await clock.sleep(1.0)  # the background task's pace
                wall = time.perf_counter() - started
                tracemalloc.start()
                stored = await TradeStore(db).history()
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            finally:
                await db.close()
        calls = sum(exchange.calls[book] for book in ("trades", "crypto", "fiat"))
        refused = exchange.rate_limit_hits
    return [
        Row(
            f"backfill: {FILLS:,} fills over {YEARS} years",
            f"{clock.waited:.0f} s on the exchange's clock ({wall:.1f} s of work here), "
            f"{calls} requests, {refused} refused (429)",
            f"< {BACKFILL_TARGET_S:.0f} s, no 429",
            clock.waited < BACKFILL_TARGET_S and refused == 0,
        ),
        Row(
            "memory: the cached history",
            f"{peak / 1e6:.1f} MB for {len(stored.fills):,} fills read back",
            "",
            None,
        ),
    ]


def pnl_rows() -> list[Row]:
    """Measure one /pnl report and its text for 100 assets of 50 fills each."""
    rng = random.Random(3)  # noqa: S311 - generated history, not a secret
    fills, balances, tickers = [], [], []
    for i in range(ASSETS):
        asset, held = f"A{i:03d}", D(0)
        for j in range(50):
            amount = D(rng.randrange(1, 10**6)) / D(10**4)
            side = "sell" if held > amount and rng.random() < 0.4 else "buy"
            held += amount if side == "buy" else -amount
            fills.append(
                Fill(
                    *(f"{i}-{j}", "o", 1_700_000_000_000 + i * 1000 + j, asset, "TRY"),
                    "sell" if side == "sell" else "buy",
                    *(D(rng.randrange(1, 1000)), amount, D("0.1"), D("0.018"), "TRY"),
                )
            )
        balances.append(Balance(asset, asset, held, D(0), held, None, 8))
        tickers.append(Ticker(asset + "TRY", asset, "TRY", D(500)))
    portfolio = value_portfolio(balances, tickers, "TRY", START)
    view = View(Lang("en"), ZoneInfo("Europe/Istanbul"), START)
    rounds = 5
    started = time.perf_counter()
    for _ in range(rounds):
        basis = build_cost_basis(fills, [], "TRY", lambda asset, at_ms: None)
        text = pnl_message(pnl_report(basis, portfolio, 2026, 0, 10**14), view)
    per = (time.perf_counter() - started) / rounds
    return [
        Row(
            f"/pnl: {ASSETS} assets, {len(fills):,} fills",
            f"{per * 1000:.0f} ms per reply ({len(text):,} characters)",
            f"< {PNL_TARGET_S * 1000:.0f} ms",
            per < PNL_TARGET_S,
        )
    ]


async def run() -> list[Row]:
    """Return the P&L figures."""
    return await backfill_rows() + pnl_rows()
