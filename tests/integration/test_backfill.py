"""The history backfill against the fake exchange: a year of generated history, restarts.

The fake exchange, the client's rate budget and the backfill's pauses all run on the test's
clock, and every sleep moves it: the fake counts its per-minute quotas on the same time the
client paces itself by, so a request the client sends too early would be refused (429).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import HistoryRefused
from balance_bot.core.cost_basis import build_cost_basis
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.ledger import json_number
from balance_bot.fakes.seed import DEMO_API_KEY, DEMO_API_SECRET
from balance_bot.services.backfill import Backfill
from balance_bot.services.history import to_ms
from balance_bot.store.database import Database
from balance_bot.store.trades import TradeStore
from tests.kit.clocks import FakeClock

D = Decimal
NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
YEAR_MS = 365 * 86_400_000


class Time:
    """The one clock of the test: a sleep moves it."""

    def __init__(self) -> None:
        self.clock = FakeClock(NOW)
        self.slept = 0.0

    def seconds(self) -> float:
        return self.clock().timestamp()

    async def sleep(self, delay: float) -> None:
        self.slept += delay
        self.clock.advance(seconds=delay)


def generate_year(count: int, seed: int = 13) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return `count` BTCTRY trade rows and a few BTC deposits over the year before NOW."""
    rng = random.Random(seed)
    start = to_ms(NOW) - YEAR_MS
    stamps = sorted(rng.randrange(start, to_ms(NOW) - 60_000) for _ in range(count))
    trades, held = [], D(0)
    for index, at_ms in enumerate(stamps):
        amount = D(rng.randrange(1, 500_000)) / D(10**8)
        price = D(rng.randrange(2_000_000, 4_000_000))
        side = "sell" if held >= amount and rng.random() < 0.4 else "buy"
        held += amount if side == "buy" else -amount
        fee = (amount * price * D("0.0012")).quantize(D("0.00000001"))
        signed = amount if side == "buy" else -amount
        trades.append(
            {
                "id": 1181163798924650001 + index,
                "orderId": 10938696301 + index,
                "timestamp": at_ms,
                "numeratorSymbol": "BTC",
                "denominatorSymbol": "TRY",
                "orderType": side,
                "price": str(price),
                "amount": str(signed),
                "preciseAmount": json_number(signed),
                "fee": str(-fee),
                "tax": str(-(fee * D("0.18")).quantize(D("0.00000001"))),
            }
        )
    deposits = [
        {
            "balanceType": "Deposit",
            "currencySymbol": "BTC",
            "id": 676962 + n,
            "timestamp": start + n * 40 * 86_400_000 + 1234,
            "funds": 1,
            "amount": json_number(D("0.5")),
            "fee": 0,
            "tax": 0,
        }
        for n in range(9)
    ]
    return trades, deposits


@pytest.fixture
def time_() -> Time:
    return Time()


@pytest.fixture
async def exchange(time_: Time) -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk(clock=time_.clock.elapsed) as server:  # its clock never steps
        yield server


def client_for(session: aiohttp.ClientSession, exchange: FakeBtcTurk, time_: Time) -> BtcTurkClient:
    return BtcTurkClient(
        session,
        base_url=exchange.base_url,
        api_key=DEMO_API_KEY,
        api_secret=DEMO_API_SECRET,
        sleep=time_.sleep,
        time_source=time_.seconds,
        monotonic=time_.clock.elapsed,  # real time: a step of the clock does not move it
    )


def backfill_for(client: BtcTurkClient, db: Database, time_: Time) -> Backfill:
    return Backfill(client, TradeStore(db), time_.clock, sleep=time_.sleep, empty_windows_to_stop=3)


async def run_until_complete(backfill: Backfill, time_: Time, *, limit: int | None = None) -> int:
    """Step as the background task does; return how many windows were read."""
    steps = 0
    while await backfill.step():
        steps += 1
        await time_.sleep(1.0)
        if limit is not None and steps >= limit:
            return steps
    return steps + 1


def history_requests(exchange: FakeBtcTurk) -> int:
    return exchange.calls["trades"] + exchange.calls["crypto"] + exchange.calls["fiat"]


