"""Telegram's flood limits, kept per chat: one chat's wait never holds up another chat.

Every request that names a chat waits in that chat's own queue (first come, first served),
then for a slot in the overall pace (29 a second across all chats). Messages to a group also
keep to 20 in any minute. A 429 `RetryAfter` holds only the chat it was answered for.
Requests that name no chat (getMe, answerCallbackQuery, ...) are not limited.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

OVERALL_PER_S = 29  # Telegram: about 30 a second in all; an even pace never puts 31 in a second
GROUP_PER_MINUTE = 20
GROUP_WINDOW_S = 60.0
MAX_RETRIES = 3
RETRY_MARGIN_S = 0.1
MAX_IDLE_LANES = 512
UNCOUNTED = frozenset({"sendChatAction"})  # a hint, not a message: not in the group's 20

Result = bool | dict[str, Any] | list[dict[str, Any]]


class RateLimiterClosed(NetworkError):
    """The bot is stopping: a request still waiting for its turn is not sent."""


@dataclass
class _Lane:
    """One chat's queue: the request being sent holds the lock, the others wait for it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    held_until: float = 0.0
    sent: collections.deque[float] = field(default_factory=collections.deque)


class ChatRateLimiter(BaseRateLimiter[int]):
    """Pace requests per chat and overall; `rate_limit_args` overrides the retries of a 429."""

    def __init__(
        self,
        *,
        overall_per_s: float = OVERALL_PER_S,
        group_per_minute: int = GROUP_PER_MINUTE,
        max_retries: int = MAX_RETRIES,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / overall_per_s + 1e-6  # never 30 in a second by rounding
        self._group_per_minute = group_per_minute
        self._max_retries = max_retries
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = 0.0
        self._lanes: dict[int | str, _Lane] = {}
        self._closed = asyncio.Event()

    async def initialize(self) -> None:
        """Accept requests (again, after a shutdown)."""
        self._closed = asyncio.Event()

    async def shutdown(self) -> None:
        """Refuse the requests still waiting, as close() does."""
        self.close()

    def close(self) -> None:
        """Make every request that waits for its turn fail at once (the bot is stopping)."""
        self._closed.set()

    def congested(self, chat_id: int) -> bool:
        """Tell whether a message to `chat_id` would have to wait for its turn now."""
        lane = self._lanes.get(chat_id)
        return lane is not None and self._wait_s(chat_id, lane, "sendMessage") > 0

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send the request when its chat's turn comes; retry a 429 after its `retry_after`."""
        chat = _chat_key(data.get("chat_id"))
        if chat is None:
            return await callback(*args, **kwargs)
        retries = self._max_retries if rate_limit_args is None else rate_limit_args
        lane = self._lane(chat)
        async with lane.lock:
            for attempt in range(retries + 1):
                await self._wait_turn(chat, lane, endpoint)
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as error:
                    if attempt == retries:
                        raise  # the caller retries, when it sees fit
                    delay_s = retry_after_s(error) + RETRY_MARGIN_S
                    lane.held_until = self._monotonic() + delay_s
                    log.info("Telegram asked to wait %.1f s before chat %s", delay_s, chat)
                finally:
                    if _counted(chat, endpoint):
                        lane.sent.append(self._monotonic())
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_turn(self, chat: int | str, lane: _Lane, endpoint: str) -> None:
        """Wait for the chat's own limits, then take the next slot of the overall pace."""
        while (wait_s := self._wait_s(chat, lane, endpoint)) > 0:
            await self._pause(wait_s)
        now = self._monotonic()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await self._pause(slot - now)

    async def _pause(self, seconds: float) -> None:
        """Sleep `seconds`, or less if the limiter is closed meanwhile (then raise)."""
        self._check_open()
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        closed = asyncio.ensure_future(self._closed.wait())
        try:
            await asyncio.wait({sleeper, closed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            closed.cancel()
        self._check_open()

    def _wait_s(self, chat: int | str, lane: _Lane, endpoint: str) -> float:
        """Return how long the chat must still wait: a 429's hold, or a full group minute."""
        now = self._monotonic()
        while lane.sent and lane.sent[0] <= now - GROUP_WINDOW_S:
            lane.sent.popleft()
        wait_s = lane.held_until - now
        if _counted(chat, endpoint) and len(lane.sent) >= self._group_per_minute:
            wait_s = max(wait_s, lane.sent[-self._group_per_minute] + GROUP_WINDOW_S - now)
        return wait_s

    def _check_open(self) -> None:
        if self._closed.is_set():
            raise RateLimiterClosed("the bot is stopping; not sent")

    def _lane(self, chat: int | str) -> _Lane:
        lane = self._lanes.get(chat)
        if lane is None:
            if len(self._lanes) >= MAX_IDLE_LANES:
                self._forget_idle_lanes()
            lane = self._lanes[chat] = _Lane()
        return lane

    def _forget_idle_lanes(self) -> None:
        now = self._monotonic()
        for key, lane in list(self._lanes.items()):
            idle = not lane.lock.locked() and lane.held_until <= now
            if idle and (not lane.sent or lane.sent[-1] <= now - GROUP_WINDOW_S):
                del self._lanes[key]


def _chat_key(chat_id: object) -> int | str | None:
    """Return the chat a request is for: an integer ID, an @username, or None."""
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        return int(str(chat_id))
    return str(chat_id)


def _counted(chat: int | str, endpoint: str) -> bool:
    """Tell whether a request counts towards a group's 20 messages a minute."""
    is_group = isinstance(chat, str) or chat < 0
    return is_group and endpoint not in UNCOUNTED


def retry_after_s(error: RetryAfter) -> float:
    """Return a 429's retry_after in seconds (a timedelta under PTB_TIMEDELTA=1, set by app)."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
