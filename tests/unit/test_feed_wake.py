"""How feed events wake the poll, on virtual time: coalesced, paced, and looked at again."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator
from typing import cast

import aiohttp
import pytest

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.feed_messages import BalanceUpdated
from balance_bot.services.feed import MIN_GAP_S, FeedWatch
from balance_bot.services.monitor import PollOutcome
from balance_bot.services.told import ToldOnce
from balance_bot.store.store import Store
from tests.kit.clocks import ManualMonotonic

POLL_S = 0.25  # what one poll takes (balances and prices, read in turn)


class VirtualTime:
    """A clock and a sleep in virtual seconds: `run_until` moves time from sleeper to sleeper."""

    def __init__(self) -> None:
        self.clock = ManualMonotonic(now=0.0)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(
            self._sleepers, (self.clock.now + max(0.0, delay), next(self._order), future)
        )
        await future

    async def run_until(self, moment: float) -> None:
        """Wake each sleeper in turn, in time order, until `moment`."""
        while True:
            await _settle()
            if not self._sleepers or self._sleepers[0][0] > moment:
                break
            at, _, future = heapq.heappop(self._sleepers)
            self.clock.now = max(self.clock.now, at)
            if not future.done():
                future.set_result(None)
        self.clock.now = moment


async def _settle() -> None:
    for _ in range(20):  # let every task that can run, run
        await asyncio.sleep(0)


class Account:
    """What the polls see: the balances change once `changes_at` has passed."""

    def __init__(self, time_: VirtualTime, changes_at: float | None = None) -> None:
        self.time = time_
        self.changes_at = changes_at
        self.polls: list[float] = []
        self._seen = False

    async def poll(self) -> PollOutcome:
        self.polls.append(self.time.clock.now)
        await self.time.sleep(POLL_S)
        changed = self.changes_at is not None and self.time.clock.now >= self.changes_at
        changed, self._seen = changed and not self._seen, self._seen or changed
        return PollOutcome(succeeded=True, queued=int(changed), changed=changed)


@pytest.fixture
async def time_() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


def watch_on(time_: VirtualTime, session: aiohttp.ClientSession) -> FeedWatch:
    """Return a FeedWatch whose wake-ups run on virtual time (its feed is never started)."""
    client = BtcTurkClient(session, base_url="http://127.0.0.1:9")  # never asked here
    return FeedWatch(
        session,
        client,
        "ws://127.0.0.1:9/",
        "key",
        "c2VjcmV0",
        refusal_told=ToldOnce(cast(Store, None), "feed_refused"),  # never told here
        safety_poll_s=300,
        monotonic=time_.clock,
        sleep=time_.sleep,
    )


async def test_a_storm_of_200_events_a_second_wakes_at_most_70_polls_a_minute(
    time_: VirtualTime, session: aiohttp.ClientSession
) -> None:
    watch, account = watch_on(time_, session), Account(time_)
    task = asyncio.get_running_loop().create_task(watch._poll_when_woken(account.poll))
    try:
        for tick in range(150 * 200):  # two and a half minutes, an event every 5 ms
            await watch._on_event(BalanceUpdated())
            await time_.run_until((tick + 1) * 0.005)
    finally:
        task.cancel()

    polls = account.polls
    assert len(polls) > 100  # the storm is polled for all along
    for start in polls:  # BTCTurk allows 120 balance reads a minute per IP
        assert sum(1 for at in polls if start <= at < start + 60.0) <= 70
    assert all(b - a >= MIN_GAP_S for a, b in itertools.pairwise(polls))
    assert all(b - a <= 1.0 + POLL_S for a, b in itertools.pairwise(polls))  # none starved


async def test_an_event_whose_poll_found_nothing_is_looked_at_again(
    time_: VirtualTime, session: aiohttp.ClientSession
) -> None:
    watch, account = watch_on(time_, session), Account(time_, changes_at=0.5)
    task = asyncio.get_running_loop().create_task(watch._poll_when_woken(account.poll))
    try:
        await watch._on_event(BalanceUpdated())  # at 0 s; the balances show it at 0.5 s
        await time_.run_until(600.0)
    finally:
        task.cancel()

    first, *again = account.polls
    assert first == 0.0
    assert again and again[0] <= 5.0  # seconds after the event, not the 300 s safety poll
    assert len(again) == 1  # it found the change: no more looks


class DownAccount(Account):
    """BTCTurk fails every check until `up_at`; the change is there from the start."""

    def __init__(self, time_: VirtualTime, watch: FeedWatch, up_at: float) -> None:
        super().__init__(time_, changes_at=0.0)
        self.watch = watch
        self.up_at = up_at

    async def poll(self) -> PollOutcome:
        if self.time.clock.now >= self.up_at:
            outcome = await super().poll()
        else:
            self.polls.append(self.time.clock.now)
            await self.time.sleep(POLL_S)
            outcome = PollOutcome(succeeded=False, queued=0)
        self.watch.polled(succeeded=outcome.succeeded)  # as poll_balances notes it
        return outcome


async def test_an_event_whose_checks_failed_is_looked_at_again_until_one_works(
    time_: VirtualTime, session: aiohttp.ClientSession
) -> None:
    watch = watch_on(time_, session)
    account = DownAccount(time_, watch, up_at=19.0)  # BTCTurk back 19 s after the event
    task = asyncio.get_running_loop().create_task(watch._poll_when_woken(account.poll))
    try:
        await watch._on_event(BalanceUpdated())
        await time_.run_until(600.0)
    finally:
        task.cancel()

    worked = [at for at in account.polls if at >= 19.0]
    assert worked and worked[0] <= 40.0  # within seconds of its return, not at the safety poll
    assert len(worked) == 1  # it found the change: no more looks


async def test_the_looks_after_failed_checks_back_off_and_end(
    time_: VirtualTime, session: aiohttp.ClientSession
) -> None:
    watch = watch_on(time_, session)
    account = DownAccount(time_, watch, up_at=float("inf"))  # down for good
    task = asyncio.get_running_loop().create_task(watch._poll_when_woken(account.poll))
    try:
        await watch._on_event(BalanceUpdated())
        await time_.run_until(3600.0)
    finally:
        task.cancel()

    polls = account.polls
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert len(polls) <= 10  # bounded: the regular check (every POLL_INTERVAL) takes over
    assert gaps == sorted(gaps)  # each look waits longer than the one before


async def test_an_event_order_events_account_for_is_not_looked_at_again(
    time_: VirtualTime, session: aiohttp.ClientSession
) -> None:
    watch, account = watch_on(time_, session), Account(time_)  # no balance ever moves
    accounted = True  # an edit's 201: the order watch saw 452 and 451, no balance to await
    watch.accounted_by(lambda: accounted)
    task = asyncio.get_running_loop().create_task(watch._poll_when_woken(account.poll))
    try:
        await watch._on_event(BalanceUpdated())
        await time_.run_until(600.0)
        edit = list(account.polls)
        accounted = False  # a fill the feed told and no alert yet: its balance is awaited
        await watch._on_event(BalanceUpdated())
        await time_.run_until(1200.0)
    finally:
        task.cancel()

    assert edit == [0.0]  # its one poll, and no look again at 1, 3 and 8 s
    assert len(account.polls) - len(edit) == 4  # the poll, then the looks at 1, 3 and 8 s
