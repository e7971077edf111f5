"""Recovering from refusals as fast as it is safe, end to end on the fakes.

A key refused for a few seconds loses no alert; a flood of commands while the key is refused
costs one refused request; a feed login refused for its timestamp logs in once the clock is
measured again; permissions granted while the bot runs are seen after "Check again" in
/status, and after the key works again elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from balance_bot.config import Settings, load_settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.telegram import FakeTelegram, SentMessage
from balance_bot.handlers.context import BotContext
from balance_bot.handlers.jobs import poll_balances
from balance_bot.services.monitor import PollOutcome
from balance_bot.telegram_io.backlog import MAX_WAITING_PER_CHAT
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    REPLY_TIMEOUT_S,
    BotHarness,
    poll,
    sent_to,
    services_of,
)
from tests.faults.conftest import base_env, expire_cache
from tests.kit.clocks import ManualMonotonic, RecordedSleep
from tests.kit.wiring import BotWiring

pytestmark = [pytest.mark.faults]

StartBot = Callable[[Settings], Any]
QUIET_SUCCESS = PollOutcome(succeeded=True, queued=0)
FAILED = PollOutcome(succeeded=False, queued=0)
REFUSED_KEY = "0b5e4c2d-refused-public-key"
CHECK_AGAIN = "🔄 Check again"
FLOOD = MAX_WAITING_PER_CHAT  # as many commands as one chat may have waiting at once


@pytest.fixture
def auth_clock(wiring: BotWiring) -> ManualMonotonic:
    """Build the client's key pauses and permission re-checks on a clock the test moves."""
    return wiring.hand_auth_clock()


@pytest.fixture
async def feed() -> AsyncIterator[FakeFeed]:
    async with FakeFeed(heartbeat_s=0.2) as server:
        yield server


@pytest.fixture
def make_settings(
    exchange: FakeBtcTurk, telegram: FakeTelegram, tmp_path: Path
) -> Callable[..., Settings]:
    """Return the fault suite's settings, with a refused key retried as it is by default."""

    def build(**overrides: str) -> Settings:
        env = base_env(exchange, telegram, tmp_path / "data")
        del env["BTCTURK_KEY_RETRY_SECONDS"]
        return load_settings(env | overrides)

    return build


def feed_settings(make_settings: Callable[..., Settings], feed: FakeFeed, **more: str) -> Settings:
    return make_settings(WEBSOCKET="auto", BTCTURK_WS_URL=feed.ws_url, **more)


def texts(bot: BotHarness, prefix: str) -> list[str]:
    return [m.plain_text for m in sent_to(bot, ALLOWED_CHAT, prefix)]


async def press(bot: BotHarness, message: SentMessage, label: str) -> SentMessage:
    """Press the button `label` under `message`; return the message it rewrote."""
    assert message.reply_markup is not None, message.plain_text
    [button] = [b for row in message.reply_markup["inline_keyboard"] for b in row]
    assert button["text"] == label
    since = len(bot.telegram.sent)
    bot.telegram.send_callback(ALLOWED_CHAT, button["callback_data"], message_id=message.message_id)
    [edited] = await bot.telegram.wait_for_messages(
        ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
    )
    return edited


@pytest.mark.usefixtures("without_jobs")
async def test_a_key_refused_for_seconds_loses_no_alert(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    backoff: RecordedSleep,
    auth_clock: ManualMonotonic,
) -> None:
    async with start_bot(make_settings()) as bot:
        assert await poll(bot) == QUIET_SUCCESS
        key, bot.exchange.api_key = bot.exchange.api_key, REFUSED_KEY
        bot.exchange.set_balance("USDT", "1600.25")
        assert await poll(bot) == FAILED  # refused, and refused again 5 s later
        refused = bot.exchange.auth_failures
        bot.exchange.api_key = key  # the refusal is over
        auth_clock.now += 10  # seconds later
        outcome = await poll(bot)

    assert outcome.succeeded
    [alert] = texts(bot, "🔔")
    assert alert.splitlines()[1] == "USDT 1,500.25 → 1,600.25"
    assert refused == 2
    assert backoff.delays == [5.0]


