"""open_services() on the fake exchange: the graph runs on the clocks and sleep it is given."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot

from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.services.wiring import BALANCE_CACHE_S, Clocks, Wiring, open_services
from balance_bot.store.database import Database
from tests.kit.clocks import FakeClock, ManualMonotonic, RecordedSleep
from tests.kit.services import unit_settings


@pytest.fixture
async def exchange() -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk() as server:
        yield server


async def test_the_services_read_and_wait_on_the_clocks_they_are_built_with(
    exchange: FakeBtcTurk, tmp_path: Path
) -> None:
    settings = unit_settings(tmp_path, BTCTURK_API_URL=exchange.base_url)
    wall, cache, backoff = FakeClock(), ManualMonotonic(), RecordedSleep()
    wiring = Wiring(clocks=Clocks(wall=wall, cache=cache, backoff=backoff))
    bot = Bot(settings.telegram_bot_token)  # built, never called
    async with (
        await Database.open(tmp_path / "bot.sqlite3") as database,
        open_services(settings, bot, database, wiring=wiring) as services,
    ):
        exchange.inject("500")
        first = await services.account.portfolio.fetch()
        again = await services.account.portfolio.fetch()  # the cache clock stood still: no new read
        reads_while_fresh = exchange.calls["balances"]
        cache.now += BALANCE_CACHE_S + 1
        await services.account.portfolio.fetch()

    assert backoff.delays != []  # the 500 was retried after a recorded, not a real, wait
    assert again is first
    assert reads_while_fresh == 2  # the 500, then its retry
    assert exchange.calls["balances"] == 3
    assert services.clock() == wall.now
