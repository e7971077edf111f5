"""Requests per minute under a storm of 200 "balance updated" events a second, for a minute.

Default settings (the live feed on, POLL_INTERVAL_SECONDS=60, EXPLAIN_CHANGES=true). Every
5 s during the storm a deposit really happens (its history row listed at once), so the
history is read too. Counted on the fake exchange, per endpoint, over the minute.
"""

from __future__ import annotations

import asyncio
import time

from balance_bot.fakes.feed import FakeFeed
from bench.harness import bot_on_fakes, jobs_present
from bench.table import Row, not_measured

CHAT = 100200300
STORM_S = 60.0
PER_SECOND = 200
BURSTS = 20  # a second's events come in this many bursts
TIMEOUT_S = 20.0
BUDGETS = {"balances": 120, "ticker": 600, "trades": 120, "crypto": 90, "fiat": 90}
FIGURE = "requests in a minute of 200 events/s (and a deposit every 5 s)"
TARGET = "balances ≤ 120, ticker ≤ 600, trades ≤ 120, crypto and fiat ≤ 90"


async def counts() -> tuple[dict[str, int], int]:
    """Return the requests per endpoint during the storm, and the alerts sent."""
    async with (
        FakeFeed() as feed,
        bot_on_fakes(
            [CHAT], POLL_INTERVAL_SECONDS="60", WEBSOCKET="auto", BTCTURK_WS_URL=feed.ws_url
        ) as (telegram, exchange),
    ):
        await feed.wait_until(lambda: feed.logged_in > 0, timeout=TIMEOUT_S)
        await exchange.wait_until(lambda: exchange.calls["balances"] > 0, timeout=TIMEOUT_S)
        await asyncio.sleep(2.0)  # the login's poll is over
        before = {endpoint: exchange.calls[endpoint] for endpoint in BUDGETS}
        sent_before = len(telegram.sent)
        began = time.monotonic()
        tick = 0
        while time.monotonic() - began < STORM_S:
            if tick % (5 * BURSTS) == 0:
                exchange.ledger.deposit("TRY", f"{100 + tick}")
            for _ in range(PER_SECOND // BURSTS):
                feed.publish_balance_update()
            tick += 1
            await asyncio.sleep(max(0.0, began + tick / BURSTS - time.monotonic()))
        used = {endpoint: exchange.calls[endpoint] - before[endpoint] for endpoint in BUDGETS}
        alerts = sum(1 for m in telegram.sent[sent_before:] if m.plain_text.startswith("🔔"))
    return used, alerts


async def run() -> list[Row]:
    """Return the row of this figure."""
    if not jobs_present():
        return [not_measured(FIGURE, TARGET, "no poll job: handlers/jobs.py is absent")]
    used, alerts = await counts()
    measured = ", ".join(f"{endpoint} {count}" for endpoint, count in used.items())
    met = all(used[endpoint] <= budget for endpoint, budget in BUDGETS.items())
    return [Row(FIGURE, f"{measured}; {alerts} alerts for 12 deposits", TARGET, met)]
