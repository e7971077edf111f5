"""Alert lines that could never fire are refused with their reason, an amount line at 0 is
kept, and a number typed with spaces is answered with how to write it.

The seeded account holds 9.75021866 BTC and no ETH (listed, balance 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from balance_bot.config import Settings
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, services_of

StartBot = Callable[[Settings], Any]


async def stored(bot: BotHarness) -> list[str]:
    rules = await services_of(bot).store.alerts_for_chat(ALLOWED_CHAT)
    return [f"{r.target} {r.kind} {r.direction} {r.amount}" for r in rules]


async def test_a_price_or_value_line_at_zero_is_refused_with_its_reason(bot: BotHarness) -> None:
    [price] = await bot.ask("/alert btc price above 0")
    [total] = await bot.ask("/alert total above 0")
    [value] = await bot.ask("/alert btc value above 0")

    print(price.plain_text, total.plain_text, value.plain_text, sep="\n\n")
    assert price.plain_text.splitlines()[0] == (
        "⚠️ A price is always above 0: a line at 0 would never fire. Give a price above 0."
    )
    assert total.plain_text.splitlines()[0] == (
        "⚠️ The portfolio's value is never below 0: a line at 0 tells nothing. Give a value above 0."
    )
    assert value.plain_text.splitlines()[0] == (
        "⚠️ A value is never below 0: a line at 0 only tells whether you hold any, as an amount"
        " alert does. Did you mean /alert btc above 0?"
    )
    assert await stored(bot) == []


async def test_an_amount_line_at_zero_is_set_and_says_when_it_fires(bot: BotHarness) -> None:
    [eth] = await bot.ask("/alert eth above 0")  # none held: fires on the first ETH
    [btc] = await bot.ask("/alert btc above 0")  # held: fires after none, then some again

    print(eth.plain_text, btc.plain_text, sep="\n\n")
    assert eth.plain_text.splitlines() == ["✅ Alert #1 set: ETH above 0", "Now: 0.00000000 ETH"]
    assert btc.plain_text.splitlines() == [
        "✅ Alert #2 set: BTC above 0",
        "Now: 9.75021866 BTC",
        "You hold some BTC already: it will fire once you have held none and hold some again.",
    ]
    assert await stored(bot) == ["ETH amount above 0", "BTC amount above 0"]


async def test_a_number_typed_with_spaces_is_answered_with_how_to_write_it(
    bot: BotHarness,
) -> None:
    [reply] = await bot.ask("/alert btc price above 3 600 000")

    print(reply.plain_text)
    assert reply.plain_text.splitlines()[0] == (
        "⚠️ “3 600 000”: write the number without spaces, 3600000 or 3,600,000."
        " Did you mean /alert btc price above 3600000?"
    )
    assert await stored(bot) == []


async def test_in_turkish_the_spaced_number_and_the_zero_line(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        [spaced] = await bot.ask("/alert total above 40 000 000,50")
        [price] = await bot.ask("/alert btc price above 0")
        rules = await stored(bot)

    print(spaced.plain_text, price.plain_text, sep="\n\n")
    assert spaced.plain_text.splitlines()[0] == (
        "⚠️ “40 000 000,50”: sayıyı boşluksuz yazın, 40000000,50 ya da 40.000.000,50."
        " Şunu mu demek istediniz: /alert total above 40000000,50?"
    )
    assert price.plain_text.splitlines()[0].startswith("⚠️ Fiyat her zaman 0'ın üzerindedir")
    assert rules == []
