"""Event -> change alert and -> price alert while the history and the chart server hang.

Default settings (the live feed on, POLL_INTERVAL_SECONDS=60, EXPLAIN_CHANGES=true), one
price alert set on BTC. Each of 15 events moves BTC's balance (with its history row) and
BTC's price across the alert's line, then publishes a balance update on the feed; timed to
the "🔔" change alert and to the "⚠️" price alert. Run once with every server answering, once
with the three history endpoints and the chart server (BTCTURK_GRAPH_URL) holding every
request open.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence

from balance_bot.fakes.exchange import Endpoint
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.telegram import FakeTelegram
from bench.harness import bot_on_fakes, jobs_present
from bench.table import Row, latency_summary, not_measured

CHAT = 100200300
EVENTS = 15
TIMEOUT_S = 20.0
HISTORY: tuple[Endpoint, ...] = ("trades", "crypto", "fiat")


@contextlib.asynccontextmanager
async def hanging_server() -> AsyncIterator[str]:
    """Serve a TCP port that accepts and never answers; yield its URL."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        for writer in held:
            writer.close()
        server.close()


def first(telegram: FakeTelegram, since: int, prefix: str) -> float | None:
    """Return when the first message after `sent[since]` starting with `prefix` went out."""
    return next(
        (
            m.at
            for m in telegram.sent[since:]
            if m.chat_id == CHAT and m.plain_text.startswith(prefix)
        ),
        None,
    )


async def timings(hang: bool) -> tuple[list[float | None], list[float | None]]:
    """Return, per event, the seconds to its change alert and to its price alert."""
    changes: list[float | None] = []
    prices: list[float | None] = []
    async with (
        hanging_server() as graph,
        FakeFeed() as feed,
        bot_on_fakes(
            [CHAT],
            WEBSOCKET="auto",
            BTCTURK_WS_URL=feed.ws_url,
            POLL_INTERVAL_SECONDS="60",
            BTCTURK_GRAPH_URL=graph if hang else "http://127.0.0.1:9",
        ) as (telegram, exchange),
    ):
        await feed.wait_until(lambda: feed.logged_in > 0, timeout=TIMEOUT_S)
        await exchange.wait_until(lambda: exchange.calls["balances"] > 0, timeout=TIMEOUT_S)
        since = len(telegram.sent)
        telegram.send_text(CHAT, "/alert btc price above 3600000 cooldown 0")
        await telegram.wait_for_messages(CHAT, since=since, timeout=TIMEOUT_S)
        if hang:
            for endpoint in HISTORY:
                exchange.inject("timeout", times=10_000, endpoint=endpoint)
        for index in range(EVENTS):
            await asyncio.sleep(0.5)
            exchange.set_price("BTCTRY", "3500000")  # below the line: the alert re-arms
            feed.publish_balance_update()
            await asyncio.sleep(1.5)
            since = len(telegram.sent)
            exchange.ledger.deposit("BTC", f"0.{index + 1:02d}")
            exchange.set_price("BTCTRY", "3700000")
            event_at = time.monotonic()
            feed.publish_balance_update()

            def both(s: int = since) -> bool:
                return first(telegram, s, "🔔") is not None and first(telegram, s, "⚠️") is not None

            await telegram.changed.wait_until(both, TIMEOUT_S)
            for found, prefix in ((changes, "🔔"), (prices, "⚠️")):
                at = first(telegram, since, prefix)
                found.append(None if at is None else at - event_at)
    return changes, prices


def text(delays: Sequence[float | None]) -> str:
    """Return "p50 … / p95 …" with any missing alerts."""
    return latency_summary(delays, "events", "none in time")[0]


async def run() -> list[Row]:
    """Return the rows of this figure."""
    name = "change and price alert, history and chart hanging"
    if not jobs_present():
        return [not_measured(name, "", "no poll job: handlers/jobs.py is absent")]
    normal_changes, normal_prices = await timings(hang=False)
    hung_changes, hung_prices = await timings(hang=True)
    return [
        Row("event → change alert, every server answering", text(normal_changes)),
        Row("event → price alert, same", text(normal_prices)),
        Row("event → change alert, history and chart hanging", text(hung_changes)),
        Row("event → price alert, history and chart hanging", text(hung_prices)),
    ]
