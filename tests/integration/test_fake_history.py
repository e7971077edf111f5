"""The fake's history endpoints keep the real one's rules, and the client reads them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from balance_bot.btcturk.client import CRYPTO_PATH, FIAT_PATH, TRADES_PATH, BtcTurkClient
from balance_bot.btcturk.errors import HistoryRefused
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from tests.kit.clocks import ManualMonotonic, RecordedSleep

FROZEN_S = 1_750_000_000.0
FROZEN_MS = 1_750_000_000_000
DAY_MS = 86_400_000


def signed_headers(stamp_ms: int) -> dict[str, str]:
    """Sign as the exchange's documentation says, without the project's client code."""
    digest = hmac.new(
        base64.b64decode(DEMO_API_SECRET), f"{DEMO_API_KEY}{stamp_ms}".encode(), hashlib.sha256
    ).digest()
    return {
        "X-PCK": DEMO_API_KEY,
        "X-Stamp": str(stamp_ms),
        "X-Signature": base64.b64encode(digest).decode(),
    }


@pytest.fixture
def clock() -> ManualMonotonic:
    return ManualMonotonic(FROZEN_S)


@pytest.fixture
async def exchange(clock: ManualMonotonic) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=clock) as fake:
        yield fake


@pytest.fixture
def client(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, clock: ManualMonotonic
) -> BtcTurkClient:
    return BtcTurkClient(
        session,
        base_url=exchange.base_url,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        sleep=RecordedSleep(),
        time_source=clock,
        monotonic=clock,
    )


async def get(
    session: aiohttp.ClientSession,
    url: str,
    params: dict[str, str] | None = None,
    *,
    stamp_ms: int = FROZEN_MS,
) -> tuple[int, Any]:
    async with session.get(url, params=params, headers=signed_headers(stamp_ms)) as response:
        body = await response.read()
        return response.status, json.loads(body, parse_float=Decimal) if body else None


def figures(exchange: FakeBtcTurk, asset: str) -> dict[str, Decimal]:
    row = next(r for r in exchange.balances if r["asset"] == asset)
    return {
        name: Decimal(str(row[name]).replace(",", "."))
        for name in ("balance", "locked", "free", "requestFund")
    }


async def test_a_buy_moves_the_balances_and_writes_real_shaped_rows(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    btc, try_ = figures(exchange, "BTC"), figures(exchange, "TRY")
    rows = exchange.ledger.buy("BTCTRY", "0.005", "3512000", fills=3)
    fee = sum(-Decimal(r["fee"]) for r in rows)
    tax = sum(-Decimal(r["tax"]) for r in rows)
    assert figures(exchange, "BTC")["balance"] == btc["balance"] + Decimal("0.005")
    assert figures(exchange, "TRY")["balance"] == try_["balance"] - Decimal(17560) - fee - tax
    assert fee == Decimal("21.072")  # 0.12 % of 17,560 TRY
    assert tax == Decimal("3.79296")  # 18 % of the fee

    status, body = await get(session, exchange.base_url + TRADES_PATH)
    assert status == 200
    assert (body["success"], body["code"]) == (True, 0)
    served = body["data"]
    assert len(served) == 3
    assert len({r["orderId"] for r in served}) == 1
    assert [r["timestamp"] for r in served] == sorted(
        (r["timestamp"] for r in served), reverse=True
    )
    first = served[0]
    assert isinstance(first["amount"], str) and isinstance(first["price"], str)
    assert Decimal(first["fee"]) < 0 and Decimal(first["tax"]) < 0
    assert first["id"] > 2**53  # ids past what a float holds
    assert first["orderType"] == "buy"
    assert first["preciseAmount"] == Decimal(first["amount"])


async def test_transfers_are_numbers_and_withdrawals_negative(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    usdt = figures(exchange, "USDT")["balance"]
    exchange.ledger.withdraw("USDT", "100", fee="1")
    exchange.ledger.deposit("TRY", "10000")
    assert figures(exchange, "USDT")["balance"] == usdt - 101
    _, crypto = await get(session, exchange.base_url + CRYPTO_PATH)
    _, fiat = await get(session, exchange.base_url + FIAT_PATH)
    [withdrawal] = crypto["data"]
    assert (withdrawal["balanceType"], withdrawal["amount"], withdrawal["fee"]) == (
        "Withdrawal",
        -100,
        -1,
    )
    [deposit] = fiat["data"]
    assert (deposit["balanceType"], deposit["currencySymbol"], deposit["amount"]) == (
        "Deposit",
        "TRY",
        10000,
    )


async def test_the_window_is_kept_and_answers_hold_the_newest_200(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, clock: ManualMonotonic
) -> None:
    for _ in range(250):
        exchange.ledger.deposit("USDT", "1")
        clock.now += 1.0
    url = exchange.base_url + CRYPTO_PATH
    start, end = FROZEN_MS, FROZEN_MS + 300_000
    now_ms = exchange.now_ms()
    _, body = await get(
        session, url, {"startDate": str(start), "endDate": str(end)}, stamp_ms=now_ms
    )
    stamps = [row["timestamp"] for row in body["data"]]
    assert len(stamps) == 200
    assert stamps[0] == FROZEN_MS + 249_000 and stamps[-1] == FROZEN_MS + 50_000
    window = {"startDate": str(start), "endDate": str(start + 9_000)}
    _, narrow = await get(session, url, window, stamp_ms=now_ms)
    assert len(narrow["data"]) == 10


async def test_windows_over_thirty_days_are_refused(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    params = {"startDate": str(FROZEN_MS - 31 * DAY_MS), "endDate": str(FROZEN_MS)}
    status, body = await get(session, exchange.base_url + TRADES_PATH, params)
    assert status == 400
    assert body["success"] is False


async def test_a_key_without_account_permission_gets_an_empty_401(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession
) -> None:
    exchange.account_permission = False
    status, body = await get(session, exchange.base_url + FIAT_PATH)
    assert (status, body) == (401, None)
    balances_status, _ = await get(session, exchange.base_url + "/api/v1/users/balances")
    assert balances_status == 200
    assert exchange.history_refusals == 1


async def test_each_endpoint_has_its_own_quota(
    clock: ManualMonotonic, session: aiohttp.ClientSession
) -> None:
    async with FakeBtcTurk(clock=clock) as exchange:
        url = exchange.base_url + CRYPTO_PATH
        statuses = [(await get(session, url))[0] for _ in range(91)]
        assert statuses[:90] == [200] * 90
        assert statuses[90] == 429
        assert (await get(session, exchange.base_url + TRADES_PATH))[0] == 200


async def test_the_client_explains_a_buy_and_a_withdrawal_from_the_fake(
    exchange: FakeBtcTurk, client: BtcTurkClient, clock: ManualMonotonic
) -> None:
    exchange.ledger.deposit("TRY", "2000000")
    clock.now += 1
    since = exchange.now_ms()
    exchange.ledger.buy("BTCTRY", "0.5", "3512000", fills=3)
    exchange.ledger.withdraw("USDT", "100", fee="1")
    clock.now += 5
    history = await client.get_history(since, exchange.now_ms())
    assert len(history.fills) == 3
    assert sum(f.amount for f in history.fills) == Decimal("0.5")
    assert {f.order_id for f in history.fills} == {history.fills[0].order_id}
    assert {(f.side, f.fee_currency) for f in history.fills} == {("buy", "TRY")}
    [withdrawal] = history.transfers
    assert (withdrawal.kind, withdrawal.amount, withdrawal.fee) == (
        "withdrawal",
        Decimal(100),
        Decimal(1),
    )
    assert client.data_notes.summary() == []  # the fake's rows hold no surprise


async def test_history_lags_the_balance_by_one_answer(
    exchange: FakeBtcTurk, client: BtcTurkClient, clock: ManualMonotonic
) -> None:
    since = exchange.now_ms()
    before = figures(exchange, "BTC")["balance"]
    exchange.ledger.deposit("BTC", "0.01", lag=1)
    assert figures(exchange, "BTC")["balance"] == before + Decimal("0.01")
    clock.now += 1
    assert (await client.get_history(since, exchange.now_ms())).transfers == ()
    [deposit] = (await client.get_history(since, exchange.now_ms())).transfers
    assert (deposit.kind, deposit.amount, deposit.at_ms) == ("deposit", Decimal("0.01"), since)


async def test_a_pending_withdrawal_shows_in_request_fund_then_in_history(
    exchange: FakeBtcTurk, client: BtcTurkClient, clock: ManualMonotonic
) -> None:
    since = exchange.now_ms()
    before = figures(exchange, "USDT")
    exchange.ledger.withdraw("USDT", "100", fee="1", pending=True)
    during = figures(exchange, "USDT")
    assert during["balance"] == before["balance"]
    assert during["requestFund"] == Decimal(101)
    assert during["free"] == before["free"] - 101
    assert (await client.get_history(since, exchange.now_ms())).transfers == ()
    clock.now += 30
    assert exchange.ledger.release_pending() == 1
    after = figures(exchange, "USDT")
    assert (after["balance"], after["requestFund"]) == (before["balance"] - 101, Decimal(0))
    [withdrawal] = (await client.get_history(since, exchange.now_ms())).transfers
    assert withdrawal.at_ms == since + 30_000


async def test_the_client_latches_when_the_fake_refuses_the_history(
    exchange: FakeBtcTurk, client: BtcTurkClient
) -> None:
    exchange.account_permission = False
    for _ in range(10):
        with pytest.raises(HistoryRefused):
            await client.get_history(FROZEN_MS - 1000, FROZEN_MS)
    assert exchange.history_refusals == 1
    assert client.history_refused
    assert len(await client.get_balances()) > 5  # the key still reads balances


async def test_more_than_a_page_through_the_client_loses_nothing(
    exchange: FakeBtcTurk, client: BtcTurkClient, clock: ManualMonotonic
) -> None:
    since = exchange.now_ms()
    for _ in range(90):
        exchange.ledger.buy("USDTTRY", "1", "34.5", fills=5)
        clock.now += 0.002
    history = await client.get_history(since, exchange.now_ms() + 10)
    assert len(history.fills) == 450
    assert len({f.id for f in history.fills}) == 450
    assert exchange.calls["trades"] == 3
