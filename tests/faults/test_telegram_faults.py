"""Telegram faults end to end: notifications are never lost to a passing error and never sent
twice, gone chats are skipped, long replies are split, and polling outlives a Bot API outage."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import JsonRow, ticker_row
from balance_bot.fakes.telegram import FakeTelegram
from balance_bot.services.monitor import PollOutcome
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    ALLOWED_GROUP,
    REPLY_TIMEOUT_S,
    BotHarness,
    poll,
    sent_to,
    services_of,
)
from tests.faults.conftest import UpdateTracker
from tests.kit.clocks import AdvancingSleep

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("without_jobs")]

StartBot = Callable[[Settings], Any]

CHANGED = "🔔 Balance changed"
TELEGRAM_LIMIT = 4096
STRANGER = 424242
BOTH_CHATS = (ALLOWED_CHAT, ALLOWED_GROUP)
QUIET_SUCCESS = PollOutcome(succeeded=True, queued=0)


def break_sending(telegram: FakeTelegram, failure: str) -> None:
    """Make the next sends fail: three 5xx answers, or the whole Bot API unreachable."""
    if failure == "down":
        telegram.set_down(True)
    elif failure == "502":
        telegram.fail_next("sendMessage", status=502, description="Bad Gateway", times=3)
    else:
        telegram.fail_next("sendMessage", status=500, description="Internal Server Error", times=3)


def change_alerts(harness: BotHarness) -> dict[int, int]:
    """Return how many change alerts each allowed chat received."""
    return {chat: len(sent_to(harness, chat, CHANGED)) for chat in BOTH_CHATS}


@pytest.mark.parametrize("failure", ["500", "502", "down"])
async def test_notification_survives_transient_send_errors_and_arrives_once(
    bot: BotHarness, failure: str
) -> None:
    services = services_of(bot)
    await poll(bot)  # the baseline
    break_sending(bot.telegram, failure)
    bot.exchange.set_balance("USDT", "2000")

    outcome = await poll(bot)  # the change is queued; its delivery fails
    assert outcome.queued == 2
    assert change_alerts(bot) == {ALLOWED_CHAT: 0, ALLOWED_GROUP: 0}
    attempts = bot.telegram.calls["sendMessage"]
    assert attempts >= 1

    await services.deliverer.deliver_due()  # nothing is due yet: the backoff is kept
    assert bot.telegram.calls["sendMessage"] == attempts

    bot.telegram.set_down(False)
    for _ in range(4):
        bot.clock.advance(minutes=10)
        await services.deliverer.deliver_due()
    assert await poll(bot) == QUIET_SUCCESS

    assert change_alerts(bot) == {ALLOWED_CHAT: 1, ALLOWED_GROUP: 1}
    assert await services.store.pending_count() == 0


async def test_rate_limited_notification_waits_for_retry_after_then_arrives_once(
    instant_pacing: AdvancingSleep, bot: BotHarness
) -> None:
    services = services_of(bot)
    await poll(bot)
    # More 429s in a row than the bot's rate limiter retries (3) by itself.
    bot.telegram.fail_chat_next(
        ALLOWED_GROUP, status=429, description="Too Many Requests: retry after 1", retry_after=1,
        times=4,
    )  # fmt: skip
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)
    after_first_round = change_alerts(bot)
    await services.deliverer.deliver_due()  # Retry-After has not passed on the FakeClock
    assert change_alerts(bot) == after_first_round
    bot.clock.advance(seconds=2)
    await services.deliverer.deliver_due()

    assert sum(after_first_round.values()) == 1  # the other chat was not held up
    assert change_alerts(bot) == {ALLOWED_CHAT: 1, ALLOWED_GROUP: 1}
    assert bot.telegram.calls["sendMessage"] == 4 + 2
    holds = [round(delay, 3) for delay in instant_pacing.delays if delay >= 1]
    assert holds == [1.1] * 3  # the limiter's own retries, each after Retry-After and a margin
    assert await services.store.pending_count() == 0


@pytest.mark.parametrize("gone", ["blocked", "chat not found"])
async def test_gone_chat_is_skipped_without_holding_up_the_others(
    bot: BotHarness, gone: str
) -> None:
    services = services_of(bot)
    await poll(bot)
    if gone == "blocked":
        bot.telegram.block_chat(ALLOWED_GROUP)  # 403 "bot was blocked by the user"
    else:
        bot.telegram.forget_chat(ALLOWED_GROUP)  # 400 "chat not found"
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)
    bot.clock.advance(hours=1)
    await services.deliverer.deliver_due()

    assert change_alerts(bot) == {ALLOWED_CHAT: 1, ALLOWED_GROUP: 0}
    assert bot.telegram.calls["sendMessage"] == 2  # one try for the gone chat, never repeated
    assert await services.store.pending_count() == 0


def large_account(count: int) -> tuple[list[JsonRow], list[JsonRow]]:
    """Return `count` priced assets, each with its own balance row and TRY ticker."""
    balances: list[JsonRow] = []
    tickers: list[JsonRow] = []
    for i in range(count):
        total = Decimal(1_000 * (i + 1)) + Decimal("0.25")
        balances.append(
            {
                "asset": f"TOKEN{i:03d}",
                "assetname": f"Token number {i}",
                "balance": str(total),
                "locked": "0",
                "free": str(total),
                "orderFund": "0",
                "requestFund": "0",
                "precision": 8,
                "timestamp": 1735866257711,
            }
        )
        tickers.append(ticker_row(f"TOKEN{i:03d}", "TRY", 1_000 + i, digits=0, order=1000 + i))
    return balances, tickers


def lines_naming(texts: list[str], asset: str) -> int:
    return sum(len(re.findall(rf"^{asset} ", text, flags=re.MULTILINE)) for text in texts)


async def test_150_assets_are_split_into_messages_telegram_accepts(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    balances, tickers = large_account(150)
    assets = [str(row["asset"]) for row in balances]
    async with (
        FakeBtcTurk(balances=balances, tickers=tickers) as big,
        start_bot(make_settings(BTCTURK_API_URL=big.base_url)) as bot,
    ):
        tracker = UpdateTracker(bot.application)
        await tracker.wait_done([bot.telegram.send_text(ALLOWED_CHAT, "/balance")])
        reply = [m.plain_text for m in sent_to(bot, ALLOWED_CHAT)]
        assert await poll(bot) == QUIET_SUCCESS

        for row in big.balances:  # every asset changes at once: one long change alert
            big.set_balance(str(row["asset"]), Decimal(str(row["balance"])) + 1)
        outcome = await poll(bot)
        alert = [m.plain_text for m in sent_to(bot, ALLOWED_CHAT)][len(reply) :]

    assert len(reply) >= 2
    assert outcome.queued >= 2 * 2  # two chats, several parts each
    assert len(alert) == outcome.queued // 2
    assert alert[0].startswith(CHANGED)
    # Every call was accepted: Telegram's 400 "message is too long" would not be recorded.
    assert bot.telegram.calls["sendMessage"] == len(bot.telegram.sent)
    for message in bot.telegram.sent:
        assert message.parse_mode == "HTML"
        assert len(message.plain_text) <= TELEGRAM_LIMIT
        assert len(message.text) <= TELEGRAM_LIMIT
    for asset in assets:  # nothing lost, nothing repeated, in the reply and in the alert
        assert lines_naming(reply, asset) == 1, asset
        assert lines_naming(alert, asset) == 1, asset


async def test_polling_resumes_after_the_bot_api_was_down(bot: BotHarness) -> None:
    await bot.ask("/help")
    before = bot.telegram.calls["getUpdates"]

    # The waiting long poll fails at once, then one more try a second later (the library's
    # own backoff: 1 s, 1.5 s, …); the Bot API is back for the next.
    bot.telegram.set_down(True)
    await bot.telegram.wait_until(
        lambda: bot.telegram.calls["getUpdates"] >= before + 1,
        timeout=REPLY_TIMEOUT_S,
        what="two failed getUpdates",
    )
    bot.telegram.set_down(False)
    since = len(bot.telegram.sent)
    bot.telegram.send_text(ALLOWED_CHAT, "/help")
    [reply] = await bot.telegram.wait_for_messages(ALLOWED_CHAT, since=since, timeout=60)

    assert reply.plain_text == sent_to(bot, ALLOWED_CHAT)[0].plain_text
    assert bot.application.running


@pytest.mark.parametrize("failure", ["refusal answered 500 once", "stranger blocked the bot"])
async def test_a_refusal_that_cannot_be_sent_still_stops_the_stranger(
    bot: BotHarness, failure: str
) -> None:
    tracker = UpdateTracker(bot.application)
    if failure == "stranger blocked the bot":
        bot.telegram.block_chat(STRANGER)
    else:
        bot.telegram.fail_next("sendMessage", status=500, description="Internal Server Error")

    update_id = bot.telegram.send_text(STRANGER, "/balance")
    await tracker.wait_done([update_id])

    assert [m.plain_text for m in bot.telegram.sent if m.chat_id == STRANGER] == []
    assert bot.exchange.calls["balances"] == 0
    assert update_id not in tracker.passed
