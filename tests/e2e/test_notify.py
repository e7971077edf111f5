"""Per-chat notification settings and the weekly report, end to end on the fakes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.core.summary import DailyPortfolio
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    ALLOWED_GROUP,
    REPLY_TIMEOUT_S,
    BotHarness,
    poll,
    sent_to,
    services_of,
)
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
CHANGED = "🔔 Balance changed"


@pytest.fixture(autouse=True)
def without_scheduled_jobs(wiring: BotWiring) -> None:
    """No scheduled poll or summary: the test runs each round itself."""
    wiring.jobs = False


async def test_a_silent_change_alert_carries_disable_notification(bot: BotHarness) -> None:
    [reply] = await bot.ask("/notify changes silent")
    await poll(bot)  # the baseline
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)

    assert reply.plain_text == "✅ Balance changes: silent (no sound)."
    [quiet] = sent_to(bot, ALLOWED_CHAT, CHANGED)
    [loud] = sent_to(bot, ALLOWED_GROUP, CHANGED)
    assert quiet.disable_notification is True
    assert loud.disable_notification is False  # the other chat set nothing


async def test_a_kind_turned_off_is_not_sent_to_that_chat(bot: BotHarness) -> None:
    await bot.ask("/notify changes off")
    await poll(bot)
    bot.exchange.set_balance("USDT", "2000")

    await poll(bot)

    assert sent_to(bot, ALLOWED_CHAT, CHANGED) == []
    assert len(sent_to(bot, ALLOWED_GROUP, CHANGED)) == 1


async def test_order_moves_can_be_asked_for_by_one_chat(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(NOTIFY_ORDER_CHANGES="off")) as bot:
        await bot.ask("/notify orders on")
        await poll(bot)
        bot.exchange.set_balance("BTC", "9,7502186644553258", locked="1")

        await poll(bot)

    [moved] = sent_to(bot, ALLOWED_CHAT, "🔒")
    assert moved.plain_text.splitlines()[0] == "🔒 BTC in orders: 3.31097720 → 1.00000000"
    assert sent_to(bot, ALLOWED_GROUP, "🔒") == []  # NOTIFY_ORDER_CHANGES is off


async def test_notify_alone_lists_every_kind_and_a_bad_form_gets_the_usage(
    bot: BotHarness,
) -> None:
    await bot.ask("/notify summaries silent")
    [listing] = await bot.ask("/notify")
    [usage] = await bot.ask("/notify prices loud")

    assert listing.plain_text.splitlines() == [
        "🔔 Notifications in this chat",
        "Balance changes: on",
        "Orders placed, edited or cancelled: silent (no sound)",
        "Threshold alerts: on",
        "Summaries and reports: silent (no sound)",
        "BTCTurk outages, closed coins and halted pairs: on",
        "Change one with /notify <kind> <on|silent|off>, e.g. /notify changes silent",
    ]
    assert usage.plain_text.startswith("Usage: /notify <changes|orders|")


async def test_quiet_hours_and_levels_are_shown_in_settings(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(QUIET_HOURS="23:00-08:00")) as bot:
        [set_reply] = await bot.ask("/quiet 22:00-06:30")
        [mine] = await bot.ask("/settings")
        [theirs] = await bot.ask("/settings", chat_id=ALLOWED_GROUP, chat_type="supergroup")
        [off] = await bot.ask("/quiet off")
        [bad] = await bot.ask("/quiet tonight")
        [after] = await bot.ask("/settings")

    assert set_reply.plain_text.startswith("🌙 Quiet hours: 22:00-06:30.")
    assert "Quiet hours: 22:00-06:30" in mine.plain_text
    assert "Threshold alerts: on" in mine.plain_text
    assert "Quiet hours: 23:00-08:00" in theirs.plain_text  # the environment's default
    assert off.plain_text == "🔔 No quiet hours in this chat."
    assert bad.plain_text.startswith("Usage: /quiet")
    assert "Quiet hours: none" in after.plain_text


async def test_quiet_hours_of_one_chat_hold_only_its_alerts(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings()) as bot:
        bot.clock.now = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # midnight in Istanbul
        await bot.ask("/quiet 23:00-07:00")
        await poll(bot)
        bot.exchange.set_balance("USDT", "2000")
        await poll(bot)

    assert sent_to(bot, ALLOWED_CHAT, CHANGED) == []  # held until 07:00
    assert len(sent_to(bot, ALLOWED_GROUP, CHANGED)) == 1


async def test_the_summary_chart_is_chosen_per_chat(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(SUMMARY_CHART="false")) as bot:
        [reply] = await bot.ask("/chart_in_summary on")
        bot.clock.now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # 09:00 in Istanbul
        services = services_of(bot)
        await services.summaries.send_due()
        await services.deliverer.deliver_due()
        await bot.telegram.wait_for_messages(ALLOWED_CHAT, count=3, timeout=REPLY_TIMEOUT_S)

    assert reply.plain_text == "📊 The daily summary now comes with a chart."
    assert [m.method for m in bot.telegram.sent if m.chat_id == ALLOWED_CHAT][1:] == [
        "sendMessage",
        "sendPhoto",
    ]
    assert [m.method for m in bot.telegram.sent if m.chat_id == ALLOWED_GROUP] == ["sendMessage"]


async def test_a_weekly_report_goes_out_on_monday_after_the_summary(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(REPORTS="daily,weekly")) as bot:
        services = services_of(bot)
        a_week_ago = DailyPortfolio(
            date(2026, 11, 23), Decimal("30000000"), {"BTC": Decimal("30000000")}
        )
        await services.store.save_daily_portfolio(a_week_ago)
        bot.clock.now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday 09:00 in Istanbul
        assert await services.summaries.send_due() == 2
        assert await services.summaries.reports.send_due() == 2
        assert await services.summaries.reports.send_due() == 0
        await services.deliverer.deliver_due()

    [report] = sent_to(bot, ALLOWED_CHAT, "📅 Weekly report — 23 Nov to 30 Nov")
    lines = report.plain_text.splitlines()
    assert lines[1] == "Portfolio: 34,216,101.93 TRY"
    assert lines[2] == "Over the period: ▲ +4,216,101.93 TRY (+14.05%)"
    assert lines[3].startswith("Best: BTC ▲ +4,12")
    assert len(sent_to(bot, ALLOWED_GROUP, "📅 Weekly report")) == 1
    [summary] = sent_to(bot, ALLOWED_CHAT, "☀️ Good morning")
    assert bot.telegram.sent.index(summary) < bot.telegram.sent.index(report)
