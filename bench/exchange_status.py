"""BTCTurk's status of its coins and pairs: the cost of one read and compare, every 5 minutes.

The fake exchange serves `exchangeinfo` as BTCTurk does: the captured 2022 answer with the
demo market's pairs added (about 400 symbols, near today's 379, and 290 KB of JSON; the real
one is about 355 KB decompressed). The figure is one read over HTTP on 127.0.0.1 (the
client's request, JSON into Decimal, the tolerant parse) and its comparison with the previous
state and the owner's coins, as the watcher does: its wall time and CPU at the median of
several rounds, the memory it allocates at its peak, and what the state kept between reads
holds.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from datetime import UTC, datetime

import aiohttp

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.core.exchange_status import compare, concerning
from balance_bot.fakes.exchange import FakeBtcTurk
from bench.table import Row, ms, percentile

ROUNDS = 30
WALL_TARGET_S = 0.025  # a read every 5 minutes: under 0.01 % of the time
CPU_TARGET_S = 0.020  # the same work as the 365-pair ticker, a poll's, a few times over
PEAK_TARGET_MB = 8.0  # a small VPS (512 MB) does not notice it
KEPT_TARGET_KB = 256.0
OWNER = {"BTC", "USDT", "TRY", "GLMR", "ETHW"}


async def run() -> list[Row]:
    """Return the rows: one read and compare's time, CPU and memory."""
    async with FakeBtcTurk(rate_limit=False) as exchange, aiohttp.ClientSession() as session:
        client = BtcTurkClient(session, base_url=exchange.base_url)
        size_kb = len(exchange.info.body()) / 1024
        state, _ = compare(None, await client.get_exchange_info(), datetime.now(UTC))
        walls, cpus = [], []
        for _ in range(ROUNDS):
            wall, cpu = time.perf_counter(), time.process_time()
            info = await client.get_exchange_info()
            state, changes = compare(state, info, datetime.now(UTC))
            concerning(changes, OWNER)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        info = await client.get_exchange_info()
        kept, _ = compare(None, info, datetime.now(UTC))
        del info
        gc.collect()
        kept_kb = (tracemalloc.get_traced_memory()[0] - before) / 1024
        peak_mb = (tracemalloc.get_traced_memory()[1] - before) / 1024 / 1024
        tracemalloc.stop()
        pairs = len(kept.pairs)
    wall_p50, cpu_p50 = percentile(walls, 50), percentile(cpus, 50)
    what = f"BTCTurk's status: read and compare {pairs} pairs ({size_kb:.0f} KB)"
    return [
        Row(
            f"{what}, wall p50 / p95",
            f"{ms(wall_p50)} / {ms(percentile(walls, 95))}",
            f"≤ {ms(WALL_TARGET_S)} at p50",
            wall_p50 <= WALL_TARGET_S,
        ),
        Row(f"{what}, CPU p50", ms(cpu_p50), f"≤ {ms(CPU_TARGET_S)}", cpu_p50 <= CPU_TARGET_S),
        Row(
            f"{what}, memory at its peak / kept between reads",
            f"{peak_mb:.1f} MB / {kept_kb:.0f} KB",
            f"≤ {PEAK_TARGET_MB:g} MB / ≤ {KEPT_TARGET_KB:g} KB",
            peak_mb <= PEAK_TARGET_MB and kept_kb <= KEPT_TARGET_KB,
        ),
    ]
