"""A Turkish chat types and reads Turkish: units, keywords and the words of every answer.

The seeded account: 9.75021866 BTC at 3,500,000 TRY, 1,500.25 USDT at 41.5 TRY.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest

from balance_bot.config import Settings
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, services_of

StartBot = Callable[[Settings], Any]


@pytest.fixture
async def tr_bot(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> AsyncIterator[BotHarness]:
    """Run the bot with Turkish as the chats' language."""
    async with start_bot(make_settings(LANGUAGE="tr")) as harness:
        yield harness


async def muted_for(bot: BotHarness) -> timedelta | None:
    """Return how long the chat is muted from now, None when it is not."""
    settings = await services_of(bot).store.chat_settings(ALLOWED_CHAT)
    until = settings.muted_until
    return None if until is None else until - bot.clock()


@pytest.mark.parametrize("typed", ["2s", "2sa", "2 saat", "2h"])
async def test_mute_in_hours_as_a_turkish_chat_types_them(tr_bot: BotHarness, typed: str) -> None:
    [reply] = await tr_bot.ask(f"/mute {typed}")
    print(reply.plain_text)
    assert reply.plain_text.startswith("🔕 Değişim bildirimleri")
    assert await muted_for(tr_bot) == timedelta(hours=2)


async def test_a_unit_that_reads_two_ways_in_turkish_is_asked_about(tr_bot: BotHarness) -> None:
    [reply] = await tr_bot.ask("/mute 2d")
    print(reply.plain_text)
    assert reply.plain_text.splitlines() == [
        "⚠️ “2d” iki türlü okunabilir: 2 gün ya da 2 dakika. Kastettiğinizi gönderin:",
        "/mute 2g",
        "/mute 2dk",
    ]
    assert await muted_for(tr_bot) is None


async def test_an_alert_typed_with_turkish_keywords_is_set_and_told_in_turkish(
    tr_bot: BotHarness,
) -> None:
    [below] = await tr_bot.ask("/alert btc altında 5")
    [price] = await tr_bot.ask("/alert btc fiyat üstünde 3.600.000")
    [move] = await tr_bot.ask("/alert toplam hareket %5 24sa bekleme 6sa acil")
    [value] = await tr_bot.ask("/alert USDT DEĞER ALTINDA 50000")
    [listed] = await tr_bot.ask("/alerts")
    print(below.plain_text, price.plain_text, move.plain_text, listed.plain_text, sep="\n\n")

    firsts = [m.plain_text.splitlines()[0] for m in (below, price, move, value)]
    assert firsts == [
        "✅ Alarm #1 kuruldu: BTC 5 altında",
        "✅ Alarm #2 kuruldu: BTC fiyatı 3.600.000 TRY üstünde",
        "✅ Alarm #3 kuruldu: toplam 24 sa içinde %5 hareket",
        "✅ Alarm #4 kuruldu: USDT değeri 50.000 TRY altında",
    ]
    rows = listed.plain_text.splitlines()[1:-1]
    assert rows[:2] == [
        "#1 BTC 5 altında · şimdi 9,75021866 BTC",
        "#2 BTC fiyatı 3.600.000 TRY üstünde · şimdi 3.500.000,00 TRY",
    ]
    assert rows[2].startswith(
        "#3 toplam 24 sa içinde %5 hareket · bekleme 6 sa · acil · şimdi +%0,00"
    )


async def test_a_misspelt_turkish_keyword_gets_the_nearest_turkish_form(tr_bot: BotHarness) -> None:
    [reply] = await tr_bot.ask("/alert btc fiyat altnda 3000000")
    print(reply.plain_text)
    assert reply.plain_text.splitlines()[0] == (
        "⚠️ “altnda” değil, üstünde ya da altında yazın. "
        "Şunu mu demek istediniz: /alert btc fiyat altında 3000000?"
    )
    assert reply.plain_text.splitlines()[1].startswith(
        "Kullanım: /alert <VARLIK> fiyat <üstünde|altında> <fiyat>"
    )


async def test_a_misspelt_english_keyword_gets_the_turkish_form_in_a_turkish_chat(
    tr_bot: BotHarness,
) -> None:
    """ "abov" was offered as "above" in a Turkish chat, between Turkish words."""
    [reply] = await tr_bot.ask("/alert btc fiyat abov 4000000")
    print(reply.plain_text)
    assert reply.plain_text.splitlines()[0] == (
        "⚠️ “abov” değil, üstünde ya da altında yazın. "
        "Şunu mu demek istediniz: /alert btc fiyat üstünde 4000000?"
    )


async def test_a_window_typed_in_days_that_reads_one_valid_way_is_offered_as_that(
    tr_bot: BotHarness,
) -> None:
    """ "2d" was "2 gün ya da 2 dakika" with one command only: two minutes is no window."""
    since = len(tr_bot.telegram.sent)
    [reply] = await tr_bot.ask("/alert btc hareket %10 2d")
    print(reply.plain_text)
    assert reply.plain_text.splitlines() == [
        "⚠️ “2d” 2 gün ya da 2 dakika olabilir; 2 dakika ile geçerli bir alarm olmuyor."
        " Şunu mu demek istediniz:",
        "/alert btc hareket %10 2g",
    ]
    [sent] = tr_bot.telegram.sent[since:]
    markup = sent.reply_markup or {"inline_keyboard": []}
    assert [button["text"] for row in markup["inline_keyboard"] for button in row] == ["2g"]
    assert await services_of(tr_bot).store.alerts_for_chat(ALLOWED_CHAT) == []
