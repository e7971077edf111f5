"""Price, value and move alerts and cooldowns, end to end on the fakes with a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from config import Settings
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, poll, sent_to

StartBot = Callable[[Settings], Any]


async def test_a_price_alert_through_the_usdt_route(bot: BotHarness) -> None:
    [confirmation] = await bot.ask("/alert glmr price above 4")  # GLMR has only GLMRUSDT
    await poll(bot)
    bot.exchange.set_price("GLMRUSDT", "0.1")  # 0.1 x 41.5 = 4.15 TRY
    bot.clock.advance(minutes=1)
    await poll(bot)
    bot.clock.advance(minutes=1)
    await poll(bot)  # still above: no second message

    assert confirmation.plain_text.splitlines()[:2] == [
        "✅ Alert #1 set: GLMR price above 4 TRY",
        "Now: 3.41 TRY",
    ]
    [fired] = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")
    assert fired.plain_text.splitlines() == [
        "⚠️ Alert #1: GLMR price rose above 4 TRY",
        "Now 4.15 TRY",
        "It will fire again after the GLMR price falls back below 4 TRY.   /unalert 1",
    ]


async def test_a_value_alert_on_a_holding(bot: BotHarness) -> None:
    await bot.ask("/alert BTC value below 30000000")
    await poll(bot)
    bot.exchange.set_price("BTCTRY", "3000000")  # 9.75 BTC: 29,250,656 TRY
    bot.clock.advance(minutes=1)
    await poll(bot)

    [fired] = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")
    assert fired.plain_text.splitlines()[:2] == [
        "⚠️ Alert #1: BTC value fell below 30,000,000 TRY",
        "Now 29,250,655.99 TRY (9.75021866 BTC)",
    ]


async def test_a_move_alert_over_a_window(bot: BotHarness) -> None:
    [confirmation] = await bot.ask("/alert total move 5% 1h")
    await poll(bot)  # the first sample: 34,216,101.93 TRY
    bot.exchange.set_price("BTCTRY", "3850000")
    bot.clock.advance(minutes=30)
    await poll(bot)  # half a window: nothing to compare with yet
    quiet = sent_to(bot, ALLOWED_CHAT, "📈")
    bot.clock.advance(minutes=31)
    await poll(bot)
    [listing] = await bot.ask("/alerts")

    assert confirmation.plain_text.splitlines()[1] == (
        "Now: not known yet (no value stored from 1 h ago)"
    )
    assert quiet == []
    [fired] = sent_to(bot, ALLOWED_CHAT, "📈")
    lines = fired.plain_text.splitlines()
    assert lines[0] == "📈 Alert #1: Your portfolio rose 10.0% in 1 h"
    assert lines[1] == "34,216,101.93 → 37,628,678.46 TRY (since 08:00 (Istanbul))"
    assert "#1 total move 5% 1h · now +9.97% in 1 h" in listing.plain_text


async def test_a_cooldown_holds_back_a_bounce(bot: BotHarness) -> None:
    await bot.ask("/alert BTC price below 3400000 cooldown 2h")
    await poll(bot)
    for price in ("3390000", "3410000", "3390000", "3410000", "3390000"):  # 10-minute bounces
        bot.exchange.set_price("BTCTRY", price)
        bot.clock.advance(minutes=10)
        await poll(bot)
    held_back = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")
    bot.clock.advance(hours=2)
    for price in ("3410000", "3390000"):  # after the cooldown, the next crossing is told
        bot.exchange.set_price("BTCTRY", price)
        bot.clock.advance(minutes=10)
        await poll(bot)

    assert len(held_back) == 1
    assert len(sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")) == 2


async def test_a_misspelt_alert_gets_the_nearest_valid_form(bot: BotHarness) -> None:
    [reply] = await bot.ask("/alert BTC price abov 4000000")
    [percent] = await bot.ask("/alert total move 5")
    [bare] = await bot.ask("/alert")

    assert reply.plain_text.splitlines() == [
        "⚠️ Say above or below, not “abov”. Did you mean /alert BTC price above 4000000?",
        "Usage: /alert <ASSET> price <above|below> <price> [cooldown 6h] [urgent]"
        "   e.g. /alert BTC price above 4000000",
    ]
    assert "Did you mean /alert total move 5%?" in percent.plain_text
    assert bare.plain_text.splitlines()[1].startswith("Also: /alert BTC price above 4000000")


async def test_alert_forms_in_turkish(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [created] = await bot.ask("/alert BTC move 10% 24h cooldown 6h")
        [wrong] = await bot.ask("/alert BTC prise above 4000000")
        [listing] = await bot.ask("/alerts")

    assert created.plain_text.splitlines() == [
        "✅ Alarm #1 kuruldu: BTC move %10 24h",
        "Şimdi: henüz bilinmiyor (24 sa öncesine ait kayıtlı değer yok)",
        "Tetiklendikten sonra yeniden geçse bile 6 sa sessiz kalır.",
    ]
    assert wrong.plain_text.splitlines()[0].endswith(
        "Şunu mu demek istediniz: /alert BTC price above 4000000?"
    )
    assert "#1 BTC move %10 24h · bekleme 6h · şimdi henüz bilinmiyor" in listing.plain_text