@pytest.mark.usefixtures("without_jobs", "backoff")
async def test_a_flood_of_commands_during_a_pause_costs_one_refused_request(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    cache_clock: ManualMonotonic,
    auth_clock: ManualMonotonic,
) -> None:
    async with start_bot(make_settings()) as bot:
        assert await poll(bot) == QUIET_SUCCESS
        bot.exchange.api_key = REFUSED_KEY
        assert await poll(bot) == FAILED
        auth_clock.now += 1  # the next scheduled try is still seconds away
        refused = bot.exchange.auth_failures
        expire_cache(cache_clock)
        since = len(bot.telegram.sent)
        for _ in range(FLOOD):
            bot.telegram.send_text(ALLOWED_CHAT, "/balance")
        replies = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, count=FLOOD, since=since, timeout=REPLY_TIMEOUT_S
        )

    assert bot.exchange.auth_failures - refused == 1  # the first command tried, the rest waited
    assert all(r.plain_text.startswith("🔑 BTCTurk refused the API key") for r in replies)


async def test_a_feed_login_with_the_exchange_clock_two_minutes_ahead_logs_in(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    feed: FakeFeed,
) -> None:
    exchange.clock_offset_s = feed.clock_offset_s = 120.0
    async with start_bot(feed_settings(make_settings, feed)) as bot:
        await feed.wait_until(lambda: feed.logins == 1, timeout=REPLY_TIMEOUT_S, what="a login")

    assert feed.refusals == 0  # the clock was measured before the first login
    assert texts(bot, "⚡") == []


@pytest.mark.usefixtures("without_jobs")
async def test_a_feed_login_refused_for_its_timestamp_logs_in_after_measuring_again(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    feed: FakeFeed,
) -> None:
    woken: list[int] = []

    async def poll_when_woken() -> None:  # no balance read: only the feed measures the clock
        woken.append(feed.logins)

    async with start_bot(feed_settings(make_settings, feed)) as bot:
        services = services_of(bot)
        assert services.account.feed is not None
        services.account.feed.start(poll_when_woken)
        await feed.wait_until(lambda: feed.logins == 1, timeout=REPLY_TIMEOUT_S, what="a login")
        exchange.clock_offset_s = feed.clock_offset_s = 120.0  # the exchange's clock jumps
        feed.drop_now()
        await feed.wait_until(lambda: feed.logins == 2, timeout=REPLY_TIMEOUT_S, what="a relogin")
        [status] = await bot.ask("/status")

    assert feed.refusals == 1  # refused for its timestamp once, then measured and logged in
    assert exchange.calls["balances"] == 0
    assert texts(bot, "⚡") == []  # nothing to tell the chats: it was fixed at once
    assert "⚡ Live feed connected since" in status.plain_text


async def test_permissions_granted_while_running_are_seen_after_check_again(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    feed: FakeFeed,
) -> None:
    exchange.account_permission = feed.websocket_permission = False
    async with start_bot(feed_settings(make_settings, feed, EXPLAIN_CHANGES="true")) as bot:
        await feed.wait_until(lambda: feed.refusals == 1, timeout=REPLY_TIMEOUT_S, what="refusal")
        [before] = await bot.ask("/history")
        [status] = await bot.ask("/status")
        exchange.account_permission = feed.websocket_permission = True  # the owner fixed it
        checked = await press(bot, status, CHECK_AGAIN)
        await feed.wait_until(lambda: feed.logins == 1, timeout=REPLY_TIMEOUT_S, what="a login")
        [after] = await bot.ask("/history")

    assert before.plain_text.startswith("🔑 /history needs the API key's Account permission")
    assert "Changes are not explained" in status.plain_text
    assert "Live feed refused" in status.plain_text
    assert "Press 🔄 Check again" in status.plain_text
    assert checked.method == "editMessageText"
    assert checked.message_id == status.message_id
    assert "Changes are not explained" not in checked.plain_text
    assert "⚡ Live feed connected since" in checked.plain_text
    assert checked.reply_markup is None  # nothing left to check
    assert after.plain_text.startswith("📜")
    assert (feed.attempts, exchange.history_refusals) == (2, 1)


