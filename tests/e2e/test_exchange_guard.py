"""BTCTurk's own incidents reach the owner: a held coin's deposits or withdrawals closed or
open again (per network), a held pair stopped or gone, once each, across restarts.

The real bot against the fake exchange, which serves a captured real `exchangeinfo` answer
and closes, halts or removes what a test says. The test runs each read itself (no jobs).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.fakes.exchange import FakeBtcTurk
from tests.e2e.conftest import (
    ALLOWED_CHAT,
    ALLOWED_GROUP,
    BotHarness,
    FakeClock,
    poll,
    sent_to,
    services_of,
)
from tests.kit.wiring import BotWiring

StartBot = Callable[[Settings], Any]
CLOSED = "⛔"
OPEN = "✅ USDT"


@pytest.fixture(autouse=True)
def without_scheduled_jobs(wiring: BotWiring) -> None:
    """No scheduled read: the test runs each one itself."""
    wiring.jobs = False


async def read_status(harness: BotHarness) -> int:
    """Read BTCTurk's status once and deliver what it queued, as the job does."""
    services = services_of(harness)
    assert services.exchange is not None
    queued = await services.exchange.check()
    await services.deliverer.deliver_due()
    return queued


async def started(harness: BotHarness) -> None:
    """Read the account (what is held), then BTCTurk's status: the baseline."""
    await poll(harness)
    assert await read_status(harness) == 0


def told(harness: BotHarness, prefix: str, chat: int = ALLOWED_CHAT) -> list[str]:
    return [m.plain_text for m in sent_to(harness, chat, prefix)]


