"""BtcTurkClient's history reads against canned answers: paging, refusal latch, 429, quotas."""

from __future__ import annotations

import logging
import re
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from aioresponses import CallbackResult

from balance_bot.btcturk.client import CRYPTO_PATH, FIAT_PATH, TRADES_PATH, BtcTurkClient
from balance_bot.btcturk.errors import HistoryRefused, KeyPaused, RateLimited
from balance_bot.btcturk.history import MAX_WINDOW_MS
from tests.conftest import canned
from tests.kit.clocks import AdvancingSleep, ManualMonotonic

BASE = "http://127.0.0.1:8998"
API_KEY = "example-public-key"
SECRET_B64 = "ZXhhbXBsZS1zZWNyZXQtYnl0ZXMtMDEyMzQ1Njc4OQ=="
NOW = 1_700_000_000.0
T0 = 1_699_000_000_000
ALL_PATHS = (TRADES_PATH, CRYPTO_PATH, FIAT_PATH)


def trade(row_id: int, at_ms: int) -> dict[str, Any]:
    return {
        "id": row_id,
        "orderId": row_id // 3,
        "timestamp": at_ms,
        "numeratorSymbol": "BTC",
        "denominatorSymbol": "TRY",
        "orderType": "buy",
        "price": "3512000.00",
        "amount": "0.00100000",
        "fee": "-4.2144",
        "tax": "-0.758592",
    }


def envelope(rows: list[Any]) -> dict[str, Any]:
    return {"success": True, "message": "SUCCESS", "code": 0, "data": rows}


def pattern(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(BASE + path) + r"(\?.*)?$")


