"""Orders from BTCTurk's live feed, end to end: placed, filled, cancelled, edited, /orders,
and what the bot does when the feed's order events stop.

The fake account's order desk moves the balances and sends the frames the real feed sends
(451, 441 and 423, 452, then 201). Each round of order news waits on a gate the test opens
once the bot has read the round's events: the poll the 201 wakes reads the balances after
every event before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.feed import FakeFeed
from balance_bot.fakes.orders import Frame
from balance_bot.fakes.telegram import SentMessage
from tests.e2e.conftest import ALLOWED_CHAT, REPLY_TIMEOUT_S, BotHarness, FakeClock, poll
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
SELL = "Limit sell 0.10000000 BTC @ 3,900,000.00 TRY"


class Gate:
    """The wait of a round of order news, held until the test opens it."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await self._open.wait()
        self._open.clear()

    def open(self) -> None:
        """Let the round that waits (or the next one) tell its news."""
        self._open.set()


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    """The fake exchange on the test's clock: its history rows fall in the bot's windows."""
    async with FakeBtcTurk(clock=lambda: clock().timestamp()) as server:
        yield server


@pytest.fixture
async def feed(clock: FakeClock) -> AsyncIterator[FakeFeed]:
    async with FakeFeed(heartbeat_s=0.2, clock=lambda: clock().timestamp()) as server:
        yield server


@pytest.fixture(autouse=True)
def stamps_on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())


@pytest.fixture
def gate(wiring: BotWiring) -> Gate:
    held = Gate()
    wiring.use(orders_sleep=held)
    return held


@pytest.fixture
def feed_settings(make_settings: Callable[..., Settings], feed: FakeFeed) -> Settings:
    return make_settings(WEBSOCKET="auto", BTCTURK_WS_URL=feed.ws_url, EXPLAIN_CHANGES="true")


async def started(bot: BotHarness, feed: FakeFeed) -> None:
    """Wait for the feed's login, and take the baseline."""
    await feed.wait_until(lambda: feed.logged_in == 1, timeout=REPLY_TIMEOUT_S, what="a login")
    await poll(bot)


async def send(bot: BotHarness, feed: FakeFeed, frames: Sequence[Frame]) -> None:
    """Publish an operation's frames and wait for the poll its 201 wakes: by then the bot has
    read every event before it."""
    reads = bot.exchange.calls["balances"]
    assert feed.publish_frames(frames) == 1
    await bot.exchange.wait_until(
        lambda: bot.exchange.calls["balances"] > reads,
        timeout=REPLY_TIMEOUT_S,
        what="the poll the balance update woke",
    )


async def told(bot: BotHarness, since: int, count: int = 1) -> list[SentMessage]:
    return await bot.telegram.wait_for_messages(
        ALLOWED_CHAT, count=count, since=since, timeout=REPLY_TIMEOUT_S
    )


def later(bot: BotHarness) -> None:
    """Let a few seconds pass: the next operation happens after the last poll."""
    bot.clock.advance(seconds=5)


def placed_id(frames: Sequence[Frame]) -> int:
    return int(next(body["id"] for kind, body in frames if kind == 451))


