"""The per-chat rate limiter on a virtual clock: its pace, its group minute and its 429s."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from telegram.error import RetryAfter

from balance_bot.telegram_io.rate_limit import ChatRateLimiter, RateLimiterClosed

T = TypeVar("T")
PRIVATE = 111
OTHER_PRIVATE = 222
GROUP = -1001234567890


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up whenever every task is waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def run(self, *work: Awaitable[T]) -> list[T]:
        """Run `work` concurrently, advancing the clock while nothing else can run."""
        tasks = [asyncio.ensure_future(w) for w in work]
        while not all(t.done() for t in tasks):
            for _ in range(20):  # let every ready task reach its next wait
                await asyncio.sleep(0)
            if self._sleepers and not all(t.done() for t in tasks):
                wake_at, _, future = heapq.heappop(self._sleepers)
                if not future.done():  # a sleep abandoned meanwhile does not move the clock
                    self.now = max(self.now, wake_at)
                    future.set_result(None)
        return [t.result() for t in tasks]


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


def limiter_on(time: VirtualTime, **options: Any) -> ChatRateLimiter:
    return ChatRateLimiter(monotonic=time.monotonic, sleep=time.sleep, **options)


class Telegram:
    """Record when each request reached 'Telegram'; answer 429 for queued chats."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self.sent: list[tuple[float, int]] = []
        self.refuse: dict[int, list[int]] = {}

    async def send(self, chat_id: int) -> bool:
        refusals = self.refuse.get(chat_id)
        if refusals:
            raise RetryAfter(timedelta(seconds=refusals.pop(0)))
        self.sent.append((self.time.now, chat_id))
        return True


async def request(
    limiter: ChatRateLimiter, telegram: Telegram, chat_id: int, endpoint: str = "sendMessage"
) -> float:
    """Send one request through the limiter; return the virtual time it was answered."""
    await limiter.process_request(
        telegram.send, (chat_id,), {}, endpoint, {"chat_id": chat_id}, None
    )
    return telegram.time.now


async def test_the_overall_pace_never_puts_more_than_29_in_a_second(time: VirtualTime) -> None:
    limiter, telegram = limiter_on(time), Telegram(time)

    await time.run(*(request(limiter, telegram, chat) for chat in range(1, 91)))

    moments = [at for at, _ in telegram.sent]
    assert len(moments) == 90
    assert max(sum(1 for m in moments if start <= m < start + 1) for start in moments) <= 29


async def test_a_group_gets_20_a_minute_while_a_private_chat_is_not_held_up(
    time: VirtualTime,
) -> None:
    limiter, telegram = limiter_on(time), Telegram(time)

    group = [request(limiter, telegram, GROUP) for _ in range(25)]
    [*group_done, private_done] = await time.run(*group, request(limiter, telegram, PRIVATE))

    assert max(group_done[:20]) < 1
    assert min(group_done[20:]) >= 60
    assert private_done < 1


async def test_a_chat_waits_its_turn_while_its_group_minute_is_full(time: VirtualTime) -> None:
    limiter, telegram = limiter_on(time), Telegram(time)
    await time.run(*(request(limiter, telegram, GROUP) for _ in range(20)))

    assert limiter.congested(GROUP)
    assert not limiter.congested(PRIVATE)
    assert not limiter.congested(GROUP - 1)


async def test_a_429_holds_only_its_own_chat_and_is_retried(time: VirtualTime) -> None:
    limiter, telegram = limiter_on(time), Telegram(time)
    telegram.refuse[GROUP] = [20]

    group_done, private_done = await time.run(
        request(limiter, telegram, GROUP), request(limiter, telegram, PRIVATE)
    )

    assert group_done >= 20
    assert private_done < 1
    assert [chat for _, chat in telegram.sent] == [PRIVATE, GROUP]


async def test_a_429_beyond_the_retries_reaches_the_caller(time: VirtualTime) -> None:
    limiter, telegram = limiter_on(time, max_retries=2), Telegram(time)
    telegram.refuse[OTHER_PRIVATE] = [1, 1, 1]

    with pytest.raises(RetryAfter):
        await time.run(request(limiter, telegram, OTHER_PRIVATE))

    assert telegram.sent == []
    assert not limiter.congested(OTHER_PRIVATE)  # the caller decides when to try again


async def test_requests_without_a_chat_and_chat_actions_are_not_counted(
    time: VirtualTime,
) -> None:
    limiter, telegram = limiter_on(time), Telegram(time)
    await time.run(*(request(limiter, telegram, GROUP, "sendChatAction") for _ in range(30)))

    result = await limiter.process_request(telegram.send, (PRIVATE,), {}, "getMe", {}, None)

    assert result is True
    assert not limiter.congested(GROUP)


async def test_closing_refuses_at_once_what_still_waits(time: VirtualTime) -> None:
    limiter, telegram = limiter_on(time), Telegram(time)
    await time.run(*(request(limiter, telegram, GROUP) for _ in range(20)))

    async def close_after_a_second() -> float:
        await time.sleep(1)
        limiter.close()
        return time.now

    with pytest.raises(RateLimiterClosed):
        await time.run(close_after_a_second(), request(limiter, telegram, GROUP))

    assert len(telegram.sent) == 20
    assert time.now < 2  # not the rest of the group's minute
