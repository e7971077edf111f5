"""BtcTurkClient against the fake exchange when BTCTurk refuses the key, or a permission.

A refusal is tried again within seconds, an owner's command tries once, and a key that works
again re-opens what its refusal closed (the history's latch). The sleep moves the client's
auth clock by what it was asked to wait, so the pauses are exact and nothing waits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from balance_bot.btcturk.auth_backoff import FIRST_PAUSE_S
from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import AuthError, HistoryRefused, KeyPaused
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from tests.kit.clocks import AdvancingSleep, ManualMonotonic

REVOKED = "0b5e4c2d-revoked-public-key"
NOW_MS = 1_764_000_000_000


@pytest.fixture
async def exchange() -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk() as server:
        yield server


@pytest.fixture
def clock() -> ManualMonotonic:
    return ManualMonotonic()


@pytest.fixture
def sleep(clock: ManualMonotonic) -> AdvancingSleep:
    return AdvancingSleep(clock)


@pytest.fixture
def client(
    session: aiohttp.ClientSession,
    exchange: FakeBtcTurk,
    clock: ManualMonotonic,
    sleep: AdvancingSleep,
) -> BtcTurkClient:
    return BtcTurkClient(
        session,
        base_url=exchange.base_url,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        sleep=sleep,
        auth_clock=clock,
    )


async def test_a_single_refusal_is_tried_again_after_a_few_seconds(
    client: BtcTurkClient, exchange: FakeBtcTurk, sleep: AdvancingSleep
) -> None:
    exchange.inject("401")  # one refused request: a blip on the exchange's side

    balances = await client.get_balances()

    assert balances
    assert sleep.delays == [FIRST_PAUSE_S]
    assert exchange.calls["balances"] == 2
    assert not client.auth_backoff.paused


async def test_a_refusal_that_goes_on_is_raised_after_one_more_try(
    client: BtcTurkClient, exchange: FakeBtcTurk, sleep: AdvancingSleep
) -> None:
    exchange.api_key = REVOKED

    with pytest.raises(AuthError) as raised:
        await client.get_balances()
    with pytest.raises(KeyPaused):
        await client.get_balances()  # the next try is 10 s away: not waited for

    assert not isinstance(raised.value, KeyPaused)
    assert exchange.auth_failures == 2
    assert sleep.delays == [FIRST_PAUSE_S]


async def test_a_flood_of_commands_during_a_pause_costs_one_refused_request(
    client: BtcTurkClient, exchange: FakeBtcTurk, clock: ManualMonotonic
) -> None:
    exchange.api_key = REVOKED
    for _ in range(12):  # hours of refusals: the next try is an hour away
        clock.now += client.auth_backoff.wait_s()
        with pytest.raises(AuthError):
            await client.get_balances()
    with pytest.raises(KeyPaused):
        await client.get_balances()
    refused = exchange.auth_failures

    async def command() -> None:
        client.auth_backoff.owner_try()
        with pytest.raises(AuthError):
            await client.get_balances()

    await asyncio.gather(*(command() for _ in range(30)))

    assert exchange.auth_failures - refused == 1
    assert client.auth_backoff.wait_s() > 0


async def test_an_owners_command_finds_the_fixed_key_at_once(
    client: BtcTurkClient, exchange: FakeBtcTurk, clock: ManualMonotonic
) -> None:
    exchange.api_key = REVOKED
    for _ in range(12):  # hours of refusals: the next try is an hour away
        clock.now += client.auth_backoff.wait_s()
        with pytest.raises(AuthError):
            await client.get_balances()
    exchange.api_key = DEMO_API_KEY  # the owner fixed it; the next scheduled try is an hour away
    with pytest.raises(KeyPaused):
        await client.get_balances()

    assert client.auth_backoff.owner_try()
    assert await client.get_balances()
    assert not client.auth_backoff.paused


async def test_a_key_that_works_again_reopens_the_history(
    client: BtcTurkClient, exchange: FakeBtcTurk, clock: ManualMonotonic
) -> None:
    exchange.api_key = REVOKED  # the key refused altogether: the history too
    with pytest.raises(HistoryRefused):
        await client.get_fills(NOW_MS - 60_000, NOW_MS)
    with pytest.raises(AuthError):
        await client.get_balances()
    exchange.api_key = DEMO_API_KEY
    clock.now += client.auth_backoff.wait_s()

    assert await client.get_balances()  # a success on another path

    assert client.history_wait_s() == 0.0
    assert await client.get_fills(NOW_MS - 60_000, NOW_MS) == []
    assert client.history_refused is False
    assert exchange.calls["trades"] == 2


async def test_the_history_is_asked_again_on_the_owners_request_once_a_minute(
    client: BtcTurkClient, exchange: FakeBtcTurk
) -> None:
    exchange.account_permission = False
    with pytest.raises(HistoryRefused):
        await client.get_fills(NOW_MS - 60_000, NOW_MS)
    exchange.account_permission = True  # granted while the bot runs

    assert client.reopen_history(owner=True)
    assert await client.get_fills(NOW_MS - 60_000, NOW_MS) == []
    assert client.history_refused is False
    exchange.account_permission = False
    with pytest.raises(HistoryRefused):
        await client.get_fills(NOW_MS - 60_000, NOW_MS)
    assert not client.reopen_history(owner=True)  # asked again less than a minute ago
    assert exchange.history_refusals == 2
