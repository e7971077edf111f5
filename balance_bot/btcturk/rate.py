"""Keep each endpoint under its request quota by waiting, never by being refused.

BTCTurk counts requests per IP in a fixed window that opens with the first request. A sliding
log of the last `limit` send times keeps every span of `period` seconds, wherever the
exchange's window falls, at `limit` requests or fewer; `slack_s` covers the latency that moves
a request's arrival later than its sending.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quota:
    """At most `limit` requests in any `period_s` seconds."""

    limit: int
    period_s: float


class RateBudget:
    """Per-path request quotas: `acquire(path)` waits on the injected sleep until one is free."""

    def __init__(
        self,
        quotas: Mapping[str, Quota],
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        slack_s: float = 1.0,
    ) -> None:
        for path, quota in quotas.items():
            if quota.limit < 1 or quota.period_s <= 0:
                raise ValueError(f"a quota needs a positive limit and period: {path}")
        self._quotas = dict(quotas)
        self._monotonic = monotonic
        self._sleep = sleep
        self._slack_s = slack_s
        self._sent: dict[str, collections.deque[float]] = {
            path: collections.deque(maxlen=quota.limit) for path, quota in quotas.items()
        }
        self._locks = {path: asyncio.Lock() for path in quotas}

    def covers(self, path: str) -> bool:
        """Return whether `path` has a quota."""
        return path in self._quotas

    def wait_s(self, path: str) -> float:
        """Return how long a request to `path` would wait now (0 for a path without a quota)."""
        quota = self._quotas.get(path)
        sent = self._sent.get(path)
        if quota is None or sent is None or len(sent) < quota.limit:
            return 0.0
        return max(0.0, sent[0] + quota.period_s + self._slack_s - self._monotonic())

    async def acquire(self, path: str) -> None:
        """Return when a request to `path` may go out, and count it as sent."""
        if path not in self._quotas:
            return
        async with self._locks[path]:
            wait = self.wait_s(path)
            if wait > 0:
                await self._sleep(wait)
            sent = self._sent[path]
            quota = self._quotas[path]
            earliest = sent[0] + quota.period_s + self._slack_s if len(sent) == quota.limit else 0.0
            sent.append(max(self._monotonic(), earliest))
