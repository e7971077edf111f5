"""/balance tells money waiting for a withdrawal from money in orders, and says which prices
came through USDT; a missing or zero price is a data note, never a value."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, FakeClock, poll, sent_to
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=lambda: clock().timestamp()) as server:
        yield server


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())
    wiring.jobs = False


# --- a withdrawal waiting is not an order ------------------------------------------------------


async def test_a_pending_withdrawal_is_shown_as_such_not_as_an_order(bot: BotHarness) -> None:
    bot.exchange.ledger.withdraw("USDT", "50", fee="1", pending=True)
    [usdt] = await bot.ask("/balance usdt")
    [whole] = await bot.ask("/balance")
    print(usdt.plain_text, whole.plain_text, sep="\n\n")
    assert "⏳ Withdrawal pending: 51.00 USDT" in usdt.plain_text
    assert "In orders" not in usdt.plain_text
    assert "Free: 1,449.25 USDT" in usdt.plain_text
    assert "⏳ Withdrawal pending: 51.00 USDT" in whole.plain_text
    assert "🔒 In orders: 3.31097720 BTC, 4,874.36 TRY" in whole.plain_text  # no USDT there


async def test_an_order_and_a_withdrawal_of_one_asset_are_told_apart(bot: BotHarness) -> None:
    bot.exchange.set_balance("USDT", "1500.25", locked="151", request_fund="51")
    [usdt] = await bot.ask("/balance usdt")
    print(usdt.plain_text)
    assert "In orders: 100.00 USDT" in usdt.plain_text
    assert "⏳ Withdrawal pending: 51.00 USDT" in usdt.plain_text


async def test_rows_without_request_fund_keep_the_locked_amount_in_orders(bot: BotHarness) -> None:
    bot.exchange.ledger.withdraw("USDT", "50", fee="1", pending=True)
    bot.exchange.row_shape = "2019"  # no orderFund, no requestFund: only `locked`
    [usdt] = await bot.ask("/balance usdt")
    print(usdt.plain_text)
    assert "In orders: 51.00000000 USDT" in usdt.plain_text  # without precision: 8 digits
    assert "Withdrawal pending" not in usdt.plain_text


async def test_the_requested_and_the_done_withdrawal_say_the_same_amount(
    make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings(EXPLAIN_CHANGES="true")) as bot:
        await poll(bot)
        bot.exchange.ledger.withdraw("USDT", "50", fee="1", pending=True)
        await poll(bot)
        bot.clock.advance(minutes=1)
        bot.exchange.ledger.release_pending()
        await poll(bot)
    [requested] = sent_to(bot, ALLOWED_CHAT, "⏳")
    [done] = sent_to(bot, ALLOWED_CHAT, "🔔")
    print(requested.plain_text, done.plain_text, sep="\n\n")
    assert "51.00 USDT" in requested.plain_text
    assert "📤 Withdrawal 50.00 USDT · fee 1.00 USDT · 51.00 USDT in all" in done.plain_text


# --- prices through another route, and prices that are not prices -----------------------------


async def test_a_price_through_usdt_is_marked_in_the_rows_and_the_detail(bot: BotHarness) -> None:
    [whole] = await bot.ask("/balance")
    [glmr] = await bot.ask("/balance glmr")
    print(whole.plain_text, glmr.plain_text, sep="\n\n")
    assert ["GLMR*", "250.00", "851.79"] in [line.split() for line in whole.plain_text.splitlines()]
    assert ["BTC", "9.75021866", "34,125,765.33"] in [
        line.split() for line in whole.plain_text.splitlines()
    ]
    assert "* via USDT: GLMR" in whole.plain_text
    assert "Value: 851.79 TRY (1 GLMR = 3.41 TRY via USDT: 0.0821 USDT × 41.50 TRY)" in (
        glmr.plain_text
    )


@pytest.mark.parametrize("last", [None, "0"])
async def test_a_null_or_zero_direct_price_is_a_data_note_and_the_usdt_route_is_marked(
    bot: BotHarness, last: str | None
) -> None:
    if last is None:
        bot.exchange.blank_price("BTCTRY")
    else:
        bot.exchange.set_price("BTCTRY", last)
    [whole] = await bot.ask("/balance")
    [btc] = await bot.ask("/balance btc")
    [status] = await bot.ask("/status")
    print(whole.plain_text, btc.plain_text, status.plain_text, sep="\n\n")
    rows = [line.split() for line in whole.plain_text.splitlines()]
    assert ["BTC*", "9.75021866", "34,125,623.95"] in rows  # at 84,337 x 41.5 a BTC
    assert "* via USDT: BTC, GLMR" in whole.plain_text
    assert "via USDT: 84,337.00 USDT × 41.50 TRY" in btc.plain_text
    assert "📝 Data notes: no usable price from BTCTurk (BTCTRY)" in status.plain_text


async def test_a_data_note_goes_once_the_price_is_back(bot: BotHarness) -> None:
    """The note "no usable price from BTCTurk (BTCTRY)" stayed a day after BTCTRY had a price
    again; the README promised it while it keeps happening."""
    bot.exchange.blank_price("BTCTRY")
    await poll(bot)
    [during] = await bot.ask("/status")
    bot.exchange.set_price("BTCTRY", "3500000")
    bot.clock.advance(minutes=1)
    await poll(bot)  # the ticker's next answer has BTCTRY's price
    [after] = await bot.ask("/status")
    print(during.plain_text, after.plain_text, sep="\n\n")
    assert "📝 Data notes: no usable price from BTCTurk (BTCTRY)" in during.plain_text
    assert "📝" not in after.plain_text
