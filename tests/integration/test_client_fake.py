"""BtcTurkClient over a real aiohttp session against the fake exchange on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import (
    AuthError,
    BadResponse,
    BtcTurkError,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.btcturk.models import Balance
from balance_bot.btcturk.parsing import UnreadableResponse
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.exchange_faults import Fault
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET, SEED_TIMESTAMP_MS
from tests.kit.clocks import ManualMonotonic, RecordedSleep

OTHER_SECRET = "c29tZS1vdGhlci1zZWNyZXQtdGhhdC1pcy12YWxpZC1iYXNlNjQ="  # valid base64
SEED_TIME = datetime.fromtimestamp(SEED_TIMESTAMP_MS / 1000, tz=UTC)
ZERO = Decimal(0)


@pytest.fixture
async def exchange() -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk() as server:
        yield server


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


def make_client(
    session: aiohttp.ClientSession, exchange: FakeBtcTurk, sleep: RecordedSleep, **options: Any
) -> BtcTurkClient:
    """Return a client of the demo account on the fake exchange; backoff does not wait."""
    settings: dict[str, Any] = {
        "base_url": exchange.base_url,
        "api_key": DEMO_API_KEY,
        "api_secret": DEMO_API_SECRET,
        "sleep": sleep,
        "auth_clock": ManualMonotonic(),  # a refused key's pause, exact
    }
    return BtcTurkClient(session, **(settings | options))


@pytest.fixture
def client(
    session: aiohttp.ClientSession, exchange: FakeBtcTurk, sleep: RecordedSleep
) -> BtcTurkClient:
    return make_client(session, exchange, sleep)


def row(asset: str, name: str, balance: str, locked: str, free: str, precision: int) -> Balance:
    """Return a parsed balance row of the seeded account (dot decimals, exact)."""
    return Balance(
        asset=asset,
        asset_name=name,
        balance=Decimal(balance),
        locked=Decimal(locked),
        free=Decimal(free),
        request_fund=ZERO,
        precision=precision,
        order_fund=Decimal(locked),  # the seed's orders hold all that is locked
    )


DOCUMENTED = [
    row(
        "TRY",
        "Türk Lirası",
        "27223.7283250757643288",
        "4874.3628685722294523",
        "22349.3654565035348765",
        2,
    ),
    row("BTC", "Bitcoin", "9.7502186644553258", "3.3109771999999998", "6.439241464455326", 8),
    row("USDT", "Tether", "1500.25", "0", "1500.25", 2),
]
ZERO_ROWS = {"ETH", "LTC", "XLM", "ADA", "DOGE", "LINK", "DOT", "SOL"}


# --- balances ---------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", "."])
async def test_documented_balances_are_parsed_exactly(
    session: aiohttp.ClientSession, sleep: RecordedSleep, separator: str
) -> None:
    async with FakeBtcTurk(decimal_separator=separator) as exchange:
        balances = await make_client(session, exchange, sleep).get_balances()

    assert balances[:3] == DOCUMENTED
    by_asset = {b.asset: b for b in balances}
    assert len(by_asset) == len(balances) == 16
    for asset in ZERO_ROWS:
        zero = by_asset[asset]
        assert (zero.balance, zero.locked, zero.free) == (ZERO, ZERO, ZERO)
    assert by_asset["XRP"].balance == Decimal("0.0041")
    assert by_asset["SHIB"].balance == Decimal("120.5")
    assert by_asset["ETHW"].free == Decimal("0.75")
    for balance in balances:
        assert isinstance(balance.balance, Decimal)
        assert balance.free + balance.locked == balance.balance
    assert exchange.calls["balances"] == 1
    assert sleep.delays == []


async def test_tickers_are_decimal(client: BtcTurkClient) -> None:
    tickers = {t.pair: t for t in await client.get_tickers()}

    assert tickers["BTCTRY"].last == Decimal("3500000")
    assert tickers["USDTTRY"].last == Decimal("41.5")
    assert tickers["SHIBTRY"].last == Decimal("0.000915")
    assert tickers["GLMRUSDT"].numerator == "GLMR"
    assert tickers["GLMRUSDT"].denominator == "USDT"


# --- authentication and clock -----------------------------------------------------------------


async def test_wrong_secret_is_an_auth_error_tried_once_more_seconds_later(
    session: aiohttp.ClientSession, exchange: FakeBtcTurk, sleep: RecordedSleep
) -> None:
    client = make_client(session, exchange, sleep, api_secret=OTHER_SECRET)

    with pytest.raises(AuthError) as raised:
        await client.get_balances()

    assert not isinstance(raised.value, StampRejected)
    assert OTHER_SECRET not in str(raised.value)
    assert exchange.auth_failures == 2  # a blip would be over: tried again 5 s later
    assert exchange.calls["balances"] == 2
    assert exchange.calls["server_time"] == 0
    assert sleep.delays == [5.0]


async def test_wrong_public_key_is_an_auth_error(
    session: aiohttp.ClientSession, exchange: FakeBtcTurk, sleep: RecordedSleep
) -> None:
    client = make_client(session, exchange, sleep, api_key="not-the-key")

    with pytest.raises(AuthError):
        await client.get_balances()

    assert exchange.auth_failures == 2


async def test_clock_two_minutes_behind_is_resynced_from_server_time(
    session: aiohttp.ClientSession, sleep: RecordedSleep
) -> None:
    async with FakeBtcTurk(clock_offset_s=120) as exchange:
        client = make_client(session, exchange, sleep)
        balances = await client.get_balances()
        again = await client.get_balances()

    assert balances[:3] == DOCUMENTED
    assert again == balances
    assert abs(client.clock_offset_ms - 120_000) < 2_000  # generous: a busy CI machine
    assert exchange.calls["server_time"] == 1  # measured once, then reused
    assert exchange.auth_failures == 1  # only the first stamp was refused
    assert exchange.calls["balances"] == 3


# --- faults -----------------------------------------------------------------------------------

TRANSIENT: list[Fault] = [
    "500",
    "maintenance",
    "cdn_html",
    "gateway_timeout_html",
    "html_200",
    "garbage",
    "429",
    "429_no_retry_after",
    "reset",
]


@pytest.mark.parametrize("fault", TRANSIENT)
async def test_one_transient_fault_is_recovered_by_a_retry(
    client: BtcTurkClient, exchange: FakeBtcTurk, sleep: RecordedSleep, fault: Fault
) -> None:
    exchange.inject(fault)

    balances = await client.get_balances()

    assert balances[:3] == DOCUMENTED
    assert exchange.calls["balances"] == 2
    assert len(sleep.delays) == 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("500", Unavailable),
        ("maintenance", Unavailable),
        ("cdn_html", Unavailable),
        ("gateway_timeout_html", Unavailable),
        ("reset", Unavailable),
        ("html_200", UnreadableResponse),
        ("garbage", UnreadableResponse),
        ("429", RateLimited),
        ("429_no_retry_after", RateLimited),
    ],
)
async def test_a_lasting_transient_fault_raises_its_error_after_three_attempts(
    client: BtcTurkClient,
    exchange: FakeBtcTurk,
    sleep: RecordedSleep,
    fault: Fault,
    error: type[BtcTurkError],
) -> None:
    exchange.inject(fault, times=3)

    with pytest.raises(error):
        await client.get_balances()

    assert exchange.calls["balances"] == 3
    assert exchange.pending_faults() == []
    assert len(sleep.delays) == 2


async def test_rate_limit_waits_as_long_as_retry_after_says(
    client: BtcTurkClient, exchange: FakeBtcTurk, sleep: RecordedSleep
) -> None:
    exchange.inject("429", times=3)

    with pytest.raises(RateLimited) as raised:
        await client.get_balances()

    assert raised.value.retry_after == 1
    assert sleep.delays == [1.0, 1.0]


@pytest.mark.parametrize(("fault", "error"), [("success_false", BadResponse)])
async def test_a_deliberate_refusal_is_raised_at_once(
    client: BtcTurkClient,
    exchange: FakeBtcTurk,
    sleep: RecordedSleep,
    fault: Fault,
    error: type[BtcTurkError],
) -> None:
    exchange.inject(fault)

    with pytest.raises(error) as raised:
        await client.get_balances()

    assert not isinstance(raised.value, UnreadableResponse)
    assert exchange.calls["balances"] == 1
    assert sleep.delays == []


async def test_a_fault_on_the_ticker_endpoint_is_retried_too(
    client: BtcTurkClient, exchange: FakeBtcTurk, sleep: RecordedSleep
) -> None:
    exchange.inject("cdn_html", endpoint="ticker")

    tickers = await client.get_tickers()

    assert any(t.pair == "BTCTRY" for t in tickers)
    assert exchange.calls["ticker"] == 2


async def test_an_unanswered_request_times_out_as_unavailable(
    session: aiohttp.ClientSession, exchange: FakeBtcTurk, sleep: RecordedSleep
) -> None:
    # Every try waits for nothing but its timeout: a short one loses nothing here.
    client = make_client(session, exchange, sleep, timeout=aiohttp.ClientTimeout(total=0.2))
    exchange.inject("timeout", times=3)

    with pytest.raises(Unavailable):
        await client.get_balances()

    assert exchange.calls["balances"] == 3
    assert len(sleep.delays) == 2


async def test_one_unanswered_request_is_recovered_by_a_retry(
    session: aiohttp.ClientSession, exchange: FakeBtcTurk, sleep: RecordedSleep
) -> None:
    client = make_client(session, exchange, sleep, timeout=aiohttp.ClientTimeout(total=0.5))
    exchange.inject("timeout")

    assert (await client.get_balances())[:3] == DOCUMENTED
    assert exchange.calls["balances"] == 2
