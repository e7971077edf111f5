"""Daily candles: the reader's shapes, the fake chart server, and the prices kept in SQLite."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import aiohttp
import pytest

from balance_bot.btcturk.errors import BadResponse
from balance_bot.btcturk.graph import daily_closes, parse_closes
from balance_bot.btcturk.models import Fill, Transfer
from balance_bot.core.day_prices import needed_days
from balance_bot.fakes.graph import FakeGraph
from balance_bot.services.daily_prices import BACKOFF_FIRST_S, DailyPrices
from balance_bot.services.history import to_ms
from balance_bot.store.database import Database
from balance_bot.store.trades import TradeStore
from tests.kit.clocks import ManualMonotonic

D = Decimal
DAY1 = date(2026, 3, 1)
MS1 = to_ms(datetime(2026, 3, 1, 15, 0, tzinfo=UTC))


def test_every_published_shape_is_read() -> None:
    # as decode_answer hands them over: a JSON number with a point is a Decimal, never a float
    listed = [{"time": 1772323200, "close": D("32.1")}, {"time": "1772409600", "close": "32,5"}]
    assert parse_closes(listed) == {DAY1: D("32.1"), date(2026, 3, 2): D("32.5")}
    assert parse_closes({"data": listed}) == parse_closes(listed)
    columns = {"s": "ok", "t": [1772323200], "c": [D("32.1")]}
    assert parse_closes(columns) == {DAY1: D("32.1")}
    assert parse_closes([{"time": None, "close": 1}, {"time": 1772323200}, "x"]) == {}
    with pytest.raises(BadResponse):
        parse_closes({"unexpected": True})


def test_a_candle_whose_time_is_not_a_number_is_skipped_not_raised() -> None:
    rows = [
        {"time": "NaN", "close": "1"},  # int(Decimal("NaN")) raises ValueError, no BadResponse
        {"time": "Infinity", "close": "1"},
        {"time": "1772323200", "close": "NaN"},
        {"time": 1772323200, "close": "32,1"},
    ]
    assert parse_closes(rows) == {DAY1: D("32.1")}


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    async with FakeGraph() as server:
        yield server


async def test_the_reader_asks_the_fake_in_seconds(
    graph: FakeGraph, session: aiohttp.ClientSession
) -> None:
    graph.candles.set_close("USDTTRY", DAY1, "32.1")
    start = int(datetime(2026, 2, 28, tzinfo=UTC).timestamp())
    closes = await daily_closes(
        session, graph.url, "USDTTRY", start, start + 3 * 86_400, timeout_s=5
    )
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
        assert graph.candles.calls == asked  # YTRY, which has no candles, is not asked again
    finally:
        await db.close()


async def test_years_of_days_cost_one_request_per_pair_once_across_restarts(
    graph: FakeGraph, session: aiohttp.ClientSession, tmp_path: Path
) -> None:
    """A pair delisted a year ago: its days before are closes, the days after are answered
    without a candle for good; a restart asks the chart server nothing."""
    first, delisted, today = date(2024, 11, 1), date(2025, 11, 1), date(2026, 11, 25)
    settled = (today - first).days - 1  # to the day before yesterday: its candle is final
    days = {first + timedelta(days=n) for n in range(settled)}
    for day in days:
        graph.candles.set_close("BTCTRY", day, "3000000")
        if day <= delisted:
            graph.candles.set_close("XTRY", day, "7")
    needs = {"BTC": days, "X": days}
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        prices = await DailyPrices(session, graph.url, TradeStore(db), "TRY").prices(needs, today)
        after = to_ms(datetime(2026, 3, 1, 12, tzinfo=UTC))
        assert prices.price_at("BTC", after) == D(3000000)
        assert prices.price_at("X", after) is None  # neither XTRY nor XUSDT has a candle
        # BTCTRY and XTRY over two years, then XUSDT and USDTTRY for X's days without one
        assert graph.candles.calls == 4
        restarted = DailyPrices(session, graph.url, TradeStore(db), "TRY")
        again = await restarted.prices(needs, today)
        assert again.price_at("BTC", after) == D(3000000)
        assert again.missing("X", after) == "past_price"
        assert graph.candles.calls == 4  # nothing asked again: every finished day is kept
    finally:
        await db.close()


# The quote currencies P&L is kept in, and the chart server's faults

TODAY = date(2026, 11, 25)
DAY2 = date(2026, 3, 2)
MS2 = to_ms(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[TradeStore]:
    db = await Database.open(tmp_path / "bot.sqlite3")
    yield TradeStore(db)
    await db.close()


def try_fill(at_ms: int) -> Fill:
    return Fill("2", "2", at_ms, "BTC", "TRY", "buy", D(1), D(1), D(0), D(0), "TRY")


def deposit(record_id: str, asset: str, at_ms: int) -> Transfer:
    return Transfer(record_id, "deposit", asset, at_ms, D(1), D(0), D(0), False)


async def test_usdt_as_the_quote_prices_try_through_usdttry_inverted(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    graph.candles.set_close("USDTTRY", DAY1, "32")
    graph.candles.set_close("BTCUSDT", DAY1, "100000")
    graph.candles.set_close("SHIBTRY", DAY1, "0.0008")  # no SHIBUSDT: through TRY
    transfers = [deposit("1", "BTC", MS1), deposit("2", "SHIB", MS1)]
    needs = needed_days([try_fill(MS1)], transfers, "USDT")
    assert needs == {"TRY": {DAY1}, "BTC": {DAY1}, "SHIB": {DAY1}}
    prices = DailyPrices(session, graph.url, store, "USDT")
    price_at = await prices.price_at(needs, TODAY)
    assert price_at("TRY", MS1) == D(1) / D(32)
    assert price_at("BTC", MS1) == D(100000)
    assert price_at("SHIB", MS1) == D("0.0008") * (D(1) / D(32))
    assert price_at("USDT", MS1) == D(1)


async def test_in_try_usdt_is_direct_and_other_assets_go_through_it(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    graph.candles.set_close("USDTTRY", DAY1, "32")
    graph.candles.set_close("GLMRUSDT", DAY1, "0.5")
    needs = {"USDT": {DAY1}, "GLMR": {DAY1}}
    price_at = await DailyPrices(session, graph.url, store, "TRY").price_at(needs, TODAY)
    assert price_at("USDT", MS1) == D(32)
    assert price_at("GLMR", MS1) == D(16)


async def test_another_quote_currency_asks_nothing_and_knows_nothing(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    prices = DailyPrices(session, graph.url, store, "EUR")
    assert not prices.supported
    known = await prices.prices({"BTC": {DAY1}}, TODAY)
    assert known.price_at("BTC", MS1) is None
    assert graph.candles.calls == 0


async def test_a_day_not_over_is_never_priced_from_a_candle(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    graph.candles.set_close("ETHTRY", DAY1, "100000")
    graph.candles.set_close("ETHTRY", DAY2, "110000")  # the day's close so far
    prices = DailyPrices(session, graph.url, store, "TRY")
    known = await prices.prices({"ETH": {DAY1, DAY2}}, DAY2)
    assert known.price_at("ETH", MS1) == D(100000)
    assert known.price_at("ETH", MS2) is None  # neither today's moving close nor yesterday's
    assert known.missing("ETH", MS2) == "today"
    assert await store.prices(["ETHTRY"]) == {"ETHTRY": {DAY1: D(100000)}}

    graph.candles.set_close("ETHTRY", DAY2, "120000")  # the day's last trade
    later = await prices.prices({"ETH": {DAY1, DAY2}}, DAY2 + timedelta(days=1))
    assert later.price_at("ETH", MS2) == D(120000)


async def test_a_day_without_a_candle_takes_the_close_before_it_once_it_is_two_days_old(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    graph.candles.set_close("ETHTRY", DAY1, "100000")  # nothing traded on DAY2
    prices = DailyPrices(session, graph.url, store, "TRY")
    yesterday = await prices.prices({"ETH": {DAY2}}, DAY2 + timedelta(days=1))
    assert yesterday.price_at("ETH", MS2) is None  # its candle may still come
    assert yesterday.missing("ETH", MS2) == "past_price"
    later = DailyPrices(session, graph.url, store, "TRY")
    known = await later.prices({"ETH": {DAY2}}, DAY2 + timedelta(days=2))
    assert known.price_at("ETH", MS2) == D(100000)


async def test_a_chart_server_that_fails_once_is_asked_again_after_a_backoff(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    graph.candles.set_close("ETHTRY", DAY1, "100000")
    graph.candles.fail_next = 1
    clock = ManualMonotonic()
    prices = DailyPrices(session, graph.url, store, "TRY", monotonic=clock)
    needs = {"ETH": {DAY1}}
    first = await prices.prices(needs, TODAY)
    assert first.price_at("ETH", MS1) is None
    assert first.missing("ETH", MS1) == "loading"
    assert graph.candles.calls == 1

    again = await prices.prices(needs, TODAY)  # within the backoff: not asked
    assert again.price_at("ETH", MS1) is None and graph.candles.calls == 1

    clock.now += BACKOFF_FIRST_S
    later = await prices.prices(needs, TODAY)  # the same process, no restart
    assert later.price_at("ETH", MS1) == D(100000)
    assert graph.candles.calls == 2


def unavailable(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the lines that say a read of the daily prices failed."""
    return [r for r in caplog.records if "unavailable" in r.getMessage()]


