"""Event -> first alert, and -> its explanation, when the history lists the row 10 s late.

Default settings (POLL_INTERVAL_SECONDS=60, the live feed on, EXPLAIN_CHANGES=true). Each of
8 events is a BTC deposit whose history row the fake exchange keeps back, then a balance
update (201) on the feed; 10 s later the row is listed. Timed from the event to the first
"🔔" message (sent with "❔ … not in the history yet") and to the edit that explains it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from functools import partial

from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.telegram import FakeTelegram
from bench.harness import bot_on_fakes, jobs_present
from bench.table import Row, latency_summary, not_measured, percentile

CHAT = 100200300
EVENTS = 8
LAG_S = 10.0
TIMEOUT_S = 40.0
FIRST = "event → first alert, history row 10 s late, feed on"
EDITED = "event → the alert edited with its explanation (same events)"
FIRST_TARGET = "≤ 2 s at p95"
FIRST_LIMIT_S = 2.0


def summary(delays: Sequence[float | None]) -> tuple[str, list[float]]:
    """Return "p50 … / p95 …" (with any missing messages) and the delays that were seen."""
    return latency_summary(delays, "events", "none in time")


def sent(telegram: FakeTelegram, method: str, since: int) -> float | None:
    """Return when the first alert sent with `method` after `sent[since]` went out."""
    return next(
        (
            m.at
            for m in telegram.sent[since:]
            if m.chat_id == CHAT and m.method == method and m.plain_text.startswith("🔔")
        ),
        None,
    )


def out(telegram: FakeTelegram, method: str, since: int) -> bool:
    """Tell whether an alert went out with `method` after `sent[since]`."""
    return sent(telegram, method, since) is not None


async def timings() -> tuple[list[float | None], list[float | None]]:
    """Return, per event, the seconds to its first alert and to its edit."""
    first: list[float | None] = []
    edited: list[float | None] = []
    async with (
        FakeFeed() as feed,
        bot_on_fakes(
            [CHAT], POLL_INTERVAL_SECONDS="60", WEBSOCKET="auto", BTCTURK_WS_URL=feed.ws_url
        ) as (telegram, exchange),
    ):
        await feed.wait_until(lambda: feed.logged_in > 0, timeout=TIMEOUT_S)
        await exchange.wait_until(lambda: exchange.calls["balances"] > 0, timeout=TIMEOUT_S)
        for index in range(EVENTS):
            await asyncio.sleep(0.5)
            since = len(telegram.sent)
            exchange.ledger.deposit("BTC", f"0.{index + 1:02d}", lag=10_000)
            event_at = time.monotonic()
            if not feed.publish_balance_update():
                raise RuntimeError("no connection heard the balance update")
            await telegram.changed.wait_until(
                partial(out, telegram, "sendMessage", since), TIMEOUT_S
            )
            at = sent(telegram, "sendMessage", since)
            first.append(None if at is None else at - event_at)
            await asyncio.sleep(max(0.0, event_at + LAG_S - time.monotonic()))
            exchange.ledger.release_pending()
            await telegram.changed.wait_until(
                partial(out, telegram, "editMessageText", since), TIMEOUT_S
            )
            at = sent(telegram, "editMessageText", since)
            edited.append(None if at is None else at - event_at)
    return first, edited


async def run() -> list[Row]:
    """Return the rows of this figure."""
    if not jobs_present():
        return [not_measured(FIRST, FIRST_TARGET, "no poll job: handlers/jobs.py is absent")]
    first, edited = await timings()
    first_text, seen = summary(first)
    met = len(seen) == len(first) and percentile(seen, 95) <= FIRST_LIMIT_S
    return [Row(FIRST, first_text, FIRST_TARGET, met), Row(EDITED, summary(edited)[0])]