async def test_a_held_coins_withdrawals_closed_then_reopened_are_told_once_each(
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    settings = make_settings()
    async with start_bot(settings) as bot:
        await started(bot)
        exchange.info.close("USDT", "withdrawal", network="TRC20")
        await read_status(bot)
        await read_status(bot)  # the state holds: no repeat
        await poll(bot)
        await read_status(bot)

        assert told(bot, CLOSED) == [
            "⛔ USDT withdrawals closed on TRC20 (deposits open)\n08:00 (Istanbul)"
        ]
        assert len(told(bot, CLOSED, ALLOWED_GROUP)) == 1

    async with start_bot(settings) as bot:  # a restart: the state is kept
        await read_status(bot)
        assert len(told(bot, CLOSED)) == 1  # the one before the restart
        clock.advance(hours=3, minutes=12)
        exchange.info.reopen("USDT", "withdrawal", network="TRC20")
        await read_status(bot)
        await read_status(bot)

        assert told(bot, OPEN) == [
            "✅ USDT withdrawals open again on TRC20 (closed 3 h 12 min)\n11:12 (Istanbul)"
        ]


async def test_the_first_read_is_a_silent_baseline_and_status_lists_what_is_closed(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    exchange.info.close("BTC", "withdrawal")
    exchange.info.close("BTC", "deposit")
    exchange.info.close("USDT", "deposit", network="L")

    await started(bot)
    [status] = await bot.ask("/status")

    assert told(bot, CLOSED) == []
    assert "⛔ BTC deposits and withdrawals closed\n" in status.plain_text
    assert "⛔ USDT deposits closed on Liquid\n" in status.plain_text


async def test_a_block_on_a_network_names_the_network_and_the_coins_own_row_none(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    await started(bot)
    exchange.info.close("BTC", "deposit", network="L")  # LBtc: BTC on Liquid

    await read_status(bot)

    [message] = told(bot, CLOSED)
    assert message.splitlines()[0] == "⛔ BTC deposits closed on Liquid (withdrawals open)"


async def test_a_duplicate_row_that_closes_closes_the_coin(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    await started(bot)
    exchange.info.close("USDT", "withdrawal", duplicate=True)  # a second Usdt row, the first open

    await read_status(bot)

    [message] = told(bot, CLOSED)
    assert message.splitlines()[0] == "⛔ USDT withdrawals closed (deposits open)"


async def test_a_network_closed_and_reopened_under_a_closed_coin_is_no_news(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    """USDT withdrawals were closed on every network all along: TRC20's own row closing and
    opening them again under the coin's row is not told."""
    await started(bot)
    exchange.info.close("USDT", "withdrawal")  # the coin's own row: both closed
    exchange.info.close("USDT", "deposit")
    await read_status(bot)
    exchange.info.close("USDT", "withdrawal", network="TRC20")
    await read_status(bot)
    exchange.info.reopen("USDT", "withdrawal", network="TRC20")
    await read_status(bot)

    assert [m.splitlines()[0] for m in told(bot, CLOSED)] == [
        "⛔ USDT deposits and withdrawals closed",
    ]
    assert told(bot, OPEN) == []


async def test_a_coin_reopened_says_the_network_still_closed(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    await started(bot)
    exchange.info.close("USDT", "withdrawal", network="TRC20")
    await read_status(bot)
    exchange.info.close("USDT", "withdrawal")
    exchange.info.close("USDT", "deposit")
    await read_status(bot)
    exchange.info.reopen("USDT", "withdrawal")
    exchange.info.reopen("USDT", "deposit")
    await read_status(bot)
    [status] = await bot.ask("/status")

    assert [m.splitlines()[0] for m in told(bot, CLOSED)] == [
        "⛔ USDT withdrawals closed on TRC20 (deposits open)",
        "⛔ USDT deposits and withdrawals closed",
    ]
    assert [m.splitlines()[0] for m in told(bot, OPEN)] == [
        "✅ USDT deposits and withdrawals open again (closed under a minute)"
        ", but withdrawals stay closed on TRC20"
    ]
    assert "⛔ USDT withdrawals closed on TRC20" in status.plain_text


async def test_a_coin_not_held_is_not_told(bot: BotHarness, exchange: FakeBtcTurk) -> None:
    await started(bot)
    exchange.info.close("SGB", "withdrawal")  # listed, not held, no alert on it
    exchange.info.halt("ETHTRY")  # ETH: a row at 0, not held

    assert await read_status(bot) == 0
    [status] = await bot.ask("/status")

    assert told(bot, CLOSED) == []
    assert "SGB" not in status.plain_text
    assert "ETHTRY" not in status.plain_text


async def test_a_coin_with_an_alert_is_told_though_not_held(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    [set_alert] = await bot.ask("/alert eth above 1")  # ETH: a row at 0, not held
    await started(bot)
    exchange.info.close("ETH", "withdrawal")

    await read_status(bot)

    assert set_alert.plain_text.startswith("✅")
    assert [m.splitlines()[0] for m in told(bot, CLOSED)] == [
        "⛔ ETH withdrawals closed (deposits open)"
    ]


async def test_a_held_pair_halted_then_removed_then_trading_again(
    bot: BotHarness, exchange: FakeBtcTurk, clock: FakeClock
) -> None:
    await started(bot)
    exchange.info.halt("BTCTRY")
    await read_status(bot)
    exchange.info.remove("BTCTRY")
    await read_status(bot)
    [status] = await bot.ask("/status")
    clock.advance(minutes=40)
    exchange.info.trade("BTCTRY")
    await read_status(bot)

    notices = [m for m in told(bot, "") if m[0] in "⏸🚫▶"]
    assert [m.splitlines()[0] for m in notices] == [
        "⏸ Trading stopped on BTCTRY",
        "🚫 BTCTRY left BTCTurk's list of pairs (stopped or delisted)",
        "▶️ BTCTRY trades again (stopped 40 min)",
    ]
    assert "🚫 Not on BTCTurk's list of pairs: BTCTRY since 08:00 (Istanbul)" in status.plain_text


async def test_a_new_pair_for_a_held_coin_is_told(bot: BotHarness, exchange: FakeBtcTurk) -> None:
    await started(bot)
    exchange.info.add_pair("BTCEUR")
    exchange.info.add_pair("SGBTRY")  # not held: not told

    await read_status(bot)

    assert told(bot, "🆕") == ["🆕 New pair on BTCTurk: BTCEUR\n08:00 (Istanbul)"]


async def test_several_changes_of_one_read_share_one_message(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    await started(bot)
    exchange.info.close("BTC", "withdrawal")
    exchange.info.close("USDT", "withdrawal")
    exchange.info.close("USDT", "withdrawal", network="TRC20")  # no news: closed coin-wide
    exchange.info.close("USDT", "deposit", network="TRC20")

    await read_status(bot)

    [message] = told(bot, CLOSED)
    assert message.splitlines() == [
        "⛔ BTC withdrawals closed (deposits open)",
        "⛔ USDT withdrawals closed (deposits open)",
        "⛔ USDT deposits closed on TRC20 (withdrawals closed too)",
        "08:00 (Istanbul)",
    ]


async def test_an_exchange_notice_passes_quiet_hours_and_a_mute(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    await bot.ask("/quiet 00:00-23:59")
    await bot.ask("/mute 2h")
    await started(bot)
    exchange.info.close("USDT", "withdrawal")

    await read_status(bot)

    assert len(told(bot, CLOSED)) == 1