async def test_a_year_of_thousands_of_fills_is_read_within_the_limits_and_adds_up(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, time_: Time, tmp_path: Path
) -> None:
    trades, deposits = generate_year(4000)
    exchange.ledger.rows["trades"] = trades
    exchange.ledger.rows["crypto"] = deposits
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        backfill = backfill_for(client_for(session, exchange, time_), db, time_)
        windows = await run_until_complete(backfill, time_)
        stored = await TradeStore(db).history()
    finally:
        await db.close()

    assert backfill.state.complete
    assert windows == 13 + 3  # a year in 30-day windows, then three empty ones
    assert exchange.rate_limit_hits == 0
    assert len(stored.fills) == 4000
    assert len(stored.transfers) == 9
    print(f"{history_requests(exchange)} requests; {time_.slept:.0f} s on the clock")
    assert history_requests(exchange) < 16 * 3 + 4000 // 200 + 16

    # An independent average cost, the plain way.
    units = cost = realized = D(0)
    events = sorted(
        [(r["timestamp"], 0, r) for r in trades] + [(r["timestamp"], 1, r) for r in deposits],
        key=lambda e: (e[0], e[1]),
    )
    for _, kind, row in events:
        if kind == 1:
            units, cost = units + D("0.5"), cost + D("0.5") * D(1000)
            continue
        amount, price = abs(D(row["amount"])), D(row["price"])
        paid = -D(row["fee"]) - D(row["tax"])
        if row["orderType"] == "buy":
            units, cost = units + amount, cost + amount * price + paid
        else:
            part = cost * amount / units
            realized += amount * price - paid - part
            units, cost = units - amount, cost - part
    result = build_cost_basis(stored.fills, stored.transfers, "TRY", lambda a, at: D(1000))
    btc = result.assets["BTC"]
    assert btc.units == units
    assert abs(btc.cost - cost) < D("0.000001")
    assert abs(btc.realized() - realized) < D("0.000001")
    assert btc.estimated


async def test_a_restart_resumes_the_backfill_where_it_stopped(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, time_: Time, tmp_path: Path
) -> None:
    trades, deposits = generate_year(1500, seed=7)
    exchange.ledger.rows["trades"] = trades
    exchange.ledger.rows["crypto"] = deposits
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    try:
        first = backfill_for(client_for(session, exchange, time_), db, time_)
        assert await run_until_complete(first, time_, limit=5) == 5
        assert not first.state.complete
        halfway = await TradeStore(db).count()
    finally:
        await db.close()
    asked_before = exchange.calls["crypto"]

    db = await Database.open(path)
    try:
        second = backfill_for(client_for(session, exchange, time_), db, time_)
        state = await second.load()
        assert state.oldest is not None
        assert state.oldest < NOW - timedelta(days=5 * 30 - 1)
        windows = await run_until_complete(second, time_)
        total = await TradeStore(db).count()
    finally:
        await db.close()

    assert 0 < halfway < total == 1500 + 9
    assert windows == 16 - 5  # only the windows not read before
    assert exchange.calls["crypto"] - asked_before == 16 - 5
    assert second.state.complete


async def test_after_the_backfill_new_records_are_read_forward(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, time_: Time, tmp_path: Path
) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        backfill = backfill_for(client_for(session, exchange, time_), db, time_)
        await run_until_complete(backfill, time_)
        assert await TradeStore(db).count() == 0
        time_.clock.advance(hours=1)
        exchange.ledger.buy("BTCTRY", "0.001", "3500000", fills=2)
        assert not await backfill.step()
        assert await TradeStore(db).count() == 2
        newest = backfill.state.newest
        assert newest is not None and newest == time_.clock()
    finally:
        await db.close()


async def test_a_clock_stepped_back_days_reads_forward_from_the_day_before_now(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, time_: Time, tmp_path: Path
) -> None:
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        time_.clock.step(days=3)  # this server's clock is three days ahead
        backfill = backfill_for(client_for(session, exchange, time_), db, time_)
        await run_until_complete(backfill, time_)
        time_.clock.step(days=-3)  # NTP corrects it
        exchange.ledger.buy("BTCTRY", "0.001", "3500000", fills=2)
        assert not await backfill.step()
        assert await TradeStore(db).count() == 2
        assert backfill.state.newest == time_.clock()
    finally:
        await db.close()


async def test_a_key_without_the_account_permission_stops_nothing_else(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, time_: Time, tmp_path: Path
) -> None:
    exchange.account_permission = False
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        backfill = backfill_for(client_for(session, exchange, time_), db, time_)
        with pytest.raises(HistoryRefused):
            await backfill.step()
        assert (await backfill.load()).oldest is None
    finally:
        await db.close()
    assert exchange.history_refusals == 1


class Stop(Exception):
    """Ends the background loop from its sleep."""


async def test_the_background_task_waits_out_a_refusal_and_goes_on(
    exchange: FakeBtcTurk, session: aiohttp.ClientSession, time_: Time, tmp_path: Path
) -> None:
    waits: list[float] = []

    async def sleep(delay: float) -> None:
        waits.append(delay)
        if len(waits) == 4:  # three minutes after the refusal the owner gives the permission
            exchange.account_permission = True
            assert client.reopen_history(owner=True)  # and presses Check again
        if len(waits) >= 7:
            raise Stop
        await time_.sleep(delay)

    exchange.account_permission = False
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        client = client_for(session, exchange, time_)
        backfill = Backfill(
            client, TradeStore(db), time_.clock, sleep=sleep, empty_windows_to_stop=2
        )
        with pytest.raises(Stop):
            await backfill.run(first_s=120.0)
    finally:
        await db.close()
    assert waits[0] == 120.0  # the start-up delay
    assert waits[1:4] == [60.0] * 3  # refused: the latch is looked at each minute, no request
    assert waits[4] == 1.0  # reopened: one window a second
    assert waits[5:7] == [600.0, 600.0]  # complete after two empty windows: forward every 10 min
    assert backfill.state.complete
    assert exchange.history_refusals == 1
