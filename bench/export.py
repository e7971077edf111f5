"""/export of a heavy year: 50,000 fills, a fifth of them paid in USDT, from the history cache
to the CSV bytes the bot sends, through the same service the command calls.

The fills are stored as the backfill would have stored them (the first read is `bench.pnl`'s
figure); the export still reads the history forward from the fake exchange first, values the
USDT-quoted fills at the day's USDTTRY close (read once from the fake's candles, as in
production), builds every row and writes the CSV. Three figures: the time of one export, the
longest the event loop stood still meanwhile (every other chat waits that long), and the peak
of Python memory it took (tracemalloc, in a run of its own: tracing slows the code down).
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.models import Fill, History, Side
from balance_bot.core.export import export_csv
from balance_bot.core.i18n import Lang, View
from balance_bot.core.texts.export import csv_notes, export_labels, export_notes
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from balance_bot.services.backfill import DONE_KEY, NEWEST_KEY, OLDEST_KEY, Backfill
from balance_bot.services.daily_prices import DailyPrices
from balance_bot.services.pnl import ProfitAndLoss
from balance_bot.store.database import Database
from balance_bot.store.trades import TradeStore
from bench.table import Row, duration

FILLS = 50_000
YEAR = 2026
TIME_TARGET_S = 5.0  # a file, not a chat reply: a few seconds are fine
STALL_TARGET_S = 0.25  # but the other chats must not notice: their replies wait this at most
MEMORY_TARGET_MB = 200.0  # a small VPS (512 MB) keeps room for the rest of the bot
START = datetime(YEAR, 1, 1, tzinfo=UTC)
NOW = datetime(YEAR, 12, 31, 12, 0, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")
D = Decimal
PAIRS = (("BTC", "TRY"), ("USDT", "TRY"), ("ETH", "USDT"))


def fills(count: int = FILLS, seed: int = 7) -> list[Fill]:
    """Return `count` fills over the year: BTCTRY, USDTTRY and ETHUSDT, never selling short."""
    rng = random.Random(seed)  # noqa: S311 - generated history, not a secret
    first, last = int(START.timestamp() * 1000), int(NOW.timestamp() * 1000) - 86_400_000
    held: dict[str, Decimal] = {"BTC": D(0), "USDT": D(0), "ETH": D(0)}
    made = []
    for index, at_ms in enumerate(sorted(rng.randrange(first, last) for _ in range(count))):
        numerator, denominator = PAIRS[0 if index % 5 < 3 else index % 5 - 2]
        amount = D(rng.randrange(1, 100_000)) / D(10**5)
        price = D(rng.randrange(1_000, 4_000)) if denominator == "USDT" else D(40)
        if numerator == "BTC":
            price = D(rng.randrange(2_000_000, 4_000_000))
        side: Side = "sell" if held[numerator] >= amount and rng.random() < 0.4 else "buy"
        if denominator == "USDT" and side == "buy" and held["USDT"] < amount * price * 2:
            numerator, denominator, price, amount = "USDT", "TRY", D(40), amount * price * 3
        held[numerator] += amount if side == "buy" else -amount
        gross = amount * price
        fee, tax = (gross * D("0.0012")).quantize(D("0.00000001")), D(0)
        if denominator == "USDT":
            held["USDT"] += -(gross + fee) if side == "buy" else gross - fee
        made.append(
            Fill(
                *(str(10**18 + index), str(10**10 + index), at_ms, numerator, denominator),
                side,
                *(price, amount, fee, tax, denominator),
            )
        )
    return made


async def _stalls(done: asyncio.Event) -> float:
    """Return the longest gap between two turns of the event loop until `done` is set."""
    longest, last = 0.0, time.perf_counter()
    while not done.is_set():
        await asyncio.sleep(0)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    return longest


async def _watched(work: Callable[[], Awaitable[bytes]]) -> tuple[bytes, float, float]:
    """Run `work`; return its result, its wall time and the longest loop stall meanwhile."""
    done = asyncio.Event()
    watcher = asyncio.create_task(_stalls(done))
    await asyncio.sleep(0)
    started = time.perf_counter()
    try:
        result = await work()
    finally:
        done.set()
    return result, time.perf_counter() - started, await watcher


async def run() -> list[Row]:
    """Return the /export figures."""
    history = fills()
    view = View(Lang("en"), ISTANBUL, NOW)
    async with FakeBtcTurk(clock=NOW.timestamp, balances=[]) as exchange:
        exchange.candles.default_close["USDTTRY"] = D("34.5")
        async with aiohttp.ClientSession() as session:
            client = BtcTurkClient(
                session,
                base_url=exchange.base_url,
                api_key=DEMO_API_KEY,
                api_secret=DEMO_API_SECRET,
                time_source=NOW.timestamp,
            )
            with tempfile.TemporaryDirectory() as directory:
                db = await Database.open(Path(directory) / "bench.sqlite3")
                try:
                    trades = TradeStore(db)
                    now_ms = str(int(NOW.timestamp() * 1000))
                    progress = {OLDEST_KEY: "0", NEWEST_KEY: now_ms, DONE_KEY: "1"}
                    await trades.save_window(History(fills=tuple(history)), progress)
                    pnl = ProfitAndLoss(
                        trades,
                        DailyPrices(session, exchange.base_url, trades, "TRY"),
                        Backfill(client, trades, lambda: NOW),
                        quote="TRY",
                        method="average",
                        timezone=ISTANBUL,
                        clock=lambda: NOW,
                    )

                    async def export() -> bytes:
                        made = await pnl.export(YEAR)
                        notes = export_notes(made, "TRY", view)
                        labels = export_labels("TRY", view)
                        text = await asyncio.to_thread(
                            export_csv, made.rows, [], labels, ISTANBUL, csv_notes(notes)
                        )
                        return text.encode("utf-8")

                    await export()  # the first reads the year's USDTTRY closes once
                    document, wall, stall = await _watched(export)
                    tracemalloc.start()
                    await export()
                    _, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                finally:
                    await db.close()
    rows = document.count(b"\n") - 1
    return [
        Row(
            f"/export: {FILLS:,} fills in a year ({rows:,} rows, {len(document) / 1e6:.1f} MB)",
            f"{wall:.2f} s",
            f"≤ {TIME_TARGET_S:g} s",
            wall <= TIME_TARGET_S,
        ),
        Row(
            "the same: longest the bot stops answering meanwhile",
            duration(stall),
            f"≤ {duration(STALL_TARGET_S)}",
            stall <= STALL_TARGET_S,
        ),
        Row(
            "the same: peak Python memory",
            f"{peak / 1e6:.0f} MB",
            f"≤ {MEMORY_TARGET_MB:.0f} MB",
            peak / 1e6 <= MEMORY_TARGET_MB,
        ),
    ]
