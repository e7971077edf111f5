"""BTCTurk's status list misbehaves: nothing false reaches the chats, /status says why.

A failed read of `exchangeinfo` (down, garbage, a CDN page) tells nobody anything and leaves
a data note in /status until a read works; a read that lists far fewer pairs than the last
(a partial answer) is not taken as pairs leaving the list.
"""

from __future__ import annotations

import logging

import pytest

from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.exchange_faults import Fault
from tests.e2e.conftest import ALLOWED_CHAT, BotHarness, FakeClock, poll, sent_to, services_of
from tests.kit.wiring import BotWiring

pytestmark = pytest.mark.faults
UNREAD = "BTCTurk's status of coins and pairs could not be read since"


@pytest.fixture(autouse=True)
def without_scheduled_jobs(wiring: BotWiring) -> None:
    wiring.jobs = False


async def read_status(harness: BotHarness) -> int:
    services = services_of(harness)
    assert services.exchange is not None
    queued = await services.exchange.check()
    await services.deliverer.deliver_due()
    return queued


@pytest.mark.parametrize("fault", ["500", "maintenance", "cdn_html", "garbage", "success_false"])
async def test_a_status_read_that_fails_tells_nobody_and_leaves_a_data_note(
    bot: BotHarness,
    exchange: FakeBtcTurk,
    clock: FakeClock,
    fault: Fault,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await poll(bot)
    await read_status(bot)  # the baseline
    sent = len(bot.telegram.sent)
    exchange.inject(fault, times=9, endpoint="exchange_info")
    exchange.info.close("USDT", "withdrawal")  # not seen while the reads fail

    with caplog.at_level(logging.WARNING):
        assert await read_status(bot) == 0
        clock.advance(minutes=5)
        assert await read_status(bot) == 0
    [status] = await bot.ask("/status")

    assert len(bot.telegram.sent) == sent + 1  # the /status reply alone
    assert f"{UNREAD} 08:00 (Istanbul)" in status.plain_text
    warned = [r for r in caplog.records if "status of coins and pairs" in r.getMessage()]
    assert len(warned) == 1  # when it starts, not at every read

    exchange.clear_faults("exchange_info")
    await read_status(bot)
    [status] = await bot.ask("/status")
    assert UNREAD not in status.plain_text
    assert [m.plain_text.splitlines()[0] for m in sent_to(bot, ALLOWED_CHAT, "⛔")] == [
        "⛔ USDT withdrawals closed (deposits open)"
    ]


async def test_a_list_with_far_fewer_pairs_is_not_pairs_leaving(
    bot: BotHarness, exchange: FakeBtcTurk
) -> None:
    await poll(bot)
    await read_status(bot)
    names = exchange.info.listed()
    kept = {"BTCUSDT", "USDTTRY"}
    for name in names:
        if name not in kept:
            exchange.info.remove(name)

    assert await read_status(bot) == 0  # BTCTRY among the missing: no "left the list"

    for name in names:
        exchange.info.trade(name)
    assert await read_status(bot) == 0  # nor "trades again"
    assert sent_to(bot, ALLOWED_CHAT, "🚫") == []


async def test_a_status_read_cut_off_tells_nobody(bot: BotHarness, exchange: FakeBtcTurk) -> None:
    await poll(bot)
    await read_status(bot)
    exchange.inject("reset", times=3, endpoint="exchange_info")

    assert await read_status(bot) == 0
    watch = services_of(bot).exchange
    assert watch is not None
    assert watch.unread_since is not None
