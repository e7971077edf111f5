"""/pnl marks a price taken through another pair than the asset's own, and in USDT prices an
asset with a TRY pair alone through TRY (XTRY ÷ USDTTRY) instead of calling it unknown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from tests.e2e.conftest import BotHarness, FakeClock, services_of
from tests.kit.values import pnl_part
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    wiring.use(exchange_time=lambda: clock().timestamp())
    wiring.jobs = False  # the backfill is stepped by the test


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    """An account whose balances its history explains: TRY in, BTC and XRP bought with it."""
    async with FakeBtcTurk(clock=lambda: clock().timestamp(), balances=[]) as server:
        now = clock.now
        clock.advance(days=-20)
        server.ledger.deposit("TRY", "1000000")
        server.ledger.buy("BTCTRY", "0.1", "3000000")
        server.ledger.buy("XRPTRY", "100", "90")
        clock.now = now
        server.set_price("BTCTRY", "3600000")
        server.set_price("XRPTRY", "95.21")
        server.candles.default_close["USDTTRY"] = Decimal("41.5")
        yield server


async def backfilled(bot: BotHarness) -> None:
    steps = services_of(bot).account.backfill
    assert steps is not None
    while await steps.step():
        pass


def lines(text: str) -> list[str]:
    return text.splitlines()


async def test_pnl_marks_a_price_through_usdt(
    exchange: FakeBtcTurk, make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    exchange.blank_price("BTCTRY")
    exchange.set_price("BTCUSDT", "90000")  # × 41.50: 3,735,000.00 TRY
    async with start_bot(make_settings()) as bot:
        await backfilled(bot)
        [reply] = await bot.ask("/pnl")

    print(reply.plain_text)
    text = lines(reply.plain_text)
    assert " avg 3,004,248.00 → 3,735,000.00*" in text
    assert " avg 90.13 → 95.21" in text  # XRPTRY: its own pair
    assert "* via USDT: BTC (no TRY price of their own)" in text


async def test_pnl_in_usdt_prices_an_asset_with_only_a_try_pair_through_try(
    exchange: FakeBtcTurk, make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    exchange.set_price("USDTTRY", "41.5")
    exchange.set_price("BTCUSDT", "90000")
    async with start_bot(make_settings(QUOTE_CURRENCY="USDT")) as bot:
        await backfilled(bot)
        [reply] = await bot.ask("/pnl")

    print(reply.plain_text)
    text = pnl_part(reply.plain_text)
    assert "unknown" not in text and "incomplete" not in text
    assert "XRP" in text and " avg 2.17 → 2.29*" in lines(text)
    assert "* via TRY: XRP (no USDT price of their own)" in lines(text)