async def test_a_limit_order_placed_partly_filled_then_filled_is_one_story(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed, gate: Gate
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        desk = bot.exchange.desk
        since = len(bot.telegram.sent)
        later(bot)
        frames = desk.place("sell", "BTCTRY", "0.1", "3900000")
        await send(bot, feed, frames)
        gate.open()
        [placed] = await told(bot, since)
        since = len(bot.telegram.sent)
        later(bot)
        await send(bot, feed, desk.fill(placed_id(frames), "0.06"))
        gate.open()
        [partly] = await told(bot, since)
        since = len(bot.telegram.sent)
        later(bot)
        await send(bot, feed, desk.fill(placed_id(frames), "0.04"))
        gate.open()
        [filled] = await told(bot, since)
        [orders] = await bot.ask("/orders")

    assert placed.plain_text == f"🔒 {SELL} placed"
    assert placed.disable_notification  # orders are silent by default
    assert partly.plain_text.splitlines()[1:3] == [
        f"◐ {SELL}: 60.00% filled",
        "🔴 Sold 0.06000000 BTC at avg 3,900,000.00 TRY (1 fill)",
    ]
    assert not partly.disable_notification  # a fill moves money: a balance change rings
    assert filled.plain_text.splitlines()[1:3] == [
        f"✅ {SELL} filled",
        "🔴 Sold 0.04000000 BTC at avg 3,900,000.00 TRY (1 more fill)",
    ]
    assert orders.plain_text.splitlines()[0] == "📋 No open orders"


async def test_a_cancel_with_a_stale_num_left_says_what_was_left_unfilled(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed, gate: Gate
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        desk = bot.exchange.desk
        later(bot)
        frames = desk.place("sell", "BTCTRY", "0.1", "3900000")
        await send(bot, feed, frames)
        later(bot)
        since = len(bot.telegram.sent)
        await send(bot, feed, desk.fill(placed_id(frames), "0.06"))
        await told(bot, since)  # the fill's alert
        since = len(bot.telegram.sent)
        later(bot)
        cancel = desk.cancel(placed_id(frames), stale=True)
        assert cancel[0][1]["numLeft"] == "0.1000000000000000"  # from before the fill
        await send(bot, feed, cancel)
        gate.open()
        messages = await told(bot, since)

    assert [m.plain_text for m in messages] == [
        f"❌ {SELL} cancelled · 0.04000000 BTC left unfilled"
    ]


async def test_an_edit_is_told_once_as_an_edit(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed, gate: Gate
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        desk = bot.exchange.desk
        later(bot)
        frames = desk.place("sell", "BTCTRY", "0.1", "3900000")
        await send(bot, feed, frames)
        gate.open()
        await told(bot, 0)
        since = len(bot.telegram.sent)
        later(bot)
        edit = desk.edit(placed_id(frames), price="3950000")
        assert [kind for kind, _ in edit] == [452, 451, 201]
        await send(bot, feed, edit)
        gate.open()
        [edited] = await told(bot, since)
        [orders] = await bot.ask("/orders")

    text = "✏️ Limit sell 0.10000000 BTC edited: price 3,900,000.00 → 3,950,000.00 TRY"
    assert edited.plain_text == text
    lines = orders.plain_text.splitlines()
    assert lines[:4] == [
        "📋 Open orders (1)",
        "SELL BTC/TRY 0.10000000",
        " @ 3,950,000.00 = 395,000.00 TRY",
        " since 08:00",  # when the owner placed it, not when it was edited
    ]


async def test_a_market_order_of_ten_fills_is_one_message(
    start_bot: StartBot,
    feed_settings: Settings,
    feed: FakeFeed,
    gate: Gate,
    exchange: FakeBtcTurk,
) -> None:
    exchange.set_balance("TRY", "2000000", locked="4874.36")  # before the bot starts
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        since = len(bot.telegram.sent)
        later(bot)
        frames = bot.exchange.desk.market("buy", "BTCTRY", "0.5", "3500000", fills=10)
        assert [kind for kind, _ in frames].count(441) == 10
        await send(bot, feed, frames)
        [alert] = await told(bot, since)
        gate.open()
        watch = bot.services.orders
        assert watch is not None
        assert await watch.tell() == 0  # no "placed", no "cancelled": the fills told it
        await poll(bot)
        to_owner = [m for m in bot.telegram.sent[since:] if m.chat_id == ALLOWED_CHAT]

    assert to_owner == [alert]
    lines = alert.plain_text.splitlines()
    assert lines[1:3] == [
        "✅ Market buy of BTC filled",
        "🟢 Bought 0.50000000 BTC at avg 3,500,000.00 TRY (10 fills)",
    ]


async def test_orders_placed_before_the_bot_started_are_shown_never_guessed(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed, gate: Gate
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        [orders] = await bot.ask("/orders")
        since = len(bot.telegram.sent)
        later(bot)
        unknown = bot.exchange.desk.place("buy", "ETHTRY", "1", "10000")
        feed.order_events = False  # the bot never hears of this one being placed
        assert feed.publish_frames(unknown) == 1
        feed.order_events = True
        later(bot)
        await send(bot, feed, bot.exchange.desk.cancel(placed_id(unknown)))
        gate.open()
        [cancelled] = await told(bot, since)

    assert orders.plain_text.splitlines()[:3] == [
        "📋 No open orders",
        "🔒 3.31097720 BTC more in orders placed before the bot connected",
        "🔒 4,874.36 TRY more in orders placed before the bot connected",
    ]
    assert cancelled.plain_text == (
        "❌ Limit buy 1.00000000 ETH @ 10,000.00 TRY cancelled (placed before the bot connected)"
    )


async def test_order_events_that_stop_after_a_reconnect_are_said_and_reconciled(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed, gate: Gate, clock: FakeClock
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        desk = bot.exchange.desk
        later(bot)
        seen = desk.place("sell", "USDTTRY", "100", "41.5")
        await send(bot, feed, seen)
        gate.open()
        await told(bot, 0)
        feed.order_events = False  # after the reconnect, 441, 451 and 452 stop; 201 and 423 go on
        feed.drop_now()
        await feed.wait_until(lambda: feed.logins == 2, timeout=REPLY_TIMEOUT_S, what="relogin")
        await poll(bot)
        clock.advance(seconds=11)
        since = len(bot.telegram.sent)
        later(bot)
        await send(bot, feed, desk.cancel(placed_id(seen)))  # its 452 never comes
        gate.open()
        [gone] = await told(bot, since)
        later(bot)
        unseen = desk.place("sell", "BTCTRY", "1", "4000000")  # its 451 never comes
        await send(bot, feed, unseen)
        clock.advance(seconds=11)
        await poll(bot)  # still no 451 behind the lock: events are missing
        await feed.wait_until(lambda: feed.logins == 3, timeout=REPLY_TIMEOUT_S, what="relogin")
        await poll(bot)
        [status] = await bot.ask("/status")
        [orders] = await bot.ask("/orders")

    assert gone.plain_text == (
        "❔ Limit sell 100.00 USDT @ 41.50 TRY is no longer open: BTCTurk holds no USDT in"
        " orders, and the live feed did not say how it ended"
    )
    assert any(
        line.startswith("⚠️ Order events stopped coming from the live feed at ")
        and "it logged in again at" in line
        for line in status.plain_text.splitlines()
    )
    assert feed.logins == 3  # logged in again once, not in a loop
    lines = orders.plain_text.splitlines()
    assert "🔒 1.00000000 BTC more in orders the live feed did not tell of" in lines
    assert any(line.startswith("⚠️ Order events stopped coming") for line in lines)


async def test_a_restart_keeps_the_open_orders_and_tells_their_end(
    start_bot: StartBot, feed_settings: Settings, feed: FakeFeed, gate: Gate
) -> None:
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        later(bot)
        frames = bot.exchange.desk.place("sell", "BTCTRY", "0.1", "3900000")
        await send(bot, feed, frames)
        gate.open()
        await bot.telegram.wait_for_messages(count=2, timeout=REPLY_TIMEOUT_S)  # both chats
        await poll(bot)  # and recorded as sent
    async with start_bot(feed_settings) as bot:
        await feed.wait_until(lambda: feed.logged_in == 1, timeout=REPLY_TIMEOUT_S, what="login")
        [orders] = await bot.ask("/orders")
        since = len(bot.telegram.sent)
        later(bot)
        await send(bot, feed, bot.exchange.desk.cancel(placed_id(frames)))
        gate.open()
        [cancelled] = await told(bot, since)

    assert orders.plain_text.splitlines()[:2] == ["📋 Open orders (1)", "SELL BTC/TRY 0.10000000"]
    assert "since 08:00" in orders.plain_text
    assert cancelled.plain_text == f"❌ {SELL} cancelled"
    placed = [m for m in bot.telegram.sent if m.plain_text == f"🔒 {SELL} placed"]
    assert [m.chat_id for m in placed].count(ALLOWED_CHAT) == 1  # not again after the restart


async def test_orders_while_btcturk_fails_say_from_when_the_figures_are(
    feed_settings: Settings,
    start_bot: StartBot,
    feed: FakeFeed,
    cache_clock: Any,
) -> None:
    """/orders while BTCTurk did not answer showed what was in orders with "not answering"
    and no time: the last figures looked current (/balance says "Showing data from …")."""
    async with start_bot(feed_settings) as bot:
        await started(bot, feed)
        bot.exchange.inject("maintenance", times=100)
        cache_clock.now += 60  # the next read is a fresh one, and fails
        [reply] = await bot.ask("/orders")

    print(reply.plain_text)
    first = reply.plain_text.splitlines()[0]
    assert first.startswith("⏳ BTCTurk is not answering")
    assert "Showing data from" in first
    assert "🔒 3.31097720 BTC" in reply.plain_text
