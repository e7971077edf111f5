"""A price taken through another pair than the asset's own is marked wherever it is shown, and
wherever a value or a total is built on it; in USDT, an asset with a TRY pair alone is priced
through TRY (XTRY ÷ USDTTRY), never shown as unpriced.

BTC is put on the USDT route by sending BTCTRY without a price: 84,337 USDT × 41.50 TRY =
3,499,985.50 TRY a BTC, 34,125,623.95 TRY for the 9.75021866 BTC held.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from balance_bot.app import BALANCE_CACHE_S
from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, FakeClock, poll, sent_to
from tests.kit.clocks import ManualMonotonic
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
BTC_VIA_USDT = "3,499,985.50 TRY via USDT"


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=lambda: clock().timestamp()) as server:
        yield server


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())
    wiring.jobs = False


def lines(text: str) -> list[str]:
    return text.splitlines()


# --- via USDT, marked wherever it is shown ---------------------------------------------------


async def test_a_price_alert_says_its_price_came_through_usdt(bot: BotHarness) -> None:
    [created] = await bot.ask("/alert btc price below 3499990")
    await poll(bot)
    bot.exchange.blank_price("BTCTRY")  # the route alone moves BTC under the line
    bot.clock.advance(minutes=1)
    await poll(bot)
    [again] = await bot.ask("/alert btc price above 3600000")
    [listing] = await bot.ask("/alerts")

    [fired] = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")
    print(created.plain_text, fired.plain_text, again.plain_text, listing.plain_text, sep="\n\n")
    assert lines(created.plain_text)[1] == "Now: 3,500,000.00 TRY"  # its own pair: no mark
    assert lines(fired.plain_text)[:2] == [
        "⚠️ Alert #1: BTC price fell below 3,499,990 TRY",
        f"Now {BTC_VIA_USDT}",
    ]
    assert lines(again.plain_text)[1] == f"Now: {BTC_VIA_USDT}"
    assert f"#1 BTC price below 3,499,990 TRY · now {BTC_VIA_USDT}" in lines(listing.plain_text)


async def test_alerts_mark_values_and_totals_built_on_a_usdt_price(
    cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    await bot.ask("/alert btc value below 30000000")
    await bot.ask("/alert btc below 5")  # an amount: no price in it
    [listing] = await bot.ask("/alerts")
    bot.exchange.blank_price("BTCTRY")
    cache_clock.now += BALANCE_CACHE_S + 1
    [routed] = await bot.ask("/alerts")
    [total] = await bot.ask("/alert total above 40000000")

    print(listing.plain_text, routed.plain_text, total.plain_text, sep="\n\n")
    assert "*" not in listing.plain_text  # GLMR is in no figure shown
    assert lines(routed.plain_text)[1:] == [
        "#1 BTC value below 30,000,000 TRY · now 34,125,623.95 TRY*",
        "#2 BTC below 5 · now 9.75021866 BTC",
        "* via USDT: BTC (no TRY price of their own)",
        "Remove one with /unalert <id>",
    ]
    assert lines(total.plain_text)[1:] == [
        "Now: 34,215,960.55 TRY*",
        "* via USDT: BTC (no TRY price of their own)",
    ]


async def test_value_and_total_alerts_that_fire_on_a_usdt_route_say_so(bot: BotHarness) -> None:
    await bot.ask("/alert btc value below 34125700")  # 34,125,765.33 through BTCTRY
    await bot.ask("/alert total below 34216000")  # 34,216,101.93
    await poll(bot)
    bot.exchange.blank_price("BTCTRY")
    bot.clock.advance(minutes=1)
    await poll(bot)

    [value] = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #1")
    [total] = sent_to(bot, ALLOWED_CHAT, "⚠️ Alert #2")
    print(value.plain_text, total.plain_text, sep="\n\n")
    assert lines(value.plain_text)[1] == "Now 34,125,623.95 TRY* (9.75021866 BTC)"
    assert lines(value.plain_text)[-2] == "* via USDT: BTC (no TRY price of their own)"
    assert lines(total.plain_text)[1] == "Now 34,215,960.55 TRY*"
    assert lines(total.plain_text)[-2] == "* via USDT: BTC (no TRY price of their own)"


async def test_a_change_alert_marks_its_values_through_usdt(bot: BotHarness) -> None:
    await poll(bot)
    bot.exchange.blank_price("BTCTRY")
    bot.exchange.set_balance("BTC", "10.2502186644553258", locked="3.3109771999999998")
    bot.clock.advance(minutes=1)
    await poll(bot)

    [alert] = sent_to(bot, ALLOWED_CHAT, "🔔")
    print(alert.plain_text)
    assert lines(alert.plain_text)[1:5] == [
        "BTC 9.75021866 → 10.25021866",
        "    +0.50000000 BTC ≈ +1,749,992.75 TRY*",
        "Portfolio: 35,965,953.30 TRY*",
        "* via USDT: BTC (no TRY price of their own)",
    ]


async def test_an_explained_change_alert_marks_what_is_not_in_the_history_yet(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(EXPLAIN_CHANGES="true")) as bot:
        await poll(bot)
        bot.exchange.blank_price("BTCTRY")
        bot.exchange.ledger.deposit("BTC", "0.5", lag=100)  # listed long after the alert
        bot.clock.advance(minutes=1)
        await poll(bot)

    [alert] = sent_to(bot, ALLOWED_CHAT, "🔔")
    print(alert.plain_text)
    text = lines(alert.plain_text)
    assert "❔ +0.50000000 BTC (≈ +1,749,992.75 TRY*) not in the history yet" in text
    assert "Portfolio: 35,965,953.30 TRY*" in text
    assert "* via USDT: BTC (no TRY price of their own)" in text


async def test_the_summary_marks_the_assets_valued_through_usdt(
    cache_clock: ManualMonotonic, bot: BotHarness
) -> None:
    [plain] = await bot.ask("/summary")
    bot.exchange.blank_price("BTCTRY")
    cache_clock.now += BALANCE_CACHE_S + 1
    [routed] = await bot.ask("/summary")

    print(plain.plain_text, routed.plain_text, sep="\n\n")
    rows = [line.split() for line in lines(plain.plain_text)]
    assert ["GLMR*", "851.79"] in rows
    assert "* via USDT: GLMR (no TRY price of their own)" in lines(plain.plain_text)
    rows = [line.split() for line in lines(routed.plain_text)]
    assert ["BTC*", "34,125,623.95"] in rows
    assert "* via USDT: BTC, GLMR (no TRY price of their own)" in lines(routed.plain_text)


async def test_turkish_says_via_usdt_in_turkish(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(LANGUAGE="tr")) as bot:
        bot.exchange.blank_price("BTCTRY")
        [created] = await bot.ask("/alert btc price above 3600000")
        [value] = await bot.ask("/alert btc value below 30000000")

    print(created.plain_text, value.plain_text, sep="\n\n")
    assert lines(created.plain_text)[1] == "Şimdi: 3.499.985,50 TRY (USDT üzerinden)"
    assert lines(value.plain_text)[1:] == [
        "Şimdi: 34.125.623,95 TRY*",
        "* USDT üzerinden: BTC (kendi TRY fiyatı yok)",
    ]


# --- in USDT, through TRY -----------------------------------------------------------------------


async def test_in_usdt_an_asset_with_only_a_try_pair_is_valued_through_try_and_marked(
    make_settings: Callable[..., Settings], start_bot: StartBot, exchange: FakeBtcTurk
) -> None:
    exchange.set_balance("XRP", "100", precision=4)  # XRPTRY 95.21, no XRPUSDT
    async with start_bot(make_settings(QUOTE_CURRENCY="USDT")) as bot:
        [whole] = await bot.ask("/balance")
        [xrp] = await bot.ask("/balance xrp")

    print(whole.plain_text, xrp.plain_text, sep="\n\n")
    assert "ℹ️ No USDT price for ETHW: not in the total." in lines(whole.plain_text)  # no pair
    rows = [line.split() for line in lines(whole.plain_text)]
    assert ["XRP*", "100.0000", "229.42"] in rows  # 100 × 95.21 ÷ 41.5
    assert "* via TRY: XRP (no USDT price of their own)" in lines(whole.plain_text)
    assert "Value: 229.42 USDT (1 XRP = 2.29 USDT via TRY: 95.21 TRY ÷ 41.50 TRY/USDT)" in (
        xrp.plain_text
    )