async def test_a_chart_server_that_never_answers_costs_one_timeout_then_a_backoff(
    graph: FakeGraph,
    session: aiohttp.ClientSession,
    store: TradeStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="balance_bot.services.daily_prices")
    graph.candles.set_close("ETHTRY", DAY1, "100000")
    graph.candles.set_close("XRPTRY", DAY1, "20")
    graph.candles.hang = True
    clock = ManualMonotonic()
    prices = DailyPrices(
        session, graph.url, store, "TRY", timeout_s=0.2, budget_s=60, monotonic=clock
    )
    needs = {"ETH": {DAY1}, "XRP": {DAY1}}
    try:
        early = await prices.prices(needs, TODAY, wait_s=0)  # does not wait at all
        assert early.missing("ETH", MS1) == "loading"
        await prices.settled()  # one request, abandoned at its timeout; the other not asked
        assert graph.candles.calls == 1
        assert len(unavailable(caplog)) == 1
        await prices.prices(needs, TODAY)
        assert graph.candles.calls == 1  # the server is left alone during the backoff
    finally:
        graph.candles.release()
    clock.now += BACKOFF_FIRST_S
    known = await prices.prices(needs, TODAY)
    assert known.price_at("ETH", MS1) == D(100000)
    assert known.price_at("XRP", MS1) == D(20)


