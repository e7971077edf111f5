"""Tests for services/summaries.py: the daily summary on a FakeClock and a hand-moved boot clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from balance_bot.btcturk.errors import Unavailable
from balance_bot.core.notify import NotificationKind
from balance_bot.services.roster import Roster
from balance_bot.services.summaries import MIN_SUMMARY_GAP_S, RETRY_AFTER_S, Summaries
from balance_bot.store.models import OutboxItem
from balance_bot.store.store import Store
from tests.kit.account import DOCUMENTED_TOTAL
from tests.kit.clocks import FakeClock, ManualMonotonic
from tests.kit.env import ALLOWED_CHAT, ALLOWED_GROUP
from tests.kit.services import StubExchange, chat_views, open_store, unit_settings

ISTANBUL = ZoneInfo("Europe/Istanbul")
BOTH_CHATS = 2


@dataclass
class Daily:
    """A Summaries and what it is built on."""

    summaries: Summaries
    exchange: StubExchange
    store: Store
    clock: FakeClock
    boot: ManualMonotonic

    def at(self, day: int, hour: int, minute: int = 0) -> None:
        """Set the wall clock to `hour`:`minute` in Istanbul on 2026-11-`day`."""
        self.clock.now = datetime(2026, 11, day, hour, minute, tzinfo=ISTANBUL)

    def elapse(self, seconds: float) -> None:
        """Let real time pass: both clocks move."""
        self.clock.advance(seconds=seconds)
        self.boot.now += seconds

    async def summaries_owed(self) -> list[OutboxItem]:
        """Return the summaries waiting in the outbox."""
        owed = await self.store.due_notifications(self.clock.now, limit=100)
        return [item for item in owed if item.kind is NotificationKind.SUMMARY]


@pytest.fixture
async def daily(tmp_path: Path) -> AsyncIterator[Daily]:
    clock, boot = FakeClock(), ManualMonotonic(now=50_000.0)
    settings = unit_settings(tmp_path)  # DAILY_SUMMARY_TIME 09:00 in Europe/Istanbul
    exchange = StubExchange()
    async with open_store(tmp_path, clock) as store:
        views = chat_views(store, settings, clock)
        roster = Roster(settings.allowed_chat_ids)
        summaries = Summaries(
            settings, exchange.portfolio(clock), store, views, clock, roster, boot_clock=boot
        )
        yield Daily(summaries, exchange, store, clock, boot)


async def test_the_next_time_is_today_before_it_and_tomorrow_after(daily: Daily) -> None:
    daily.at(25, 8)
    assert daily.summaries.next_time() == datetime(2026, 11, 25, 9, 0, tzinfo=ISTANBUL)
    daily.at(25, 9, 1)
    assert daily.summaries.next_time() == datetime(2026, 11, 26, 9, 0, tzinfo=ISTANBUL)


async def test_nothing_is_due_before_the_summary_time(daily: Daily) -> None:
    daily.at(25, 8, 59)

    assert await daily.summaries.send_due() == 0
    assert daily.exchange.reads == 0
    assert await daily.summaries_owed() == []


async def test_each_chat_gets_one_summary_a_day(daily: Daily) -> None:
    daily.at(25, 9)
    assert await daily.summaries.send_due() == BOTH_CHATS
    daily.elapse(60)
    assert await daily.summaries.send_due() == 0

    owed = await daily.summaries_owed()
    assert sorted(item.chat_id for item in owed) == sorted([ALLOWED_CHAT, ALLOWED_GROUP])
    assert all(f"Portfolio: <b>{DOCUMENTED_TOTAL} TRY</b>" in item.text for item in owed)
    assert daily.exchange.reads == 1

    daily.elapse(24 * 3600)
    assert await daily.summaries.send_due() == BOTH_CHATS  # the next day's


async def test_a_restart_the_same_day_repeats_no_summary(daily: Daily, tmp_path: Path) -> None:
    daily.at(25, 9)
    assert await daily.summaries.send_due() == BOTH_CHATS

    settings = unit_settings(tmp_path)
    views = chat_views(daily.store, settings, daily.clock)
    portfolio = daily.exchange.portfolio(daily.clock)
    roster = Roster(settings.allowed_chat_ids)
    restarted = Summaries(settings, portfolio, daily.store, views, daily.clock, roster)
    daily.elapse(600)
    assert await restarted.send_due() == 0
    assert len(await daily.summaries_owed()) == BOTH_CHATS


async def test_a_clock_gone_back_repeats_no_summary(daily: Daily) -> None:
    daily.at(25, 9, 30)
    assert await daily.summaries.send_due() == BOTH_CHATS

    daily.at(25, 8, 30)  # an NTP correction of an hour back
    assert await daily.summaries.send_due() == 0
    daily.elapse(3600)
    assert await daily.summaries.send_due() == 0

    assert len(await daily.summaries_owed()) == BOTH_CHATS


async def test_a_clock_a_day_ahead_sends_no_second_summary_in_one_real_day(
    daily: Daily,
) -> None:
    daily.at(25, 9)
    assert await daily.summaries.send_due() == BOTH_CHATS

    daily.at(26, 9, 1)  # the wall clock jumps a day; one real minute has passed
    daily.boot.now += 60
    assert await daily.summaries.send_due() == 0

    daily.boot.now += MIN_SUMMARY_GAP_S
    assert await daily.summaries.send_due() == BOTH_CHATS


async def test_a_failed_read_postpones_the_summary_and_asks_again_after_30_s(
    daily: Daily,
) -> None:
    daily.at(25, 9)
    daily.exchange.error = Unavailable("BTCTurk is not answering")
    assert await daily.summaries.send_due() == 0
    assert daily.exchange.reads == 1

    daily.exchange.error = None
    daily.elapse(RETRY_AFTER_S - 1)
    assert await daily.summaries.send_due() == 0
    assert daily.exchange.reads == 1  # not asked again yet

    daily.elapse(1)
    assert await daily.summaries.send_due() == BOTH_CHATS
    assert len(await daily.summaries_owed()) == BOTH_CHATS
