"""Order event -> owner's message, at the default settings, and the requests it costs.

The bot runs as deployed (WEBSOCKET=auto on the fake feed, POLL_INTERVAL_SECONDS=60,
NOTIFY_ORDER_CHANGES and EXPLAIN_CHANGES at their defaults). The fake account's order desk
moves the balances and sends the frames the real feed sends. In each of CYCLES cycles a limit
sell is placed ("🔒 … placed"), partly filled (the balance alert, "◐ …"), edited ("✏️ …")
and cancelled ("❌ …"), one after another, each timed from its frames to the message; after
them a market buy of ten fills must be one alert. The balance, ticker and history reads
of the whole run are counted against the frames that wake the poll (each operation's 201,
and a fill's 423): the order events themselves (451, 452, 441) may cost no read of their
own, and their news none at all.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence

from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.orders import Frame
from balance_bot.fakes.telegram import FakeTelegram
from bench.harness import bot_on_fakes, jobs_present, wait_replies
from bench.table import Row, latency_summary, not_measured, percentile

CHAT = 100200300
CYCLES = 15
TIMEOUT_S = 10.0
LIMIT_S = 2.0
NEWS = "order event → message (placed, edited, cancelled), default settings"
FILLS = "fill event → its balance alert with the order's story"
READS = "balance reads per order operation, against the frames that wake the poll (201, 423)"
MARKET = "a market order of 10 fills → messages to the owner"
TARGET = "≤ 2 s at p95"
HISTORY = ("trades", "crypto", "fiat")
WAKING = (201, 423)  # the frames that wake the poll; 441, 451 and 452 do not


async def timed(
    telegram: FakeTelegram, feed: FakeFeed, frames: Sequence[Frame], prefix: str
) -> float | None:
    """Publish an operation's frames; return the seconds until the owner's message."""
    since = len(telegram.sent)
    started = time.monotonic()
    if not feed.publish_frames(frames):
        raise RuntimeError("no connection heard the order's frames")
    found = await wait_replies(telegram, [CHAT], since=since, prefix=prefix, timeout=TIMEOUT_S)
    return found[0].at - started if found else None


async def measure(
    cycles: int = CYCLES, seed: int = 23
) -> tuple[dict[str, list[float | None]], dict[str, int], int, int, int]:
    """Return each kind's delays, the reads of the run, its operations, the frames in them
    that wake the poll, and the messages the owner got of the market order."""
    jitter = random.Random(seed)  # noqa: S311 - a spread of moments, not a secret
    delays: dict[str, list[float | None]] = {"news": [], "fills": []}
    async with (
        FakeFeed() as feed,
        bot_on_fakes(
            [CHAT],
            POLL_INTERVAL_SECONDS="60",
            NOTIFY_ORDER_CHANGES="silent",
            WEBSOCKET="auto",
            BTCTURK_WS_URL=feed.ws_url,
        ) as (telegram, exchange),
    ):
        await feed.wait_until(lambda: feed.logged_in > 0, timeout=TIMEOUT_S)
        await exchange.wait_until(lambda: exchange.calls["balances"] > 0, timeout=TIMEOUT_S)
        await asyncio.sleep(1.0)  # the login's catch-up poll is over
        before = reads(exchange)
        desk, operations, wakes = exchange.desk, 0, 0

        async def step(kind: str, prefix: str, frames: list[Frame], counted: bool) -> None:
            nonlocal operations, wakes
            delay = await timed(telegram, feed, frames, prefix)
            operations += 1
            wakes += sum(1 for frame_kind, _ in frames if frame_kind in WAKING)
            if counted:
                delays[kind].append(delay)
            await asyncio.sleep(jitter.uniform(0.2, 0.6))

        for cycle in range(cycles + 1):  # the first warms up and is not counted
            placed = desk.place("sell", "BTCTRY", "0.01", "3900000")
            order_id = int(placed[0][1]["id"])
            await step("news", "🔒", placed, bool(cycle))
            await step("fills", "🔔", desk.fill(order_id, "0.004"), bool(cycle))
            await step("news", "✏️", desk.edit(order_id, price="3950000"), bool(cycle))
            await step("news", "❌", desk.cancel(max(desk.orders)), bool(cycle))
        market_since = len(telegram.sent)
        frames = desk.market("sell", "BTCTRY", "0.02", "3500000", fills=10)
        operations += 1
        wakes += sum(1 for frame_kind, _ in frames if frame_kind in WAKING)
        await timed(telegram, feed, frames, "🔔")
        await asyncio.sleep(3.0)  # a round of news and more: nothing else may come
        market = sum(1 for m in telegram.sent[market_since:] if m.chat_id == CHAT)
        after = reads(exchange)
    spent = {name: after[name] - before[name] for name in after}
    return delays, spent, operations, wakes, market


def reads(exchange: FakeBtcTurk) -> dict[str, int]:
    """Return the exchange's reads so far: balances, ticker and the history's."""
    return {
        "balances": exchange.calls["balances"],
        "ticker": exchange.calls["ticker"],
        "history": sum(exchange.calls[name] for name in HISTORY),
    }


def rows(
    delays: dict[str, list[float | None]],
    spent: dict[str, int],
    operations: int,
    wakes: int,
    market: int,
) -> list[Row]:
    """Return the figure's rows."""
    found = []
    for name, kind in ((NEWS, "news"), (FILLS, "fills")):
        text, seen = latency_summary(delays[kind], "events", "no message in time")
        met = len(seen) == len(delays[kind]) and bool(seen) and percentile(seen, 95) <= LIMIT_S
        found.append(Row(name, text, TARGET, met))
    measured = (
        f"{spent['balances'] / operations:.2f} ({spent['balances']} balance and "
        f"{spent['ticker']} ticker reads for {operations} operations of {wakes} waking frames);"
        f" history {spent['history']} reads"
    )
    target = "≤ 1 a waking frame, none for 441, 451, 452"
    found.append(Row(READS, measured, target, spent["balances"] <= wakes))
    found.append(Row(MARKET, f"{market} message(s)", "1", market == 1))
    return found


async def run() -> list[Row]:
    """Return the rows of this figure."""
    if not jobs_present():
        return [not_measured(NEWS, TARGET, "no poll job: handlers/jobs.py is absent")]
    return rows(*await measure())