async def test_a_burst_keeps_to_its_budget_and_the_next_one_goes_on(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    assets = ["A", "B", "C", "D", "E"]
    for asset in assets:
        graph.candles.set_close(asset + "TRY", DAY1, "1")
    clock = ManualMonotonic()

    def slow(pair: str) -> None:
        clock.now += 3  # each answer takes 3 s of the burst's 10

    graph.candles.on_request = slow
    prices = DailyPrices(session, graph.url, store, "TRY", budget_s=10, monotonic=clock)
    needs = {asset: {DAY1} for asset in assets}
    first = await prices.prices(needs, TODAY)
    assert graph.candles.calls == 4  # at 0, 3, 6 and 9 s; at 12 s the budget is spent
    assert [first.price_at(a, MS1) for a in assets] == [D(1)] * 4 + [None]
    assert first.missing("E", MS1) == "loading"
    second = await prices.prices(needs, TODAY)  # no failure: no backoff
    assert second.price_at("E", MS1) == D(1)
    assert graph.candles.calls == 5


async def test_once_closed_a_later_ask_starts_no_read_and_waits_for_none(
    graph: FakeGraph, session: aiohttp.ClientSession, store: TradeStore
) -> None:
    """A command that asked a moment after the stop began waited out the chart server."""
    graph.candles.hang = True  # a read started now would hold the ask for its whole budget
    prices = DailyPrices(session, graph.url, store, "TRY", timeout_s=120, budget_s=600)
    await prices.close()
    known = await prices.prices({"BTC": {DAY1}}, TODAY)
    assert known.price_at("BTC", MS1) is None
    assert graph.candles.calls == 0