class Ledger:
    """Serve `rows` like the real endpoint: the newest 200 of the asked window, newest first."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.windows: list[tuple[int, int]] = []

    def __call__(self, url: Any, **_: Any) -> CallbackResult:
        start, end = int(url.query["startDate"]), int(url.query["endDate"])
        self.windows.append((start, end))
        inside = [r for r in self.rows if start <= r["timestamp"] <= end]
        inside.sort(key=lambda r: r["timestamp"], reverse=True)
        return canned(payload=envelope(inside[:200]))


@pytest.fixture
def clock() -> ManualMonotonic:
    return ManualMonotonic()


@pytest.fixture
def sleep(clock: ManualMonotonic) -> AdvancingSleep:
    return AdvancingSleep(clock)


@pytest.fixture
def client(
    session: aiohttp.ClientSession, clock: ManualMonotonic, sleep: AdvancingSleep
) -> BtcTurkClient:
    return BtcTurkClient(
        session,
        base_url=BASE,
        api_key=API_KEY,
        api_secret=SECRET_B64,
        sleep=sleep,
        random=lambda: 0.5,
        time_source=lambda: NOW,
        monotonic=clock,
        history_recheck_s=6 * 3600.0,
    )


def empty_transfers(http: Any) -> None:
    for path in (CRYPTO_PATH, FIAT_PATH):
        http.get(pattern(path), payload=envelope([]), repeat=True)


async def test_a_quiet_window_costs_one_request_per_endpoint(
    http: Any, client: BtcTurkClient
) -> None:
    ledger = Ledger([trade(7, T0 + 5)])
    http.get(pattern(TRADES_PATH), callback=ledger, repeat=True)
    empty_transfers(http)
    history = await client.get_history(T0, T0 + 60_000)
    assert [f.id for f in history.fills] == ["7"]
    assert history.transfers == ()
    assert {path: http.count(path) for path in ALL_PATHS} == dict.fromkeys(ALL_PATHS, 1)
    assert ledger.windows == [(T0, T0 + 60_000)]
    assert client.history_refused is False


async def test_full_pages_narrow_the_window_and_lose_or_repeat_nothing(
    http: Any, client: BtcTurkClient
) -> None:
    # 650 fills, three to a millisecond, so that page edges fall inside a millisecond.
    rows = [trade(i, T0 + i // 3) for i in range(650)]
    ledger = Ledger(rows)
    http.get(pattern(TRADES_PATH), callback=ledger, repeat=True)
    empty_transfers(http)
    history = await client.get_history(T0, T0 + 1_000)
    assert [f.id for f in history.fills] == [str(i) for i in range(650)]
    assert [f.at_ms for f in history.fills] == sorted(f.at_ms for f in history.fills)
    assert len(ledger.windows) == 4  # 200 + 200 + 200 + the rest, with overlaps at the edges
    assert all(start == T0 for start, _ in ledger.windows)
    ends = [end for _, end in ledger.windows]
    assert ends == sorted(ends, reverse=True)
    assert history.fills[0].amount == Decimal("0.001")


async def test_two_hundred_rows_in_one_millisecond_do_not_loop(
    http: Any, client: BtcTurkClient
) -> None:
    rows = [trade(i, T0 + 500) for i in range(250)] + [trade(900, T0 + 10)]
    ledger = Ledger(rows)
    http.get(pattern(TRADES_PATH), callback=ledger, repeat=True)
    empty_transfers(http)
    history = await client.get_history(T0, T0 + 500)
    assert "900" in {f.id for f in history.fills}  # the older rows are still read
    assert len(ledger.windows) == 2
    assert ledger.windows[1] == (T0, T0 + 499)


async def test_long_ranges_go_in_thirty_day_windows(http: Any, client: BtcTurkClient) -> None:
    ledger = Ledger([])
    http.get(pattern(TRADES_PATH), callback=ledger, repeat=True)
    empty_transfers(http)
    await client.get_history(T0, T0 + 2 * MAX_WINDOW_MS)
    assert len(ledger.windows) == 3
    assert all(end - start < MAX_WINDOW_MS for start, end in ledger.windows)
    assert http.count(CRYPTO_PATH) == 3


async def test_a_refusal_latches_until_the_recheck(
    http: Any, client: BtcTurkClient, clock: ManualMonotonic
) -> None:
    http.get(pattern(TRADES_PATH), status=401, body="", repeat=True)
    empty_transfers(http)
    for _ in range(50):
        with pytest.raises(HistoryRefused) as refused:
            await client.get_history(T0, T0 + 60_000)
        clock.now += 60.0  # a poll a minute
        assert client.history_refused is True
    assert sum(http.count(p) for p in ALL_PATHS) == 1
    assert refused.value.retry_in_s > 0
    assert client.auth_backoff.refusals == 0  # balances go on as before
    clock.now += 6 * 3600.0
    with pytest.raises(HistoryRefused):
        await client.get_history(T0, T0 + 60_000)
    assert http.count(TRADES_PATH) == 2  # asked once more after the delay


async def test_the_permission_granted_later_is_found_at_the_recheck(
    http: Any, client: BtcTurkClient, clock: ManualMonotonic
) -> None:
    http.get(pattern(TRADES_PATH), status=401, body="")
    http.get(pattern(TRADES_PATH), payload=envelope([]), repeat=True)
    empty_transfers(http)
    with pytest.raises(HistoryRefused):
        await client.get_history(T0, T0 + 1)
    clock.now += 6 * 3600.0 + 1
    assert (await client.get_history(T0, T0 + 1)).fills == ()
    assert client.history_refused is False


async def test_a_refused_key_sends_no_history_request(http: Any, client: BtcTurkClient) -> None:
    client.auth_backoff.refused()
    with pytest.raises(KeyPaused):
        await client.get_history(T0, T0 + 1)
    assert http.requests == {}


async def test_a_429_is_waited_out_and_retried(
    http: Any, client: BtcTurkClient, sleep: AdvancingSleep
) -> None:
    http.get(pattern(TRADES_PATH), status=429, headers={"Retry-After": "2"})
    http.get(pattern(TRADES_PATH), payload=envelope([trade(1, T0)]), repeat=True)
    empty_transfers(http)
    history = await client.get_history(T0, T0 + 1)
    assert [f.id for f in history.fills] == ["1"]
    assert sleep.delays == [2.0]
    assert http.count(TRADES_PATH) == 2


async def test_a_long_429_is_raised_not_hammered(http: Any, client: BtcTurkClient) -> None:
    http.get(pattern(TRADES_PATH), status=429, headers={"Retry-After": "60"}, repeat=True)
    with pytest.raises(RateLimited):
        await client.get_history(T0, T0 + 1)
    assert http.count(TRADES_PATH) == 1


async def test_paging_keeps_to_the_endpoint_quota(
    http: Any, client: BtcTurkClient, clock: ManualMonotonic, sleep: AdvancingSleep
) -> None:
    # 140 full pages in a row: more than the 120 a minute the trade endpoint allows.
    rows = [trade(i, T0 + i) for i in range(140 * 199)]
    sent_at: list[float] = []
    ledger = Ledger(rows)

    def timed(url: Any, **kwargs: Any) -> CallbackResult:
        sent_at.append(clock.now)
        return ledger(url, **kwargs)

    http.get(pattern(TRADES_PATH), callback=timed, repeat=True)
    empty_transfers(http)
    history = await client.get_history(T0, T0 + len(rows))
    assert len(history.fills) == len(rows)
    assert len(sent_at) > 120
    assert max(sum(1 for t in sent_at if s <= t < s + 60.0) for s in sent_at) <= 120
    assert sleep.delays  # it waited instead of being refused


async def test_every_request_carries_both_dates(http: Any, client: BtcTurkClient) -> None:
    seen: list[dict[str, str]] = []

    def record(url: Any, **_: Any) -> CallbackResult:
        seen.append(dict(url.query))
        return canned(payload=envelope([]))

    for path in ALL_PATHS:
        http.get(pattern(path), callback=record, repeat=True)
    await client.get_history(T0, T0 + 10)
    assert seen == [{"startDate": str(T0), "endDate": str(T0 + 10)}] * 3


async def test_a_moment_of_two_hundred_rows_is_logged_once(
    http: Any, client: BtcTurkClient, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [trade(i, T0 + 500) for i in range(250)]
    http.get(pattern(TRADES_PATH), callback=Ledger(rows), repeat=True)
    empty_transfers(http)
    with caplog.at_level(logging.WARNING, logger="btcturk.client"):
        await client.get_history(T0, T0 + 500)
        await client.get_history(T0, T0 + 600)  # a later read (a command's) meets it again

    said = [r for r in caplog.records if "at one moment" in r.getMessage()]
    assert len(said) == 1
