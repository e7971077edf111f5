"""Event -> alert: a balance changes on the exchange and BTCTurk's feed says so.

With the feed (WEBSOCKET=auto, the fake feed's URL, POLL_INTERVAL_SECONDS=60): after a
warm-up event, 50 events one after another, each a new BTC balance in the fake exchange then a
balance update (201) published on the feed, timed from the change to the "🔔" alert.

The poll alone (WEBSOCKET=off, POLL_INTERVAL_SECONDS=60), for comparison: the 50 events
come at random moments over two poll cycles, each on an asset of its own (a 52-asset
account, TRY and BTC left out), so one poll reports several; each event is timed to the first
message after it that lists its asset. EXPLAIN_CHANGES=false in both: the wake-up path alone
is measured (explaining has its own figures).
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Sequence
from decimal import Decimal

from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.telegram import SentMessage
from bench.accounts import account
from bench.harness import (
    bot_on_fakes,
    jobs_present,
    wait_replies,
)
from bench.table import Row, latency_summary, not_measured, percentile

CHAT = 100200300
EVENTS = 50
POLL_INTERVAL_S = 60
CYCLES = 2
TIMEOUT_S = 10.0
BTC_LOCKED = "3.3109771999999998"
FEED = f"event → alert, feed on, {POLL_INTERVAL_S} s polls"
POLL = f"event → alert, poll alone every {POLL_INTERVAL_S} s"
FEED_TARGET = "≤ 2 s at p95"
FEED_LIMIT_S = 2.0


def summary(delays: Sequence[float | None]) -> tuple[str, list[float]]:
    """Return "p50 … / p95 …" (with any missing alerts) and the delays that were seen."""
    return latency_summary(delays, "events", "no alert in time")


async def with_feed(events: int = EVENTS, seed: int = 17) -> list[float | None]:
    """Return, for each event, the seconds from the change to its alert (None: none in time)."""
    jitter = random.Random(seed)  # noqa: S311 - a spread of moments, not a secret
    results: list[float | None] = []
    async with (
        FakeFeed() as feed,
        bot_on_fakes(
            [CHAT],
            POLL_INTERVAL_SECONDS=str(POLL_INTERVAL_S),
            EXPLAIN_CHANGES="false",
            WEBSOCKET="auto",
            BTCTURK_WS_URL=feed.ws_url,
        ) as (telegram, exchange),
    ):
        await feed.wait_until(lambda: feed.logged_in > 0, timeout=TIMEOUT_S)
        await exchange.wait_until(lambda: exchange.calls["balances"] > 0, timeout=TIMEOUT_S)
        for index in range(events + 1):  # the first warms up and is not counted
            await asyncio.sleep(jitter.uniform(0, 0.2))
            since = len(telegram.sent)
            changed_at = time.monotonic()
            exchange.set_balance("BTC", f"{20 + index}.5", locked=BTC_LOCKED)
            if not feed.publish_balance_update():
                raise RuntimeError("no connection heard the balance update")
            alerts = await wait_replies(
                telegram, [CHAT], since=since, prefix="🔔", timeout=TIMEOUT_S
            )
            if index:
                results.append(alerts[0].at - changed_at if alerts else None)
    return results


def lists(message: SentMessage, asset: str) -> bool:
    """Tell whether a message has a line that starts with `asset` (the alert's move line)."""
    return re.search(rf"^{re.escape(asset)}\s", message.plain_text, re.MULTILINE) is not None


def first_listing(sent: list[SentMessage], asset: str, changed_at: float) -> float | None:
    """Return the time of the first message after `changed_at` that lists `asset`."""
    return next((m.at for m in sent if m.at >= changed_at and lists(m, asset)), None)


async def poll_alone(events: int = EVENTS, seed: int = 19) -> list[float | None]:
    """Return, for each event, the seconds from the change to the alert listing its asset."""
    jitter = random.Random(seed)  # noqa: S311 - a spread of moments, not a secret
    balances, tickers = account(events + 2)
    assets = [str(b["asset"]) for b in balances if b["asset"] not in ("TRY", "BTC")][:events]
    changes: list[tuple[str, float]] = []
    async with bot_on_fakes(
        [CHAT],
        balances=balances,
        tickers=tickers,
        POLL_INTERVAL_SECONDS=str(POLL_INTERVAL_S),
        EXPLAIN_CHANGES="false",
        WEBSOCKET="off",
    ) as (telegram, exchange):
        await exchange.wait_until(lambda: exchange.calls["balances"] > 0, timeout=TIMEOUT_S)
        first_poll = time.monotonic()
        span = CYCLES * POLL_INTERVAL_S - 1.0
        moments = sorted(first_poll + 0.5 + jitter.uniform(0, span) for _ in assets)
        for asset, moment in zip(assets, moments, strict=True):
            await asyncio.sleep(max(0.0, moment - time.monotonic()))
            changes.append((asset, time.monotonic()))
            exchange.set_balance(asset, Decimal(1000 + len(changes)) + Decimal("0.5"))
        last = changes[-1][1]

        def all_listed() -> bool:
            return all(first_listing(telegram.sent, a, t) for a, t in changes)

        await telegram.changed.wait_until(
            all_listed, last - time.monotonic() + POLL_INTERVAL_S + TIMEOUT_S
        )
        sent = list(telegram.sent)
    delays = [first_listing(sent, asset, at) for asset, at in changes]
    return [None if d is None else d - at for d, (_, at) in zip(delays, changes, strict=True)]


def rows(feed: Sequence[float | None], poll: Sequence[float | None]) -> list[Row]:
    """Return the two rows: with the feed (its target) and the poll alone (a reference)."""
    feed_text, feed_seen = summary(feed)
    met = (
        len(feed_seen) == len(feed)
        and bool(feed_seen)
        and percentile(feed_seen, 95) <= FEED_LIMIT_S
    )
    return [Row(FEED, feed_text, FEED_TARGET, met), Row(POLL, summary(poll)[0])]


async def run() -> list[Row]:
    """Return the rows of this figure."""
    if not jobs_present():
        return [not_measured(FEED, FEED_TARGET, "no poll job: handlers/jobs.py is absent")]
    return rows(await with_feed(), await poll_alone())
