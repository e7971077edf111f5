"""The account's daily values from its first day, rebuilt by the real bot on the fakes.

Two years of a seeded account (lira and crypto deposits and withdrawals, TRY and USDT trades,
a pair delisted half-way) are read back by the bot's own backfill; its daily values are
checked against a plain computation from the fake's own rows and closes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from balance_bot.config import Settings
from balance_bot.core.values import Incomplete, ValueHistory, incomplete
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.years import DELISTED, YearsHistory, seed_years
from tests.e2e.conftest import BotHarness, FakeClock, services_of
from tests.kit.clocks import AdvancingSleep, ManualMonotonic
from tests.kit.values import expected_days
from tests.kit.wiring import BotWiring

D = Decimal
StartBot = Callable[[Settings], Any]


@pytest.fixture
async def exchange(clock: FakeClock) -> AsyncIterator[FakeBtcTurk]:
    """The exchange on the test's clock, without the demo's balances or its rate limits (the
    client keeps to them on a clock of its own, which its waits move)."""
    async with FakeBtcTurk(
        clock=lambda: clock().timestamp(), balances=[], rate_limit=False
    ) as server:
        yield server


@pytest.fixture(autouse=True)
def on_the_test_clock(wiring: BotWiring, clock: FakeClock) -> None:
    budget = ManualMonotonic()
    wiring.use(exchange_time=lambda: clock().timestamp(), budget=budget)
    wiring.use(backoff=AdvancingSleep(budget))
    wiring.jobs = False  # the history is read by the test


@pytest.fixture
def years(exchange: FakeBtcTurk) -> YearsHistory:
    return seed_years(exchange, years=2, fills=600, assets=8, seed=7)


async def read_back(bot: BotHarness) -> None:
    backfill = services_of(bot).account.backfill
    while await backfill.step():
        pass


async def rebuilt(bot: BotHarness) -> ValueHistory:
    values = services_of(bot).values
    assert values is not None
    outcome = await values.history()
    assert outcome.values is not None
    return outcome.values


async def test_two_years_rebuild_to_the_kurus_of_a_plain_computation(
    years: YearsHistory,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
    clock: FakeClock,
) -> None:
    async with start_bot(make_settings()) as bot:
        await read_back(bot)
        values = await rebuilt(bot)
        held = (await services_of(bot).account.portfolio.fetch_or_last()).portfolio

    yesterday = clock.now.date() - timedelta(days=1)
    expected = expected_days(years, yesterday)
    assert values.first == years.first and values.last == yesterday
    assert [d.day for d in values.days] == sorted(expected)
    for day in values.days:
        assert (day.day, day.value) == (day.day, expected[day.day].value)
        assert (day.day, day.invested) == (day.day, expected[day.day].invested)
        assert not day.loading and not day.unpriced and not day.unvalued
    # The delisted coin keeps its last close, marked estimated, from the day after it.
    after = years.delisted_after + timedelta(days=1)
    assert DELISTED not in (values.on(years.delisted_after) or values.days[0]).estimated
    assert all(DELISTED in d.estimated for d in values.between(after, yesterday))
    assert incomplete(values, held) == ()  # the history accounts for every asset held


async def test_net_invested_is_the_money_moved_at_its_value_on_arrival(
    years: YearsHistory, make_settings: Callable[..., Settings], start_bot: StartBot
) -> None:
    async with start_bot(make_settings()) as bot:
        await read_back(bot)
        values = await rebuilt(bot)

    moved = sum((d.moved_in - d.moved_out for d in values.days), D(0))
    assert values.days[-1].invested == moved
    lira_in = sum(
        (D(str(r["amount"])) for r in years.rows["fiat"] if r["balanceType"] == "Deposit"), D(0)
    )
    assert sum((d.moved_in for d in values.days), D(0)) > lira_in  # crypto came in too


async def test_an_asset_the_history_does_not_account_for_marks_its_span(
    years: YearsHistory,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
) -> None:
    btc = years.balances["BTC"]
    exchange.set_balance("BTC", btc + 1)  # one BTC the history never brought in
    async with start_bot(make_settings()) as bot:
        await read_back(bot)
        values = await rebuilt(bot)
        held = (await services_of(bot).account.portfolio.fetch_or_last()).portfolio

    first_btc = min(
        d.day for d in values.days if "BTC" in d.values or d.day == values.since.get("BTC")
    )
    assert incomplete(values, held) == (Incomplete("BTC", first_btc, btc + 1, btc),)


async def test_the_candles_are_asked_once_per_pair_across_restarts(
    years: YearsHistory,
    make_settings: Callable[..., Settings],
    start_bot: StartBot,
    exchange: FakeBtcTurk,
) -> None:
    asked: list[str] = []
    exchange.candles.on_request = asked.append
    settings = make_settings()
    async with start_bot(settings) as bot:
        await read_back(bot)
        first = await rebuilt(bot)
    assert len(asked) == len(set(asked))  # one request per pair for two years of days
    before = len(asked)
    async with start_bot(settings) as bot:
        again = await rebuilt(bot)

    assert len(asked) == before  # the finished days were kept: nothing asked again
    assert again.days == first.days
