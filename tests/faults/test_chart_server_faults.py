"""BTCTurk's chart server (the daily candles behind P&L) failing, end to end on the fakes.

The chart server is read in the background of the command that needs it: `/balance ASSET`
never waits for it, `/pnl` waits at most one budget (`BTCTURK_TIMEOUT_SECONDS`); a failed
read is tried again after a backoff, in the same process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.services.daily_prices import BACKOFF_FIRST_S
from tests.e2e.conftest import ALLOWED_CHAT, REPLY_TIMEOUT_S, FakeClock, services_of
from tests.e2e.test_pnl import backfill, trade_history
from tests.kit.clocks import ManualMonotonic
from tests.kit.values import pnl_part
from tests.kit.wiring import BotWiring

pytestmark = [pytest.mark.faults]

StartBot = Callable[[Settings], Any]
ETH_COST = "Average cost 100,000.00 TRY (deposits at the day's close)"


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=lambda: clock().timestamp(), balances=[]) as server:
        trade_history(server, clock)  # ETH deposited 15 days ago: its cost is that day's close
        yield server


@pytest.fixture
def chart_clock(wiring: BotWiring) -> ManualMonotonic:
    """Build the bot's daily prices on a monotonic clock the test moves (request before `bot`)."""
    return wiring.hand_chart_clock()


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())
    wiring.jobs = False  # the backfill is stepped by the test


async def test_balance_does_not_wait_for_a_chart_server_that_never_answers(
    chart_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="balance_bot.services.daily_prices")
    # A chart request may wait a minute here: a reply that waited for it would not come.
    settings = make_settings(BTCTURK_TIMEOUT_SECONDS="120")
    async with start_bot(settings) as bot:
        prices = services_of(bot).pnl
        assert prices is not None
        assert (prices.daily_prices.timeout_s, prices.daily_prices.budget_s) == (60, 120)
        await backfill(bot)
        exchange.candles.hang = True
        try:
            [loading] = await bot.ask("/balance eth")
            print(loading.plain_text)
            assert "Average cost: ⏳ prices loading" in loading.plain_text
            assert exchange.candles.calls >= 1
        finally:
            exchange.candles.release()  # the held request gets a 503: the read failed
        await prices.daily_prices.settled()
        failed = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(failed) == 1  # one read failed; the days are asked again after a backoff

        # It answers again: the days are asked again once the backoff is over, no restart.
        [still] = await bot.ask("/balance eth")
        assert "Average cost: ⏳ prices loading" in still.plain_text  # within the backoff
        chart_clock.now += BACKOFF_FIRST_S
        [pnl] = await bot.ask("/pnl")
        print(pnl.plain_text)
        assert "ETH°  +40,000.00 (+20.00%)" in pnl.plain_text
        [eth] = await bot.ask("/balance eth")
        assert f"{ETH_COST} · unrealized +40,000.00 TRY (+20.00%)" in eth.plain_text


async def test_the_days_a_failed_chart_read_missed_are_asked_again_after_a_backoff(
    chart_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
) -> None:
    async with start_bot(make_settings()) as bot:
        await backfill(bot)
        exchange.candles.fail_next = 1
        [failed] = await bot.ask("/pnl")
        print(failed.plain_text)
        assert "ETH  ⏳ prices loading" in failed.plain_text
        assert "  without ETH: prices loading" in failed.plain_text
        asked = exchange.candles.calls

        [again] = await bot.ask("/pnl")  # within the backoff: the server is left alone
        assert "ETH  ⏳ prices loading" in again.plain_text
        assert exchange.candles.calls == asked

        chart_clock.now += BACKOFF_FIRST_S
        [recovered] = await bot.ask("/pnl")
        print(recovered.plain_text)
        assert "ETH°  +40,000.00 (+20.00%)" in recovered.plain_text
        assert "without" not in pnl_part(recovered.plain_text)


async def test_while_the_days_prices_load_the_fee_total_keeps_the_known_fees_of_a_waiting_sale(
    chart_clock: ManualMonotonic,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
) -> None:
    """An ETH sale whose realized P&L waits for its deposit's day's close paid its fee in TRY,
    known: the fee total left it out with the realized P&L (623.04 TRY, BTC's fees alone)."""
    exchange.ledger.sell("ETHTRY", "0.5", "110000")  # its fee and tax: 77.88 TRY
    async with start_bot(make_settings()) as bot:
        await backfill(bot)
        exchange.candles.fail_next = 1
        [failed] = await bot.ask("/pnl")
        print(failed.plain_text)
        assert "ETH  ⏳ prices loading\n all ? · fees 77.88\n" in failed.plain_text
        assert (
            "Realized 2026: +19,631.84 TRY · fees + taxes 2026: 700.92 TRY\n"
            "  realized without ETH: prices loading\n"
        ) in failed.plain_text
        assert "fees without" not in failed.plain_text

        chart_clock.now += BACKOFF_FIRST_S
        [recovered] = await bot.ask("/pnl")
        print(recovered.plain_text)
        assert "fees + taxes 2026: 700.92 TRY" in recovered.plain_text
        assert "without" not in pnl_part(recovered.plain_text)


async def test_a_stop_while_a_command_waits_for_the_chart_server_does_not_wait_for_it(
    make_settings: Callable[..., Settings], start_bot: StartBot, exchange: FakeBtcTurk
) -> None:
    """Ctrl-C in the demo during /pnl with the chart server hung waited out the chart
    server's budget: the Application waited for the handler, and the burst it waited for was
    abandoned only after (the demo stopped 4 s late, then hung 2 s more in the fake)."""
    # A chart request may wait a minute here: a stop that waited for it would not come.
    running = start_bot(make_settings(BTCTURK_TIMEOUT_SECONDS="120"))
    bot = await running.__aenter__()
    stopped = False
    try:
        await backfill(bot)
        exchange.candles.hang = True
        since = len(bot.telegram.sent)
        bot.telegram.send_text(ALLOWED_CHAT, "/pnl")
        await exchange.wait_until(lambda: exchange.candles.held >= 1, what="a chart request held")
        async with asyncio.timeout(REPLY_TIMEOUT_S):
            await running.__aexit__(None, None, None)  # the stop: nothing released the server
        stopped = True
    finally:
        if not stopped:
            exchange.candles.release()
            await running.__aexit__(None, None, None)
    [reply] = bot.telegram.sent[since:]  # the command answered with what was known
    print(reply.plain_text)
    assert "prices loading" in reply.plain_text
