"""Telegram's flood control for sent messages: overall, per chat and per group."""

from __future__ import annotations

import collections
import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class FloodControl:
    """Decide whether a message may be sent now, and if not, how long to wait.

    Limits: `overall_per_second` messages in any second across all chats; per chat a token
    bucket refilled at `chat_per_second` with `chat_burst` tokens; per group (negative chat
    id) `group_per_minute` messages in any 60 seconds.
    """

    def __init__(
        self,
        *,
        overall_per_second: int = 30,
        chat_per_second: float = 1.0,
        chat_burst: int = 3,
        group_per_minute: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Set the limits; `clock` is injectable for tests."""
        self.overall_per_second = overall_per_second
        self.chat_per_second = chat_per_second
        self.chat_burst = chat_burst
        self.group_per_minute = group_per_minute
        self._clock = clock
        self._overall: collections.deque[float] = collections.deque()
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, collections.deque[float]] = collections.defaultdict(
            collections.deque
        )

    def acquire(self, chat_id: int) -> int | None:
        """Record a message to `chat_id` and return None, or return seconds to wait (>= 1)."""
        now = self._clock()
        waits: list[float] = []

        _forget_before(self._overall, now - 1.0)
        if len(self._overall) >= self.overall_per_second:
            waits.append(self._overall[0] + 1.0 - now)

        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = _Bucket(float(self.chat_burst), now)
        tokens = min(
            float(self.chat_burst), bucket.tokens + (now - bucket.updated) * self.chat_per_second
        )
        if tokens < 1.0:
            waits.append((1.0 - tokens) / self.chat_per_second)

        group = self._groups[chat_id] if chat_id < 0 else None
        if group is not None:
            _forget_before(group, now - 60.0)
            if len(group) >= self.group_per_minute:
                waits.append(group[0] + 60.0 - now)

        if waits:
            return max(1, math.ceil(max(waits)))
        bucket.tokens, bucket.updated = tokens - 1.0, now
        self._overall.append(now)
        if group is not None:
            group.append(now)
        return None


def _forget_before(times: collections.deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()
