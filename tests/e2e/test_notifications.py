"""Change alerts, threshold alerts, outages, delivery retries and the daily summary, end to end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.handlers.command_table import LISTED
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
from tests.kit.clocks import ManualMonotonic

BTC_TOTAL = "9,7502186644553258"
BTC_LOCKED = "3,3109771999999998"

StartBot = Callable[[Settings], Any]


async def test_change_alert_arrives_once_with_a_short_poll_interval(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(POLL_INTERVAL_SECONDS="1")) as bot:
        await poll(bot)  # the baseline (serialised with the poll job's own runs)
        since = len(bot.telegram.sent)
        bot.exchange.set_balance("BTC", "10,2502186644553258", locked=BTC_LOCKED)

        [alert] = await bot.telegram.wait_for_messages(
            ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
        )
        await poll(bot)
        await poll(bot)

    assert alert.plain_text.splitlines()[:3] == [
        "🔔 Balance changed",
        "BTC 9.75021866 → 10.25021866",
        "    +0.50000000 BTC ≈ +1,750,000.00 TRY",
    ]
    assert len(sent_to(bot, ALLOWED_CHAT, "🔔")) == 1
    assert len(sent_to(bot, ALLOWED_GROUP, "🔔")) == 1


async def test_nothing_is_sent_when_nothing_changed(bot: BotHarness) -> None:
    await poll(bot)
    outcome = await poll(bot)

    assert outcome == PollOutcome(succeeded=True, queued=0)
    assert sent_to(bot, ALLOWED_CHAT, "🔔") == []


async def test_an_unchanged_account_is_not_written_again(bot: BotHarness) -> None:
    store = services_of(bot).store
    await poll(bot)
    first = await store.last_snapshot()
    bot.clock.advance(minutes=5)
    await poll(bot)
    unchanged = await store.last_snapshot()
    bot.exchange.set_balance("USDT", "2000")
    bot.clock.advance(minutes=5)
    await poll(bot)
    changed = await store.last_snapshot()

    assert first is not None
    assert unchanged == first
    assert changed is not None
    assert changed[1] == bot.clock.now


async def test_order_moves_are_silent_by_default(bot: BotHarness) -> None:
    await poll(bot)
    bot.exchange.set_balance("BTC", BTC_TOTAL, locked="1")

    await poll(bot)

    [moved] = sent_to(bot, ALLOWED_CHAT, "🔒")
    assert moved.silent  # delivered without sound, unless a chat or NOTIFY_ORDER_CHANGES says


async def test_order_moves_are_not_reported_when_turned_off(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(NOTIFY_ORDER_CHANGES="off")) as bot:
        await poll(bot)
        bot.exchange.set_balance("BTC", BTC_TOTAL, locked="1")
        outcome = await poll(bot)

    assert outcome.queued == 0
    assert not sent_to(bot, ALLOWED_CHAT, "🔒")


async def test_order_moves_are_reported_when_asked(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(NOTIFY_ORDER_CHANGES="true")) as bot:
        await poll(bot)
        bot.exchange.set_balance("BTC", BTC_TOTAL, locked="1")
        await poll(bot)

    [message] = sent_to(bot, ALLOWED_CHAT, "🔒")
    assert message.plain_text.splitlines()[0] == "🔒 BTC in orders: 3.31097720 → 1.00000000"
    assert "Orders changed" not in message.plain_text  # one move: its own title


async def test_threshold_alert_fires_once_per_crossing(bot: BotHarness) -> None:
    [confirmation] = await bot.ask("/alert btc below 5")
    assert confirmation.plain_text.startswith("✅ Alert #1 set: BTC below 5")
    await poll(bot)

    for total in ("4", "3", "6", "4,5"):
        bot.clock.advance(minutes=30)  # the second crossing comes after the 1 h cooldown
        bot.exchange.set_balance("BTC", total)
        await poll(bot)

    fired = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")
    assert [m.plain_text.splitlines()[:2] for m in fired] == [
        ["⚠️ Alert #1: BTC fell below 5", "Now 4.00000000 BTC (≈ 14,000,000.00 TRY)"],
        ["⚠️ Alert #1: BTC fell below 5", "Now 4.50000000 BTC (≈ 15,750,000.00 TRY)"],
    ]
    assert sent_to(bot, ALLOWED_GROUP, "⚠️") == []  # only the chat that set it


async def test_total_alert_and_alert_management(bot: BotHarness) -> None:
    await bot.ask("/alert total above 40000000,5")
    [listing] = await bot.ask("/alerts")
    [other_chat] = await bot.ask("/unalert 1", chat_id=ALLOWED_GROUP, chat_type="supergroup")
    [removed] = await bot.ask("/unalert 1")
    [empty] = await bot.ask("/alerts")

    assert "#1 total above 40,000,000.5 TRY · now 34,216,101.93 TRY" in listing.plain_text
    assert other_chat.plain_text.startswith("You have no alert #1")
    assert removed.plain_text == "🗑 Alert #1 removed."
    assert empty.plain_text.startswith("You have no alerts.")


@pytest.mark.parametrize(
    "arguments",
    ["", "btc below", "btc sideways 5", "btc below -1", "btc below nan", "btc below inf",
     "btc above 1e99", "nope above 1", "btc below 1,2,3"],
)  # fmt: skip
async def test_malformed_alert_gets_a_usage_line(bot: BotHarness, arguments: str) -> None:
    [reply] = await bot.ask(f"/alert {arguments}".strip())

    assert "Usage: /alert <ASSET|total> <above|below> <amount>" in reply.plain_text
    assert len(reply.plain_text.splitlines()) <= 3


# Each fault of the exchange causes no alert and is forgotten at the next good poll:
# tests/faults/test_exchange_faults.py.


async def test_outage_is_announced_once_and_so_is_the_recovery(bot: BotHarness) -> None:
    await poll(bot)
    bot.exchange.inject("maintenance", times=3 * 5)
    for _ in range(5):
        await poll(bot)
        bot.clock.advance(minutes=1)
    await poll(bot)

    down = sent_to(bot, ALLOWED_CHAT, "⏳ Cannot reach BTCTurk since 08:00")
    back = sent_to(bot, ALLOWED_CHAT, "✅ BTCTurk is reachable again")
    assert len(down) == 1
    assert len(back) == 1
    assert sent_to(bot, ALLOWED_CHAT, "🔔") == []


async def test_change_during_downtime_is_reported_once_after_restart(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    settings = make_settings()
    async with start_bot(settings) as bot:
        await poll(bot)
    bot.exchange.set_balance("USDT", "2000")
    async with start_bot(settings) as bot:
        await poll(bot)
        await poll(bot)
    async with start_bot(settings) as bot:
        await poll(bot)

    [alert] = sent_to(bot, ALLOWED_CHAT, "🔔")
    assert "USDT 1,500.25 → 2,000.00" in alert.plain_text


async def test_notification_is_delivered_after_two_telegram_errors(bot: BotHarness) -> None:
    await poll(bot)
    bot.telegram.fail_next("sendMessage", status=500, description="Internal Server Error", times=2)
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)  # first attempt fails
    bot.clock.advance(seconds=60)
    await services_of(bot).deliverer.deliver_due()  # second attempt fails
    bot.clock.advance(seconds=60)
    await services_of(bot).deliverer.deliver_due()

    assert len(sent_to(bot, ALLOWED_CHAT, "🔔")) == 1
    assert len(sent_to(bot, ALLOWED_GROUP, "🔔")) == 1
    assert await services_of(bot).store.pending_count() == 0


async def test_blocked_chat_is_skipped_not_retried_forever(bot: BotHarness) -> None:
    await poll(bot)
    bot.telegram.block_chat(ALLOWED_GROUP)
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)

    assert len(sent_to(bot, ALLOWED_CHAT, "🔔")) == 1
    assert await services_of(bot).store.pending_count() == 0


async def test_daily_summary_at_the_configured_time_and_not_resent_after_restart(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    settings = make_settings(DAILY_SUMMARY_TIME="09:30")
    async with start_bot(settings) as bot:
        bot.clock.now = datetime(2026, 11, 25, 6, 29, tzinfo=UTC)  # 09:29 in Istanbul
        summaries = services_of(bot).summaries
        assert await summaries.send_due() == 0
        bot.clock.advance(minutes=1)
        assert await summaries.send_due() == 2
        assert await summaries.send_due() == 0
        await services_of(bot).deliverer.deliver_due()
    async with start_bot(settings) as bot:
        bot.clock.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
        assert await services_of(bot).summaries.send_due() == 0

    [summary] = sent_to(bot, ALLOWED_CHAT, "☀️ Good morning — Wednesday 25 November")
    assert "Portfolio: 34,216,101.93 TRY" in summary.plain_text
    assert "No earlier summary to compare with yet." in summary.plain_text
    assert len(sent_to(bot, ALLOWED_GROUP, "☀️")) == 1


async def test_next_day_summary_compares_with_the_previous_one(
    boot_clock: ManualMonotonic, bot: BotHarness
) -> None:
    summaries = services_of(bot).summaries
    bot.clock.advance(hours=1)
    assert await summaries.send_due() == 2
    bot.clock.advance(days=1)
    boot_clock.now += 86_400  # a real day, not a clock step
    bot.exchange.set_price("BTCTRY", "3600000")

    await summaries.send_due()
    await services_of(bot).deliverer.deliver_due()

    latest = sent_to(bot, ALLOWED_CHAT, "☀️")[-1].plain_text
    assert "Since yesterday: ▲ +975,021.87 TRY (+2.85%)" in latest
    assert "BTC   ▲ +2.86%  35,100,787.19" in latest


async def test_summary_missed_while_down_is_sent_at_start_up(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(DAILY_SUMMARY_TIME="08:00")) as bot:
        [summary] = await bot.telegram.wait_for_messages(ALLOWED_CHAT, timeout=REPLY_TIMEOUT_S)

    assert summary.plain_text.startswith("☀️ Good morning")


async def test_status_reports_the_exchange_and_the_schedule(bot: BotHarness) -> None:
    await poll(bot)
    [reply] = await bot.ask("/status")

    lines = reply.plain_text.splitlines()
    assert lines[:2] == ["🩺 Status", "✅ BTCTurk is answering"]
    assert (
        "Checking balances every hour" in reply.plain_text or "every 60 minutes" in reply.plain_text
    )
    assert "Alerts: 0 in this chat (0 in all)" in reply.plain_text
    assert "Next daily summary 09:00 (Istanbul)" in reply.plain_text


async def test_commands_menu_is_registered_in_both_languages(bot: BotHarness) -> None:
    await bot.telegram.wait_until(
        lambda: bot.telegram.calls["setMyCommands"] >= 3, timeout=REPLY_TIMEOUT_S, what="menus"
    )
    default = bot.telegram.commands()
    turkish = bot.telegram.commands(language_code="tr")

    assert [c["command"] for c in default] == [c.name for c in LISTED]
    assert [c["command"] for c in turkish] == [c.name for c in LISTED]
    assert default[0]["description"].startswith("Balances and their value")
    assert turkish[0]["description"].startswith("Bakiyeler ve değerleri")
