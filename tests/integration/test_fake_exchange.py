"""The fake BTCTurk answers like the real exchange: auth, amounts, faults, rate limit, clock."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from balance_bot.fakes.exchange import FakeBtcTurk, RowShape
from balance_bot.fakes.exchange_faults import Fault
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from tests.kit.clocks import ManualMonotonic

FROZEN_S = 1_750_000_000.0
FROZEN_MS = 1_750_000_000_000
BALANCES = "/api/v1/users/balances"
OTHER_SECRET = base64.b64encode(b"another secret of the right shape").decode()


def signed_headers(
    stamp_ms: int, *, key: str = DEMO_API_KEY, secret: str = DEMO_API_SECRET
) -> dict[str, str]:
    """Sign like the exchange's documentation says, without the project's client code."""
    message = f"{key}{stamp_ms}".encode()
    digest = hmac.new(base64.b64decode(secret), message, hashlib.sha256).digest()
    return {
        "X-PCK": key,
        "X-Stamp": str(stamp_ms),
        "X-Signature": base64.b64encode(digest).decode(),
        "Content-Type": "application/json",
    }


@pytest.fixture
def clock() -> ManualMonotonic:
    return ManualMonotonic(FROZEN_S)


@pytest.fixture
async def exchange(clock: ManualMonotonic) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=clock) as fake:
        yield fake


async def get(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    async with session.get(url, headers=headers) as response:
        body = await response.read()
        return response.status, json.loads(body, parse_float=Decimal) if body else None


def rows_by_asset(body: Any) -> dict[str, dict[str, Any]]:
    return {row["asset"]: row for row in body["data"]}


async def test_signed_request_returns_documented_rows(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    status, body = await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))

    assert status == 200
    assert (body["success"], body["message"], body["code"]) == (True, None, 0)
    rows = rows_by_asset(body)
    assert rows["TRY"] == {
        "asset": "TRY",
        "assetname": "Türk Lirası",
        "balance": "27223.7283250757643288",
        "locked": "4874.3628685722294523",
        "free": "22349.3654565035348765",
        "orderFund": "4874.3628685722294523",
        "requestFund": "0",
        "precision": 2,
        "timestamp": 1735866257711,
    }
    assert rows["BTC"]["free"] == "6.439241464455326"
    assert sum(row["balance"] == "0" for row in body["data"]) >= 5
    assert exchange.calls["balances"] == 1
    assert exchange.auth_failures == 0


async def test_comma_decimal_separator_of_the_reference_page(
    clock: ManualMonotonic, session: aiohttp.ClientSession
) -> None:
    async with FakeBtcTurk(clock=clock, decimal_separator=",") as exchange:
        _, body = await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))

    assert rows_by_asset(body)["TRY"]["balance"] == "27223,7283250757643288"


@pytest.mark.parametrize(
    ("shape", "fields"),
    [
        ("documented", {"asset", "assetname", "balance", "locked", "free", "orderFund",
                        "requestFund", "precision", "timestamp"}),
        ("2020", {"asset", "assetname", "balance", "locked", "free", "orderFund", "requestFund",
                  "precision"}),
        ("2019", {"asset", "assetname", "balance", "locked", "free"}),
    ],
)  # fmt: skip
async def test_older_row_shapes_leave_out_their_fields(
    clock: ManualMonotonic, session: aiohttp.ClientSession, shape: RowShape, fields: set[str]
) -> None:
    async with FakeBtcTurk(clock=clock, row_shape=shape) as exchange:
        _, body = await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))

    assert {frozenset(row) for row in body["data"]} == {frozenset(fields)}


async def test_the_default_market_has_as_many_pairs_as_btcturk_some_without_trades(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    _, body = await get(session, exchange.base_url + "/api/v2/ticker")

    assert len(body["data"]) == 365
    assert sum(row["volume"] == 0 for row in body["data"]) >= 40


async def test_a_pair_can_leave_the_list_or_lose_its_price(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    assert exchange.unlist_pair("AVAXTRY")
    assert exchange.blank_price("BTCTRY")
    assert not exchange.unlist_pair("NOSUCHTRY")

    _, body = await get(session, exchange.base_url + "/api/v2/ticker")

    rows = {row["pair"]: row for row in body["data"]}
    assert "AVAXTRY" not in rows
    assert rows["BTCTRY"]["last"] is None


async def test_prices_can_fail_while_balances_answer(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.ticker_failing = "500"

    ticker_status, _ = await get(session, exchange.base_url + "/api/v2/ticker")
    balance_status, _ = await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))

    assert (ticker_status, balance_status) == (500, 200)


@pytest.mark.parametrize("missing", ["X-PCK", "X-Stamp", "X-Signature"])
async def test_missing_header_is_refused(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, missing: str
) -> None:
    headers = signed_headers(FROZEN_MS)
    del headers[missing]

    status, body = await get(session, exchange.base_url + BALANCES, headers)

    assert status == 401
    assert body["success"] is True
    assert body["message"] == "Unauthorized - Headers are missing"
    assert exchange.auth_failures == 1


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            signed_headers(FROZEN_MS, key="someone-elses-key"),
            "Unauthorized - Invalid Public key",
        ),
        (signed_headers(FROZEN_MS, secret=OTHER_SECRET), "Invalid Signature"),
        (
            signed_headers(FROZEN_MS) | {"X-Stamp": str(FROZEN_MS + 1)},
            "Invalid Signature",
        ),
        (signed_headers(FROZEN_MS) | {"X-Stamp": "not-a-number"}, "Unauthorized - Invalid Nonce"),
    ],
    ids=["wrong-key", "wrong-secret", "stamp-not-signed", "stamp-not-a-number"],
)
async def test_bad_credentials_are_refused(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, headers: dict[str, str], message: str
) -> None:
    status, body = await get(session, exchange.base_url + BALANCES, headers)

    assert status == 401
    assert body["success"] is True
    assert body["message"] == message
    assert "data" not in body


@pytest.mark.parametrize(
    ("skew_ms", "accepted"),
    [(0, True), (-5000, True), (5000, True), (-5001, False), (5001, False), (-60_000, False)],
)
async def test_stamp_must_be_within_five_seconds(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, skew_ms: int, accepted: bool
) -> None:
    status, body = await get(
        session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS + skew_ms)
    )

    if accepted:
        assert status == 200
        return
    assert status == 401
    assert body == {"success": True, "message": "Unauthorized - Invalid Nonce", "code": 1037}
    assert exchange.auth_failures == 1


async def test_clock_offset_shows_in_server_time_and_stamp_check(
    clock: ManualMonotonic, session: aiohttp.ClientSession
) -> None:
    async with FakeBtcTurk(clock=clock, clock_offset_s=-30.0) as exchange:
        status, body = await get(session, exchange.base_url + "/api/v2/server/time")
        server_ms = body["serverTime"]
        stale, _ = await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))
        synced, _ = await get(session, exchange.base_url + BALANCES, signed_headers(server_ms))

    assert status == 200
    assert server_ms == FROZEN_MS - 30_000
    assert dt.datetime.fromisoformat(body["serverTime2"]) == dt.datetime.fromtimestamp(
        server_ms / 1000, tz=dt.UTC
    )
    assert (stale, synced) == (401, 200)
    assert exchange.calls["server_time"] == 1


async def test_real_clock_by_default(session: aiohttp.ClientSession) -> None:
    async with FakeBtcTurk() as exchange:
        _, body = await get(session, exchange.base_url + "/api/v2/server/time")
        status, _ = await get(
            session, exchange.base_url + BALANCES, signed_headers(body["serverTime"])
        )

    assert status == 200


async def test_set_balance_is_visible_in_the_next_call(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.set_balance("ETH", "1,5", locked=Decimal("0.25"))
    exchange.set_balance("PEPE", Decimal("1000000"), precision=0, assetname="Pepe")

    _, body = await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))

    rows = rows_by_asset(body)
    assert {k: rows["ETH"][k] for k in ("balance", "locked", "free", "orderFund")} == {
        "balance": "1.5",
        "locked": "0.25",
        "free": "1.25",
        "orderFund": "0.25",
    }
    assert rows["ETH"]["precision"] == 8
    assert rows["ETH"]["timestamp"] == FROZEN_MS
    assert list(rows["PEPE"]) == list(rows["TRY"])
    assert (rows["PEPE"]["balance"], rows["PEPE"]["assetname"]) == ("1000000", "Pepe")


async def test_ticker_lists_all_pairs_with_number_prices(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    status, body = await get(session, exchange.base_url + "/api/v2/ticker")

    assert status == 200
    pairs = {row["pair"]: row for row in body["data"]}
    assert {"BTCTRY", "USDTTRY", "ETHTRY", "BTCUSDT", "GLMRUSDT", "SHIBTRY"} <= pairs.keys()
    assert pairs["BTCTRY"]["last"] == 3500000
    assert pairs["USDTTRY"]["last"] == Decimal("41.5")
    assert pairs["GLMRUSDT"]["denominatorSymbol"] == "USDT"
    assert set(pairs["BTCTRY"]) >= {
        "pair", "pairNormalized", "timestamp", "last", "high", "low", "bid", "ask", "open",
        "volume", "average", "daily", "dailyPercent", "denominatorSymbol", "numeratorSymbol",
        "order",
    }  # fmt: skip


async def test_set_price_and_pair_filter(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.set_price("BTCTRY", "3612345.5")
    exchange.set_price("PEPETRY", Decimal("0.00041"))

    _, btc = await get(session, exchange.base_url + "/api/v2/ticker?pairSymbol=BTCTRY")
    _, pepe = await get(session, exchange.base_url + "/api/v2/ticker?pairSymbol=PEPETRY")

    assert [row["last"] for row in btc["data"]] == [Decimal("3612345.5")]
    assert pepe["data"][0]["numeratorSymbol"] == "PEPE"
    assert pepe["data"][0]["last"] == Decimal("0.00041")
    assert exchange.calls["ticker"] == 2


def expect_json(status: int, **fields: object) -> Callable[[int, str, bytes], None]:
    def check(got_status: int, content_type: str, body: bytes) -> None:
        assert got_status == status
        assert content_type == "application/json"
        parsed = json.loads(body)
        assert {k: parsed.get(k) for k in fields} == fields

    return check


def expect_html(status: int, phrase: str) -> Callable[[int, str, bytes], None]:
    def check(got_status: int, content_type: str, body: bytes) -> None:
        assert got_status == status
        assert content_type == "text/html"
        assert phrase in body.decode()

    return check


def expect_garbage(got_status: int, content_type: str, body: bytes) -> None:
    assert (got_status, content_type) == (200, "application/json")
    with pytest.raises(ValueError, match=r"Unterminated|Expecting"):
        json.loads(body)


def expect_empty_401(got_status: int, content_type: str, body: bytes) -> None:
    assert (got_status, body) == (401, b"")


FAULT_CHECKS: dict[Fault, Callable[[int, str, bytes], None]] = {
    "500": expect_json(500, success=False, message="INTERNAL_ERROR", code=500),
    "maintenance": expect_json(
        503, success=False, message="SYSTEM_UNDER_MAINTENANCE", code="SYSTEM_UNDER_MAINTENANCE"
    ),
    "cdn_html": expect_html(503, "Service Temporarily Unavailable"),
    "gateway_timeout_html": expect_html(504, "Gateway Time-out"),
    "html_200": expect_html(200, "<html"),
    "garbage": expect_garbage,
    "success_false": expect_json(200, success=False),
    "empty": expect_json(200, success=True, data=[], code=0),
    "429": expect_json(429, message="TOO_MANY_REQUESTS", success=False, code=429, limit="120"),
    "429_no_retry_after": expect_json(429, message="TOO_MANY_REQUESTS", code=429),
    "401": expect_empty_401,
}


@pytest.mark.parametrize("fault", list(FAULT_CHECKS))
async def test_injected_fault_answers_once_then_recovers(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, fault: Fault
) -> None:
    exchange.inject(fault)
    url = exchange.base_url + BALANCES

    async with session.get(url, headers=signed_headers(FROZEN_MS)) as response:
        FAULT_CHECKS[fault](response.status, response.content_type, await response.read())
        retry_after = response.headers.get("Retry-After")
    status, _ = await get(session, url, signed_headers(FROZEN_MS))

    assert retry_after == ("1" if fault == "429" else None)
    assert status == 200
    assert exchange.calls["balances"] == 2


async def test_faults_are_consumed_in_order_per_endpoint(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.inject("maintenance", times=2)
    exchange.inject("500")
    exchange.inject("cdn_html", endpoint="ticker")
    url = exchange.base_url + BALANCES

    statuses = [(await get(session, url, signed_headers(FROZEN_MS)))[0] for _ in range(4)]
    async with session.get(exchange.base_url + "/api/v2/ticker") as response:
        ticker_status = response.status

    assert statuses == [503, 503, 500, 200]
    assert ticker_status == 503
    assert exchange.pending_faults() == []


async def test_unknown_fault_is_a_programming_error(exchange: FakeBtcTurk) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        exchange.inject("teapot")  # type: ignore[arg-type]


async def test_timeout_fault_holds_until_the_client_gives_up(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.inject("timeout")

    with pytest.raises(TimeoutError):
        async with session.get(
            exchange.base_url + BALANCES,
            headers=signed_headers(FROZEN_MS),
            timeout=aiohttp.ClientTimeout(total=0.5),
        ):
            pass
    await asyncio.wait_for(exchange.close(), timeout=30)


async def test_timeout_fault_does_not_block_close(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.inject("timeout")

    async def fetch() -> int | None:
        try:
            async with session.get(exchange.base_url + BALANCES) as response:
                await response.read()
                return response.status
        except aiohttp.ClientError:
            return None

    request = asyncio.create_task(fetch())
    await exchange.wait_until(lambda: exchange.calls["balances"] == 1, timeout=30)

    await asyncio.wait_for(exchange.close(), timeout=30)

    assert await request in (None, 504)


async def test_reset_fault_breaks_the_body(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.inject("reset")

    with pytest.raises(aiohttp.ClientError):
        await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))
    status, _ = await get(session, exchange.base_url + BALANCES, signed_headers(FROZEN_MS))

    assert status == 200


async def test_rate_limit_after_120_calls_in_a_window(
    clock: ManualMonotonic, exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    url = exchange.base_url + BALANCES
    statuses = [(await get(session, url, signed_headers(FROZEN_MS)))[0] for _ in range(120)]
    clock.now += 45

    async with session.get(url, headers=signed_headers(FROZEN_MS + 45_000)) as response:
        limited_status, retry_after = response.status, response.headers.get("Retry-After")
        limited_body = await response.json()
    clock.now += 15
    after_window, _ = await get(session, url, signed_headers(FROZEN_MS + 60_000))

    assert statuses == [200] * 120
    assert (limited_status, retry_after) == (429, "15")
    assert limited_body == {
        "message": "TOO_MANY_REQUESTS",
        "success": False,
        "code": 429,
        "details": "Quota exceeded. Maximum allowed: 120 per 1m.",
        "limit": "120",
        "period": "1m",
        "policy": "ip",
    }
    assert after_window == 200
    assert exchange.rate_limit_hits == 1


async def test_rate_limit_can_be_switched_off(
    clock: ManualMonotonic, session: aiohttp.ClientSession
) -> None:
    async with FakeBtcTurk(clock=clock, rate_limit=False) as exchange:
        url = exchange.base_url + BALANCES
        statuses = {(await get(session, url, signed_headers(FROZEN_MS)))[0] for _ in range(125)}

    assert statuses == {200}


async def test_latency_is_applied_and_settable(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.latency_s = 0.05

    status, _ = await get(session, exchange.base_url + "/api/v2/ticker")

    assert status == 200


async def test_restart_keeps_the_port_and_the_state(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    url = exchange.base_url + BALANCES
    exchange.set_balance("ETH", "2")
    await exchange.close()

    with pytest.raises(aiohttp.ClientConnectionError):
        await get(session, url, signed_headers(FROZEN_MS))
    await exchange.start()
    status, body = await get(session, url, signed_headers(FROZEN_MS))

    assert exchange.base_url + BALANCES == url
    assert status == 200
    assert rows_by_asset(body)["ETH"]["balance"] == "2"


async def test_closing_answers_a_chart_request_it_holds(session: aiohttp.ClientSession) -> None:
    """A held chart request kept the fake's close waiting its 2 s shutdown timeout (the demo
    printed "Demo stopped" and hung on), then was cut without an answer."""
    async with FakeBtcTurk() as fake:
        fake.candles.hang = True
        url = f"{fake.base_url}/v1/ohlcs?pair=BTCTRY&from=0&to=86400"
        held = asyncio.ensure_future(get(session, url))
        await fake.wait_until(lambda: fake.candles.held == 1, what="the request held")
    status, body = await held  # answered as the fake closed, not cut
    assert status == 503
    assert body["message"] == "SERVICE_UNAVAILABLE"