async def test_permissions_granted_while_running_are_seen_when_the_key_works_again(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    feed: FakeFeed,
    auth_clock: ManualMonotonic,
) -> None:
    exchange.account_permission = feed.websocket_permission = False
    async with start_bot(feed_settings(make_settings, feed, EXPLAIN_CHANGES="true")) as bot:
        await feed.wait_until(lambda: feed.refusals == 1, timeout=REPLY_TIMEOUT_S, what="refusal")
        [before] = await bot.ask("/history")
        key, exchange.api_key = exchange.api_key, REFUSED_KEY  # the key refused altogether
        assert not (await poll(bot)).succeeded
        exchange.api_key = key  # the owner fixed the key, and gave it its permissions
        exchange.account_permission = feed.websocket_permission = True
        auth_clock.now += 60
        assert (await poll(bot)).succeeded  # the balances read again: a success elsewhere
        await feed.wait_until(lambda: feed.logins == 1, timeout=REPLY_TIMEOUT_S, what="a login")
        [after] = await bot.ask("/history")

    assert before.plain_text.startswith("🔑 /history needs the API key's Account permission")
    assert after.plain_text.startswith("📜")
    assert feed.attempts == 2


async def test_a_key_refused_everywhere_is_told_as_the_key_not_the_websocket_permission(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    feed: FakeFeed,
    auth_clock: ManualMonotonic,
    backoff: RecordedSleep,
) -> None:
    async with start_bot(feed_settings(make_settings, feed)) as bot:
        await feed.wait_until(lambda: feed.logins == 1, timeout=REPLY_TIMEOUT_S, what="a login")
        context = BotContext(bot.application)
        key, exchange.api_key = exchange.api_key, REFUSED_KEY  # refused for the balances,
        feed.api_key = REFUSED_KEY  # and for the feed's login: "Invalid Public key"
        feed.drop_now()
        await feed.wait_until(lambda: feed.refusals == 1, timeout=REPLY_TIMEOUT_S, what="refusal")
        await poll_balances(context)  # refused
        [status] = await bot.ask("/status")
        [orders] = await bot.ask("/orders")
        exchange.api_key = feed.api_key = key  # the key works again
        auth_clock.now += 60
        await poll_balances(context)  # the balances read: the feed is asked again at once
        await feed.wait_until(lambda: feed.logins == 2, timeout=REPLY_TIMEOUT_S, what="a login")
        await poll_balances(context)
        await services_of(bot).deliverer.deliver_due()

    assert "WebSocket permission" not in status.plain_text
    assert "⚡ Live feed refused, as the API key is" in status.plain_text
    assert "WebSocket permission" not in orders.plain_text
    assert "refused like the API key itself" in orders.plain_text
    assert texts(bot, "⚡") == []  # never told the key lacks a permission


async def test_a_key_back_without_the_websocket_permission_is_then_told_as_the_permission(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    feed: FakeFeed,
    auth_clock: ManualMonotonic,
    backoff: RecordedSleep,
) -> None:
    async with start_bot(feed_settings(make_settings, feed)) as bot:
        await feed.wait_until(lambda: feed.logins == 1, timeout=REPLY_TIMEOUT_S, what="a login")
        context = BotContext(bot.application)
        key, exchange.api_key = exchange.api_key, REFUSED_KEY
        feed.api_key = REFUSED_KEY
        feed.drop_now()
        await feed.wait_until(lambda: feed.refusals == 1, timeout=REPLY_TIMEOUT_S, what="refusal")
        await poll_balances(context)  # refused: nothing said of the feed
        exchange.api_key = feed.api_key = key  # the key works again, without WebSocket now
        feed.websocket_permission = False
        auth_clock.now += 60
        await poll_balances(context)  # the balances read: the feed is asked again at once
        await feed.wait_until(lambda: feed.refusals == 2, timeout=REPLY_TIMEOUT_S, what="refusal")
        async with asyncio.timeout(REPLY_TIMEOUT_S):  # until the bot has read that answer
            while not texts(bot, "⚡"):
                await poll_balances(context)
        await poll_balances(context)  # and told once

    [notice] = texts(bot, "⚡")
    assert "the API key lacks the WebSocket permission" in notice
