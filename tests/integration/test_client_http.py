"""BtcTurkClient against canned HTTP answers (aioresponses): mapping, retries, signing, clock."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from yarl import URL

from balance_bot.btcturk.auth_backoff import FIRST_PAUSE_S
from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import (
    AuthError,
    BadResponse,
    KeyPaused,
    RateLimited,
    StampRejected,
    Unavailable,
)
from balance_bot.btcturk.parsing import UnreadableResponse
from balance_bot.btcturk.signing import signature
from tests.kit.clocks import ManualMonotonic, RecordedSleep

BASE = "http://127.0.0.1:8999"
BALANCES = f"{BASE}/api/v1/users/balances"
TICKER = f"{BASE}/api/v2/ticker"
SERVER_TIME = f"{BASE}/api/v2/server/time"
API_KEY = "example-public-key"
RAW_SECRET = b"example-secret-bytes-0123456789"
SECRET_B64 = "ZXhhbXBsZS1zZWNyZXQtYnl0ZXMtMDEyMzQ1Njc4OQ=="
NOW = 1_700_000_000.0
NOW_MS = 1_700_000_000_000

BALANCE_ROW = {
    "asset": "BTC",
    "assetname": "Bitcoin",
    "balance": "9,7502186644553258",
    "locked": "3,3109771999999998",
    "free": "6,439241464455326",
    "orderFund": "3,3109771999999998",
    "requestFund": "0",
    "precision": 8,
    "timestamp": 1735866257711,
}
BALANCES_OK = {"data": [BALANCE_ROW], "success": True, "message": None, "code": 0}
TICKERS_BODY = (
    '{"data":[{"pair":"BTCTRY","pairNormalized":"BTC_TRY","timestamp":1735866257711,'
    '"last":3512345.12,"dailyPercent":-1.25,"numeratorSymbol":"BTC","denominatorSymbol":"TRY"}],'
    '"success":true,"message":null,"code":0}'
)
BAD_KEY_BODY = {"success": True, "message": "Unauthorized - Invalid Public key", "code": 1037}
NONCE_BODY = {"success": True, "message": "Unauthorized - Invalid Nonce", "code": 1037}
MAINTENANCE = {
    "success": False,
    "message": "SYSTEM_UNDER_MAINTENANCE",
    "code": "SYSTEM_UNDER_MAINTENANCE",
}


@pytest.fixture
def sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
def client(session: aiohttp.ClientSession, sleep: RecordedSleep) -> BtcTurkClient:
    return make_client(session, sleep)


def make_client(
    session: aiohttp.ClientSession, sleep: RecordedSleep, **overrides: Any
) -> BtcTurkClient:
    """Return a signed client on BASE with fixed time and jitter."""
    options: dict[str, Any] = {
        "base_url": BASE,
        "api_key": API_KEY,
        "api_secret": SECRET_B64,
        "sleep": sleep,
        "random": lambda: 0.5,
        "time_source": lambda: NOW,
        "auth_clock": ManualMonotonic(),
    }
    options.update(overrides)
    return BtcTurkClient(session, **options)


def sent(http: Any, url: str) -> list[Any]:
    """Return the calls made to `url`, in order."""
    calls: list[Any] = http.requests.get(("GET", URL(url)), [])
    return calls


# --- happy paths -----------------------------------------------------------------------------


async def test_get_balances_signs_once_and_parses(http: Any, client: BtcTurkClient) -> None:
    http.get(BALANCES, payload=BALANCES_OK)
    [balance] = await client.get_balances()
    assert balance.asset == "BTC"
    assert balance.free == Decimal("6.439241464455326")
    [call] = sent(http, BALANCES)
    headers = call.kwargs["headers"]
    assert set(headers) == {"X-PCK", "X-Stamp", "X-Signature", "Content-Type"}
    assert headers["X-PCK"] == API_KEY
    assert headers["X-Stamp"] == str(NOW_MS)
    assert headers["X-Signature"] == signature(API_KEY, RAW_SECRET, int(headers["X-Stamp"]))
    assert headers["Content-Type"] == "application/json"
    assert call.kwargs["timeout"] == aiohttp.ClientTimeout(total=10, connect=5)
    assert client.last_latency_s is not None
    assert len(sent(http, BALANCES)) == 1


async def test_get_tickers_is_public_and_decimal(http: Any, client: BtcTurkClient) -> None:
    http.get(TICKER, body=TICKERS_BODY, content_type="application/json")
    [ticker] = await client.get_tickers()
    assert ticker.last == Decimal("3512345.12")
    [call] = sent(http, TICKER)
    assert not call.kwargs["headers"]


async def test_public_client_needs_no_key(
    http: Any, session: aiohttp.ClientSession, sleep: RecordedSleep
) -> None:
    public = make_client(session, sleep, api_key="", api_secret="")
    http.get(TICKER, body=TICKERS_BODY)
    assert len(await public.get_tickers()) == 1
    with pytest.raises(AuthError, match="no BTCTurk API key"):
        await public.get_balances()
    assert sent(http, BALANCES) == []


async def test_server_time_and_sync_clock(
    http: Any, session: aiohttp.ClientSession, sleep: RecordedSleep
) -> None:
    readings = iter([NOW + 1.0, NOW + 1.2, NOW + 5.0, NOW + 5.0, NOW + 5.1])
    client = make_client(session, sleep, time_source=lambda: next(readings))
    http.get(SERVER_TIME, payload={"serverTime": NOW_MS + 4100})
    http.get(BALANCES, payload=BALANCES_OK)
    assert client.clock_offset_ms == 0
    assert await client.sync_clock() == 3000  # 4100 - midpoint of (1000, 1200)
    assert client.clock_offset_ms == 3000
    await client.get_balances()
    [call] = sent(http, BALANCES)
    assert call.kwargs["headers"]["X-Stamp"] == str(NOW_MS + 5000 + 3000)


# --- error classes and retries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "error", "requests"),
    [
        ({"status": 200, "payload": {"success": False, "message": "FAILED", "code": 1}},
         BadResponse, 1),
        ({"status": 200, "payload": {"success": True, "code": 0, "data": [{"asset": "BTC"}]}},
         BadResponse, 1),
        ({"status": 503, "payload": MAINTENANCE}, Unavailable, 3),
        ({"status": 504, "body": "<html>504 Gateway Time-out</html>", "content_type": "text/html"},
         Unavailable, 3),
        ({"status": 403, "body": "<!DOCTYPE html><html>check</html>", "content_type": "text/html"},
         Unavailable, 3),
        ({"status": 200, "body": "<html>maintenance</html>", "content_type": "text/html"},
         UnreadableResponse, 3),
        ({"status": 200, "body": '{"data": [', "content_type": "application/json"},
         UnreadableResponse, 3),
        ({"status": 429, "body": ""}, RateLimited, 3),
    ],
)  # fmt: skip
async def test_error_classes_and_attempts(
    http: Any,
    client: BtcTurkClient,
    sleep: RecordedSleep,
    answer: dict[str, Any],
    error: type[Exception],
    requests: int,
) -> None:
    http.get(BALANCES, repeat=True, **answer)
    with pytest.raises(error):
        await client.get_balances()
    assert len(sent(http, BALANCES)) == requests
    assert sleep.delays == [0.25, 0.5][: requests - 1]


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 401, "payload": BAD_KEY_BODY},
        {"status": 401, "body": ""},
        {"status": 403, "payload": {"message": "Forbidden"}},
    ],
)
async def test_a_refused_key_is_tried_once_more_seconds_later_then_raised(
    http: Any, client: BtcTurkClient, sleep: RecordedSleep, answer: dict[str, Any]
) -> None:
    http.get(BALANCES, repeat=True, **answer)
    with pytest.raises(AuthError) as raised:
        await client.get_balances()
    assert not isinstance(raised.value, KeyPaused)
    assert len(sent(http, BALANCES)) == 2
    assert sleep.delays == [FIRST_PAUSE_S]
    with pytest.raises(KeyPaused):
        await client.get_balances()  # the next try is 10 s away
    assert len(sent(http, BALANCES)) == 2


async def test_transient_error_then_success(
    http: Any, client: BtcTurkClient, sleep: RecordedSleep
) -> None:
    http.get(BALANCES, status=502, body="")
    http.get(BALANCES, status=200, body="<html>cdn</html>", content_type="text/html")
    http.get(BALANCES, payload=BALANCES_OK)
    assert len(await client.get_balances()) == 1
    assert sleep.delays == [0.25, 0.5]
    stamps = [call.kwargs["headers"]["X-Stamp"] for call in sent(http, BALANCES)]
    assert len(set(stamps)) == 3


async def test_backoff_grows_to_the_cap_with_full_jitter(
    http: Any, session: aiohttp.ClientSession, sleep: RecordedSleep
) -> None:
    jitter = iter([1.0, 1.0, 0.5, 1.0, 0.0])
    client = make_client(
        session, sleep, max_attempts=6, backoff_cap=1.5, random=lambda: next(jitter)
    )
    http.get(TICKER, status=503, body="", repeat=True)
    with pytest.raises(Unavailable):
        await client.get_tickers()
    assert sleep.delays == [0.5, 1.0, 0.75, 1.5, 0.0]


async def test_rate_limit_honours_retry_after(
    http: Any, client: BtcTurkClient, sleep: RecordedSleep
) -> None:
    http.get(BALANCES, status=429, headers={"Retry-After": "2"}, payload={"code": 429})
    http.get(BALANCES, payload=BALANCES_OK)
    assert len(await client.get_balances()) == 1
    assert sleep.delays == [2.0]


async def test_rate_limit_longer_than_the_cap_is_raised_at_once(
    http: Any, client: BtcTurkClient, sleep: RecordedSleep
) -> None:
    http.get(BALANCES, status=429, headers={"Retry-After": "60"}, repeat=True)
    with pytest.raises(RateLimited) as info:
        await client.get_balances()
    assert info.value.retry_after == 60
    assert len(sent(http, BALANCES)) == 1
    assert sleep.delays == []


async def test_invalid_nonce_resyncs_and_retries_once(
    http: Any, client: BtcTurkClient, sleep: RecordedSleep
) -> None:
    http.get(BALANCES, status=401, payload=NONCE_BODY)
    http.get(SERVER_TIME, payload={"serverTime": NOW_MS + 7000})
    http.get(BALANCES, payload=BALANCES_OK)
    assert len(await client.get_balances()) == 1
    assert client.clock_offset_ms == 7000
    first, second = (call.kwargs["headers"] for call in sent(http, BALANCES))
    assert first["X-Stamp"] == str(NOW_MS)
    assert second["X-Stamp"] == str(NOW_MS + 1 + 7000)
    assert second["X-Signature"] == signature(API_KEY, RAW_SECRET, NOW_MS + 7001)
    assert len(sent(http, SERVER_TIME)) == 1
    assert sleep.delays == []


async def test_invalid_nonce_twice_is_raised(http: Any, client: BtcTurkClient) -> None:
    http.get(BALANCES, status=401, payload=NONCE_BODY, repeat=True)
    http.get(SERVER_TIME, payload={"serverTime": NOW_MS}, repeat=True)
    with pytest.raises(StampRejected):
        await client.get_balances()
    assert len(sent(http, BALANCES)) == 2
    assert len(sent(http, SERVER_TIME)) == 1


@pytest.mark.parametrize(
    "exception",
    [
        TimeoutError(),
        aiohttp.ServerTimeoutError("read timeout"),
        aiohttp.ClientConnectionError("refused"),
        aiohttp.ClientPayloadError("truncated"),
        ConnectionResetError("reset by peer"),
    ],
)
async def test_transport_failures_are_unavailable(
    http: Any, client: BtcTurkClient, sleep: RecordedSleep, exception: Exception
) -> None:
    http.get(TICKER, exception=exception, repeat=True)
    with pytest.raises(Unavailable):
        await client.get_tickers()
    assert len(sent(http, TICKER)) == 3
    assert len(sleep.delays) == 2
    assert client.last_latency_s is None


async def test_server_time_html_with_200_is_retried(
    http: Any, client: BtcTurkClient, sleep: RecordedSleep
) -> None:
    http.get(SERVER_TIME, status=200, body="<html>oops</html>", content_type="text/html")
    http.get(SERVER_TIME, payload={"serverTime": NOW_MS + 1500})
    assert await client.sync_clock() == 1500
    assert sleep.delays == [0.25]


# --- configuration and secrecy ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"api_secret": "not base64!"}, "base64"),
        ({"api_secret": ""}, "together"),
        ({"api_key": ""}, "together"),
        ({"max_attempts": 0}, "max_attempts"),
    ],
)
async def test_configuration_errors_at_construction(
    session: aiohttp.ClientSession, sleep: RecordedSleep, options: dict[str, Any], match: str
) -> None:
    with pytest.raises(ValueError, match=match) as info:
        make_client(session, sleep, **options)
    assert "not base64!" not in str(info.value)


async def test_credentials_never_reach_logs_or_errors(
    http: Any, client: BtcTurkClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="btcturk")
    http.get(BALANCES, status=503, payload=MAINTENANCE)
    http.get(
        BALANCES,
        status=401,
        payload={"success": True, "message": "Invalid Signature"},
        repeat=True,
    )
    with pytest.raises(AuthError) as info:
        await client.get_balances()
    signatures = [call.kwargs["headers"]["X-Signature"] for call in sent(http, BALANCES)]
    shown = caplog.text + str(info.value) + repr(client)
    assert "GET /api/v1/users/balances -> 503" in caplog.text
    for secret in [API_KEY, SECRET_B64, RAW_SECRET.decode(), *signatures]:
        assert secret not in shown
