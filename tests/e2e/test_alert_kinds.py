"""Price, value and move alerts and cooldowns, end to end on the fakes with a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from balance_bot.config import Settings
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
        "Now: 3.41 TRY via USDT",
    ]
    [fired] = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")
    assert fired.plain_text.splitlines() == [
        "⚠️ Alert #1: GLMR price rose above 4 TRY",
        "Now 4.15 TRY via USDT",
        "It will fire again after the GLMR price falls back below 4 TRY · /unalert 1",
        fired.plain_text.splitlines()[-1],
    ]
    assert fired.plain_text.splitlines()[-1].endswith("(Istanbul)")  # when it fired


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


async def test_a_move_is_measured_from_the_high_or_low_seen_within_the_window(
    bot: BotHarness,
) -> None:
    await bot.ask("/alert total move 5% 1h")  # 08:00: 34,216,101.93 TRY
    bot.exchange.set_price("BTCTRY", "3640000")
    bot.clock.advance(minutes=10)
    await poll(bot)  # 08:10: +4%, the high
    quiet = sent_to(bot, ALLOWED_CHAT, "📈")
    bot.exchange.set_price("BTCTRY", "3430000")
    bot.clock.advance(minutes=10)
    await poll(bot)  # 08:20: -2% from 08:00, but -5.8% from the high of 08:10
    [listing] = await bot.ask("/alerts")
    bot.clock.advance(hours=1)
    await poll(bot)  # 09:20: the high of 08:10 is out of the window
    [later] = await bot.ask("/alerts")

    assert quiet == []
    [fired] = sent_to(bot, ALLOWED_CHAT, "📉")
    assert fired.plain_text.splitlines()[:2] == [
        "📉 Alert #1: Your portfolio fell 5.8% within 1 h",
        "35,581,132.54 → 33,533,586.62 TRY (high at 08:10 (Istanbul))",
    ]
    assert "#1 total move 5% within 1 h · now -5.75% from the high at 08:10 (Istanbul)" in (
        listing.plain_text
    )
    assert "#1 total move 5% within 1 h · now +0.00% since 08:20 (Istanbul)" in later.plain_text
    assert "via USDT" not in later.plain_text  # GLMR never had a TRY pair: no word of it


async def test_a_move_within_minutes_of_setting_the_alert_fires(bot: BotHarness) -> None:
    [created] = await bot.ask("/alert total move 5%")
    bot.clock.advance(minutes=1)
    bot.exchange.set_price("BTCTRY", "3100000")  # the total falls 11.4%
    await poll(bot)

    assert created.plain_text.splitlines()[1:] == [
        "Now: 34,216,101.93 TRY, the first value it compares with",
        "It fires on a move of 5% from any value seen within the last 24 h, counting from now.",
    ]
    [fired] = sent_to(bot, ALLOWED_CHAT, "📉")
    assert fired.plain_text.splitlines() == [
        "📉 Alert #1: Your portfolio fell 11.4% within 24 h",
        "34,216,101.93 → 30,316,014.46 TRY (high at 08:00 (Istanbul))",
        "It will fire again after the move is back under 5% · /unalert 1",
        fired.plain_text.splitlines()[-1],
    ]
    assert fired.plain_text.splitlines()[-1].endswith("(Istanbul)")  # when it fired


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
        "Usage: /alert <ASSET> price <above|below> <price> [cooldown 6h] [urgent]",
        "e.g. /alert BTC price above 4000000",
    ]
    assert "Did you mean /alert total move 5%?" in percent.plain_text
    assert bare.plain_text.splitlines()[2].startswith("Also: /alert BTC price above 4000000")


async def test_alert_forms_in_turkish(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [created] = await bot.ask("/alert BTC move 10% 24h cooldown 6h")
        [wrong] = await bot.ask("/alert BTC prise above 4000000")
        [listing] = await bot.ask("/alerts")

    assert created.plain_text.splitlines() == [
        "✅ Alarm #1 kuruldu: BTC 24 sa içinde %10 hareket",
        "Şimdi: 34.125.765,33 TRY; karşılaştırılacak ilk değer bu",
        "Son 24 sa içinde görülen herhangi bir değerden %10 değişince tetiklenir;"
        " sayım şimdi başlar.",
        "Tetiklendikten sonra yeniden geçse bile 6 sa sessiz kalır.",
    ]
    assert wrong.plain_text.splitlines()[0].endswith(  # the word fixed in the chat's words
        "Şunu mu demek istediniz: /alert BTC fiyat above 4000000?"
    )
    assert (
        "#1 BTC 24 sa içinde %10 hareket · bekleme 6 sa · şimdi +%0,00"
        ", 08:00 (İstanbul) itibarıyla" in listing.plain_text
    )


async def test_alerts_say_why_a_total_is_unknown_while_a_held_pair_is_unlisted(
    bot: BotHarness,
) -> None:
    """It said "now not known yet (no value seen within 24 h)" seconds after a value was seen,
    and "now unknown" with no reason."""
    await bot.ask("/alert total move 5%")
    await bot.ask("/alert total above 40000000")
    await bot.ask("/alert glmr value above 1000")
    await poll(bot)
    bot.exchange.unlist_pair("GLMRUSDT")
    bot.clock.advance(minutes=1)
    await poll(bot)
    [listed] = await bot.ask("/alerts")
    [created] = await bot.ask("/alert total below 30000000")
    print(listed.plain_text, created.plain_text, sep="\n\n")

    assert listed.plain_text.splitlines()[1:4] == [
        "#1 total move 5% within 24 h · now unknown: no price for GLMR now, so the total is"
        " incomplete and total alerts wait",
        "#2 total above 40,000,000 TRY · now unknown: no price for GLMR now, so the total is"
        " incomplete and total alerts wait",
        "#3 GLMR value above 1,000 TRY · now unknown: no price for GLMR now",
    ]
    assert created.plain_text.splitlines()[1] == (
        "Now: unknown: no price for GLMR now, so the total is incomplete and total alerts wait"
    )


async def test_alerts_say_the_prices_fail_when_they_do(bot: BotHarness) -> None:
    await bot.ask("/alert total move 5%")
    await bot.ask("/alert btc price above 4000000")
    await poll(bot)
    bot.exchange.inject("500", times=3, endpoint="ticker")
    bot.clock.advance(minutes=1)
    await poll(bot)
    [listed] = await bot.ask("/alerts")
    print(listed.plain_text)

    assert listed.plain_text.splitlines()[1:3] == [
        "#1 total move 5% within 24 h · now unknown: prices unavailable",
        "#2 BTC price above 4,000,000 TRY · now unknown: prices unavailable",
    ]
