"""Turkish and English, the Refresh button, /settings, /mute, quiet hours and urgent alerts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from balance_bot.config import Settings
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    REPLY_TIMEOUT_S,
    STRANGER,
    BotHarness,
    poll,
    sent_to,
    services_of,
)
from tests.kit.clocks import ManualMonotonic

StartBot = Callable[[Settings], Any]
CHANGED = "🔔 Balance changed"


async def test_turkish_by_default_with_turkish_numbers(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [reply] = await bot.ask("/balance")
        [detail] = await bot.ask("/balance btc")

    assert reply.plain_text.startswith("💼 Portföy: 34.216.101,93 TRY")
    assert "BTC   9,75021866  34.125.765,33" in reply.plain_text
    assert "🔒 Emirlerde: 3,31097720 BTC, 4.874,36 TRY" in reply.plain_text
    assert reply.plain_text.splitlines()[-1].startswith("Güncelleme ")
    assert "(İstanbul)" in reply.plain_text
    assert "Değer: 34.125.765,33 TRY (1 BTC = 3.500.000,00 TRY)" in detail.plain_text


async def test_lang_switches_one_chat_and_survives_a_restart(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    settings = make_settings(LANGUAGE="tr")
    async with start_bot(settings) as bot:
        [changed] = await bot.ask("/lang İNGİLİZCE")  # its name, in capitals, works too
        [usage] = await bot.ask("/lang de")
    async with start_bot(settings) as bot:
        [reply] = await bot.ask("/balance")

    assert changed.plain_text == "✅ Language: English."
    assert usage.plain_text == "Usage: /lang en · /lang tr"
    assert reply.plain_text.startswith("💼 Portfolio: 34,216,101.93 TRY")


async def test_change_alert_follows_each_chats_language(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        await bot.ask("/lang en")
        await poll(bot)
        bot.exchange.set_balance("USDT", "2000")
        await poll(bot)

    assert len(sent_to(bot, ALLOWED_CHAT, "🔔 Balance changed")) == 1
    assert len(sent_to(bot, -1001234567890, "🔔 Bakiye değişti")) == 1


async def test_refresh_button_edits_the_reply_in_place(
    make_settings: Callable[..., Settings], start_bot: StartBot, cache_clock: ManualMonotonic
) -> None:
    async with start_bot(make_settings()) as bot:
        await _refresh_in_place(bot, cache_clock)


async def _refresh_in_place(bot: BotHarness, cache_clock: ManualMonotonic) -> None:
    [reply] = await bot.ask("/balance")
    keyboard = reply.reply_markup
    assert keyboard is not None
    [[button]] = keyboard["inline_keyboard"]
    assert button["text"] == "🔄 Refresh"

    bot.exchange.set_balance("USDT", "2000")
    bot.clock.advance(minutes=3)
    cache_clock.now += 180
    since = len(bot.telegram.sent)
    bot.telegram.send_callback(ALLOWED_CHAT, button["callback_data"], message_id=reply.message_id)
    [edited] = await bot.telegram.wait_for_messages(
        ALLOWED_CHAT, since=since, timeout=REPLY_TIMEOUT_S
    )
    await bot.telegram.wait_until(
        lambda: bool(bot.telegram.answered_callbacks), timeout=REPLY_TIMEOUT_S, what="an answer"
    )

    assert edited.method == "editMessageText"
    assert edited.message_id == reply.message_id
    assert "USDT    2,000.00      83,000.00" in edited.plain_text
    assert edited.plain_text.splitlines()[-1] == "Updated 08:03 (Istanbul)"
    assert edited.reply_markup == keyboard


async def test_a_strangers_refresh_gets_no_figure(bot: BotHarness) -> None:
    bot.telegram.send_callback(STRANGER, "refresh:", message_id=1)
    await bot.telegram.wait_until(
        lambda: bool(bot.telegram.answered_callbacks), timeout=REPLY_TIMEOUT_S, what="an answer"
    )

    assert [m for m in bot.telegram.sent if m.method == "editMessageText"] == []
    assert bot.exchange.calls["balances"] == 0


async def test_mute_holds_change_alerts_and_unmute_delivers_one_digest(bot: BotHarness) -> None:
    await poll(bot)
    [muted] = await bot.ask("/mute 2h")
    for amount in ("2000", "2500"):
        bot.exchange.set_balance("USDT", amount)
        await poll(bot)
    held = sent_to(bot, ALLOWED_CHAT, "🔔")
    [settings] = await bot.ask("/settings")
    [unmuted, digest] = await bot.ask("/unmute", replies=2)

    assert muted.plain_text.startswith("🔕 Change alerts held until 10:00 (Istanbul).")
    assert held == []
    assert "🔕 Muted until 10:00 (Istanbul)" in settings.plain_text
    assert unmuted.plain_text == "🔔 Alerts are on again; 2 held messages follow."
    assert digest.plain_text.startswith("🌙 While alerts were held (2)")
    assert digest.plain_text.count("🔔 Balance changed") == 2
    assert len(sent_to(bot, -1001234567890, "🔔")) == 2  # the group was not muted


async def test_ending_a_mute_or_changing_quiet_hours_sends_what_no_longer_waits(
    bot: BotHarness,
) -> None:
    """/unmute promised "1 held message follows" while quiet hours still held it; /quiet off
    did not send it either: it waited for the end of the old quiet hours."""
    services = services_of(bot)
    bot.clock.now = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 10:00 in Istanbul
    await poll(bot)
    await bot.ask("/quiet 00:00-23:59")
    await bot.ask("/mute 1h")
    bot.exchange.set_balance("USDT", "2000")
    await poll(bot)
    [unmuted] = await bot.ask("/unmute")
    await services.deliverer.deliver_due()
    after_unmute = sent_to(bot, ALLOWED_CHAT, CHANGED)
    await bot.ask("/quiet 09:00-12:00")  # quiet now still, until 12:00 (09:00 UTC)
    before_noon = await services.store.due_notifications(datetime(2026, 11, 25, 8, 59, tzinfo=UTC))
    at_noon = await services.store.due_notifications(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    [off, released] = await bot.ask("/quiet off", replies=2)
    bot.clock.now = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # the old quiet hours' end
    await services.deliverer.deliver_due()

    assert unmuted.plain_text == (
        "🔔 Alerts are on again; 1 held message comes when quiet hours end, at 23:59 (Istanbul)."
    )
    assert after_unmute == []
    assert before_noon == []
    assert [item.kind.stored for item in at_noon] == ["change"]
    assert off.plain_text == "🔔 No quiet hours in this chat."
    assert released.plain_text.startswith(CHANGED)
    assert "USDT 1,500.25 → 2,000.00" in released.plain_text
    assert len(sent_to(bot, ALLOWED_CHAT, CHANGED)) == 1  # once, not again at 23:59


async def test_quiet_hours_ended_during_a_mute_wait_for_the_mute_then_come_as_one_digest(
    bot: BotHarness,
) -> None:
    services = services_of(bot)
    bot.clock.now = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 10:00 in Istanbul
    await poll(bot)
    await bot.ask("/quiet 00:00-23:59")
    await bot.ask("/mute 1h")
    for amount in ("2000", "2500"):
        bot.exchange.set_balance("USDT", amount)
        await poll(bot)
    await bot.ask("/quiet default")  # none by default: the mute still holds them
    muted = await services.store.due_notifications(datetime(2026, 11, 25, 7, 59, tzinfo=UTC))
    mute_end = await services.store.due_notifications(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    await services.deliverer.deliver_due()
    held = sent_to(bot, ALLOWED_CHAT, "🔔 Balance")
    [unmuted, digest] = await bot.ask("/unmute", replies=2)
    bot.clock.now = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # the old quiet hours' end
    await services.deliverer.deliver_due()

    assert held == []
    assert muted == []
    assert len(mute_end) == 2
    assert unmuted.plain_text == "🔔 Alerts are on again; 2 held messages follow."
    assert digest.plain_text.startswith("🌙 While alerts were held (2)")
    assert sent_to(bot, ALLOWED_CHAT, "🔔 Balance") == []  # in the digest, not again alone
    assert len(sent_to(bot, ALLOWED_CHAT, "🌙 While")) == 1


async def test_a_shorter_mute_holds_alerts_only_until_its_own_end(bot: BotHarness) -> None:
    services = services_of(bot)
    bot.clock.now = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 10:00 in Istanbul
    await poll(bot)
    await bot.ask("/mute 2h")
    bot.exchange.set_balance("USDT", "2000")
    await poll(bot)
    [shorter] = await bot.ask("/mute 30m")
    bot.clock.now = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    await services.deliverer.deliver_due()

    assert shorter.plain_text.startswith("🔕 Change alerts held until 10:30 (Istanbul).")
    [change] = sent_to(bot, ALLOWED_CHAT, CHANGED)  # at 10:30, not at 12:00
    assert "USDT 1,500.25 → 2,000.00" in change.plain_text


async def test_quiet_hours_hold_alerts_until_morning_but_not_urgent_ones(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(QUIET_HOURS="23:00-08:00")) as bot:
        bot.clock.now = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # 00:00 in Istanbul
        await bot.ask("/alert btc below 5 urgent")
        await poll(bot)
        bot.exchange.set_balance("BTC", "4")
        await poll(bot)
        at_night = [m.plain_text.splitlines()[0] for m in bot.telegram.sent]
        bot.clock.now = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)  # 08:00 in Istanbul
        await services_of(bot).deliverer.deliver_due()

    assert "⚠️ Alert #1: BTC fell below 5" in at_night
    assert "🔔 Balance changed" not in at_night
    [morning] = sent_to(bot, ALLOWED_CHAT, "🔔 Balance changed")
    assert "BTC 9.75021866 → 4.00000000" in morning.plain_text


async def test_settings_show_what_applies_to_the_chat(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(QUIET_HOURS="23:00-08:00")) as bot:
        [reply] = await bot.ask("/settings")

    assert reply.plain_text.splitlines() == [
        "⚙️ Settings of this chat",
        "Language: English (/lang en · /lang tr)",
        "Values in: TRY",
        "Time zone: Istanbul",
        "Daily summary: 09:00",
        "Checking balances every hour",
        "Notifications (/notify):",
        "Balance changes: on",
        "Orders placed, edited or cancelled: silent (no sound)",
        "Threshold alerts: on",
        "Summaries and reports: on",
        "BTCTurk outages, closed coins and halted pairs: on",
        "Quiet hours: 23:00-08:00",
        "🔔 Not muted",
    ]


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("forever", "⚠️ “forever” is not a duration: a whole number and a unit, such as 30m."),
        (
            "2s",
            "⚠️ “2s”: “s” is not a unit here. Use m (minutes), h (hours), d (days) or w (weeks).",
        ),
        ("8d", "⚠️ A mute lasts from 1 minute to 7 days, not “8d”."),
        ("0", "⚠️ A mute lasts from 1 minute to 7 days, not “0”."),
    ],
)
async def test_mute_with_a_bad_duration_says_why_then_the_usage_line(
    bot: BotHarness, typed: str, why: str
) -> None:
    """`/mute 2s` in an English chat got the bare usage line: s is no English unit."""
    [reply] = await bot.ask(f"/mute {typed}")
    print(reply.plain_text)
    lines = reply.plain_text.splitlines()
    assert lines[0] == why
    assert lines[1].startswith("Usage: /mute [duration]")
    assert (await services_of(bot).store.chat_settings(ALLOWED_CHAT)).muted_until is None


async def test_mute_in_turkish_says_which_units_a_turkish_chat_types(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [reply] = await bot.ask("/mute 2x")
    print(reply.plain_text)
    assert reply.plain_text.splitlines()[0] == (
        "⚠️ “2x”: “x” bir birim değil. dk (dakika), sa (saat), g (gün) ya da hf (hafta) kullanın."
    )


async def test_no_refresh_button_under_an_unknown_asset(bot: BotHarness) -> None:
    [unknown] = await bot.ask("/balance nope")
    [held] = await bot.ask("/balance btc")

    assert unknown.reply_markup is None
    assert held.reply_markup is not None


async def test_a_forged_refresh_button_refreshes_the_whole_portfolio(bot: BotHarness) -> None:
    [reply] = await bot.ask("/balance")
    since = len(bot.telegram.sent)

    bot.telegram.send_callback(ALLOWED_CHAT, "refresh:<b>", message_id=reply.message_id)
    await bot.telegram.wait_until(
        lambda: bool(bot.telegram.answered_callbacks), timeout=REPLY_TIMEOUT_S, what="an answer"
    )

    [answer] = bot.telegram.answered_callbacks
    assert answer.text == "Up to date"  # the whole portfolio, unchanged: nothing to rewrite
    assert bot.telegram.sent[since:] == []  # no error message either


async def test_quiet_hours_changed_while_the_bot_was_stopped_release_what_they_held(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    """A change held by QUIET_HOURS=00:00-23:59 still waited for 23:59 after a restart with
    no quiet hours: nothing looked at the held messages again at start-up."""
    async with start_bot(make_settings(QUIET_HOURS="00:00-23:59")) as bot:
        bot.clock.now = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 10:00 in Istanbul
        await poll(bot)
        bot.exchange.set_balance("USDT", "2000")
        await poll(bot)
        held = sent_to(bot, ALLOWED_CHAT, CHANGED)
    async with start_bot(make_settings(QUIET_HOURS="")) as bot:
        bot.clock.now = datetime(2026, 11, 25, 7, 5, tzinfo=UTC)
        await services_of(bot).deliverer.deliver_due()
        released = sent_to(bot, ALLOWED_CHAT, CHANGED)

    assert held == []
    [alert] = released
    assert "USDT 1,500.25 → 2,000.00" in alert.plain_text
