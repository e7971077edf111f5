"""Daily candles: the reader's shapes, the fake chart server, and the prices kept in SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from btcturk.errors import BadResponse
from btcturk.graph import daily_closes, parse_closes
from btcturk.models import Fill, Transfer
from fakes.graph import FakeGraph
from services.daily_prices import DailyPrices, needed_days
from services.history import to_ms
from store.database import Database
from store.trades import TradeStore

D = Decimal
DAY1 = date(2026, 3, 1)
MS1 = to_ms(datetime(2026, 3, 1, 15, 0, tzinfo=UTC))


def test_every_published_shape_is_read() -> None:
    listed = [{"time": 1772323200, "close": 32.1}, {"time": "1772409600", "close": "32,5"}]
    assert parse_closes(listed) == {DAY1: D("32.1"), date(2026, 3, 2): D("32.5")}
    assert parse_closes({"data": listed}) == parse_closes(listed)
    columns = {"s": "ok", "t": [1772323200], "c": [D("32.1")]}
    assert parse_closes(columns) == {DAY1: D("32.1")}
    assert parse_closes([{"time": None, "close": 1}, {"time": 1772323200}, "x"]) == {}
    with pytest.raises(BadResponse):
        parse_closes({"unexpected": True})


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    async with FakeGraph() as server:
        yield server


async def test_the_reader_asks_the_fake_in_seconds(
    graph: FakeGraph, session: aiohttp.ClientSession
) -> None:
    graph.candles.set_close("USDTTRY", DAY1, "32.1")
    start = int(datetime(2026, 2, 28, tzinfo=UTC).timestamp())
    closes = await daily_closes(session, graph.url, "USDTTRY", start, start + 3 * 86_400)
    assert closes == {DAY1: D("32.1")}


def usdt_fill(at_ms: int) -> Fill:
    return Fill("1", "1", at_ms, "BTC", "USDT", "buy", D(1), D(1), D(0), D(0), "USDT")


async def test_prices_are_read_once_then_kept(
    graph: FakeGraph, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    graph.candles.set_close("USDTTRY", DAY1, "32.1")
    graph.candles.set_close("XTRY", DAY1, "7")
    graph.candles.set_close("YUSDT", DAY1, "2")
    deposits = [
        Transfer("9", "deposit", "X", MS1, D(1), D(0), D(0), False),
        Transfer("10", "deposit", "Y", MS1, D(1), D(0), D(0), False),
    ]
    needs = needed_days([usdt_fill(MS1)], deposits, "TRY")
    assert needs == {"USDT": {DAY1}, "X": {DAY1}, "Y": {DAY1}}
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        prices = DailyPrices(session, graph.url, TradeStore(db), "TRY")
        price_at = await prices.price_at(needs, date(2026, 11, 25))
        assert price_at("USDT", MS1) == D("32.1")
        assert price_at("X", MS1) == D("7")
        assert price_at("Y", MS1) == D("64.2")  # through USDT
        asked = graph.candles.calls
        again = await DailyPrices(session, graph.url, TradeStore(db), "TRY").price_at(
            needs, date(2026, 11, 25)
        )
        assert again("Y", MS1) == D("64.2")
        assert graph.candles.calls == asked + 1  # only YTRY, which has no candles, is asked again
    finally:
        await db.close()
