"""BTCTurk's private feed wakes the poll: alerts without waiting for the schedule, end to end.

The scheduled poll runs once an hour here, so an alert that arrives was woken by the feed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.feed import FakeFeed
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.jobs import poll_balances
from balance_bot.services.feed import MIN_GAP_S
from balance_bot.services.monitor import PollOutcome
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    REPLY_TIMEOUT_S,
    BotHarness,
    poll,
    sent_to,
    services_of,
)
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
STORM_S = 1  # a second of 200 events a second (a minute of them: tests/unit/test_feed_wake.py)


@pytest.fixture
async def feed() -> AsyncIterator[FakeFeed]:
    async with FakeFeed(heartbeat_s=0.2) as server:
        yield server


@pytest.fixture
def feed_settings(make_settings: Callable[..., Settings], feed: FakeFeed) -> Settings:
    return make_settings(WEBSOCKET="auto", BTCTURK_WS_URL=feed.ws_url)


async def started(bot: BotHarness, feed: FakeFeed) -> int:
    """Wait for the feed's login and take the baseline; return the messages sent so far."""
    await feed.wait_until(lambda: feed.logged_in == 1, timeout=REPLY_TIMEOUT_S, what="a login")
    await poll(bot)  # the baseline, whatever poll came first
    return len(bot.telegram.sent)


async def test_a_balance_update_on_the_feed_alerts_without_waiting_for_the_poll(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed
) -> None:
    async with start_bot(feed_settings) as bot:
        since = await started(bot, feed)
        bot.exchange.set_balance("USDT", "1600.25")
        assert feed.publish_balance_update() == 1
        [alert] = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
        )

    assert alert.plain_text.splitlines()[1] == "USDT 1,500.25 → 1,600.25"


async def test_a_fill_on_the_feed_alerts_at_once(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed
) -> None:
    async with start_bot(feed_settings) as bot:
        since = await started(bot, feed)
        [row] = bot.exchange.ledger.buy("BTCTRY", "0.001", "3500000")
        assert feed.publish_trade(row) == 1
        [alert] = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
        )

    assert "BTC 9.75021866 → 9.75121866" in alert.plain_text.splitlines()


async def test_a_dropped_connection_loses_no_change(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed
) -> None:
    async with start_bot(feed_settings) as bot:
        since = await started(bot, feed)
        feed.drop_now()
        bot.exchange.set_balance("USDT", "1600.25")  # while no one listens: no event for it
        await feed.wait_until(lambda: feed.logins == 2, timeout=REPLY_TIMEOUT_S, what="a relogin")
        [alert] = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
        )
        await poll(bot)  # nothing new: the catch-up poll reported it already

    assert alert.plain_text.splitlines()[1] == "USDT 1,500.25 → 1,600.25"
    assert len(sent_to(bot, ALLOWED_CHAT, "🔔")) == 1


async def test_a_refused_login_falls_back_to_polling_and_says_so_once(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed
) -> None:
    feed.websocket_permission = False
    async with start_bot(feed_settings) as bot:
        await feed.wait_until(lambda: feed.refusals == 1, timeout=REPLY_TIMEOUT_S, what="refusal")
        context = BotContext(bot.application)
        await poll_balances(context)
        bot.exchange.set_balance("USDT", "1600.25")
        await poll_balances(context)  # the scheduled poll still runs, and alerts
        [status] = await bot.ask("/status")

    notices = sent_to(bot, ALLOWED_CHAT, "⚡")
    assert len(notices) == 1
    assert "WebSocket permission" in notices[0].plain_text
    assert len(sent_to(bot, ALLOWED_CHAT, "🔔")) == 1
    assert feed.attempts == 1  # no retry loop
    assert "Live feed refused" in status.plain_text


async def test_status_shows_the_live_feed(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        [status] = await bot.ask("/status")

    lines = status.plain_text.splitlines()
    assert any(line.startswith("⚡ Live feed connected since ") for line in lines)
    assert "Checking balances every 5 minutes while the live feed is up" in lines


async def test_an_event_before_its_data_is_looked_at_again_within_seconds(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed
) -> None:
    async with start_bot(feed_settings) as bot:
        since = await started(bot, feed)
        reads = bot.exchange.calls["balances"]
        assert feed.publish_balance_update() == 1
        await bot.exchange.wait_until(
            lambda: bot.exchange.calls["balances"] > reads,
            timeout=REPLY_TIMEOUT_S,
            what="the poll the event woke",
        )  # it read the balances before they changed
        bot.exchange.set_balance("USDT", "1600.25")  # BTCTurk shows the change a moment later
        [alert] = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
        )  # not at the safety poll (an hour away here)

    assert alert.plain_text.splitlines()[1] == "USDT 1,500.25 → 1,600.25"


async def test_an_event_storm_keeps_balance_and_ticker_reads_within_budget(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        balances, tickers = bot.exchange.calls["balances"], bot.exchange.calls["ticker"]
        began = time.monotonic()
        for _ in range(STORM_S * 10):  # 200 events a second, in bursts of 20
            for _ in range(20):
                feed.publish_balance_update()
            await asyncio.sleep(0.1)
        bot.exchange.set_balance("USDT", "1600.25")
        feed.publish_balance_update()
        await bot.telegram.wait_for_messages(ALLOWED_CHAT, timeout=REPLY_TIMEOUT_S)
        elapsed_s = time.monotonic() - began

    read = bot.exchange.calls["balances"] - balances
    assert read == bot.exchange.calls["ticker"] - tickers  # one ticker read per poll
    # At most one woken poll a second (a minute: 60 of BTCTurk's 120), however many events.
    assert read <= elapsed_s / MIN_GAP_S + 2, (read, elapsed_s)
    assert bot.exchange.rate_limit_hits == 0


async def test_a_check_that_failed_is_tried_again_at_the_regular_interval(
    start_bot: StartBot,
    feed_settings: Settings,
    feed: FakeFeed,
    wiring: BotWiring,
) -> None:
    wiring.jobs = False  # the test runs each check; the feed's own wake-ups are only counted
    async with start_bot(feed_settings) as bot:
        watch = services_of(bot).account.feed
        assert watch is not None
        woken: list[None] = []
        watch.start(lambda: _counted(woken))
        await feed.wait_until(lambda: watch.healthy, timeout=REPLY_TIMEOUT_S, what="a login")
        context = BotContext(bot.application)
        await poll_balances(context, woken=True)  # the baseline, as after an event
        assert await poll_balances(context) is None  # the feed is healthy: the regular one waits
        bot.exchange.inject("maintenance", times=3)  # one check's three tries
        bot.exchange.set_balance("USDT", "1600.25")
        failed = await poll_balances(context, woken=True)  # the event's check: BTCTurk down
        assert failed is not None and not failed.succeeded
        retried = await poll_balances(context)  # the next regular check, BTCTurk back

    assert retried is not None and retried.changed  # not 5 minutes later, at the safety check
    [alert] = sent_to(bot, ALLOWED_CHAT, "🔔")
    assert alert.plain_text.splitlines()[1] == "USDT 1,500.25 → 1,600.25"


async def _counted(woken: list[None]) -> PollOutcome | None:
    woken.append(None)
    return None
