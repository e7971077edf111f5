"""When to reconnect to BTCTurk's WebSocket feed: backoff with jitter, under its attempt cap.

The exchange allows at most 15 connection attempts a minute and then blocks the IP for 60 s.
The policy keeps well under it: exponential backoff with jitter after each failure, and never
more than `budget` (12) attempts in any `window_s` (60 s), however the jitter falls and even
when every connection succeeds and drops at once. A refused handshake (HTTP 429) waits out the
exchange's block. Pure: time is passed in and the random source is injected.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

EXCHANGE_LIMIT = 15  # connection attempts a minute, then blocked for 60 s
BUDGET = 12
WINDOW_S = 60.0
BLOCKED_S = 60.0
MARGIN_S = 1.0  # past the window's end, so no closed 60 s window holds more than the budget


class ReconnectPolicy:
    """Say how long to wait before the next connection attempt."""

    def __init__(
        self,
        random: Callable[[], float],
        *,
        base_s: float = 1.0,
        cap_s: float = 120.0,
        budget: int = BUDGET,
        window_s: float = WINDOW_S,
        blocked_s: float = BLOCKED_S,
    ) -> None:
        if not 0 < budget < EXCHANGE_LIMIT:
            raise ValueError(f"budget must be between 1 and {EXCHANGE_LIMIT - 1}")
        if base_s <= 0 or cap_s < base_s:
            raise ValueError("backoff needs 0 < base_s <= cap_s")
        self._random = random
        self.base_s = base_s
        self.cap_s = cap_s
        self.budget = budget
        self.window_s = window_s
        self.blocked_s = blocked_s
        self.failures = 0
        self._attempts: deque[float] = deque(maxlen=budget)

    def attempted(self, now: float) -> None:
        """Note a connection attempt made at `now` (seconds, any monotonic origin)."""
        self._attempts.append(now)

    def failed(self) -> None:
        """Count a failed or short-lived connection: the next wait grows."""
        self.failures += 1

    def stable(self) -> None:
        """Forget the failures: a connection stayed up long enough to count as healthy."""
        self.failures = 0

    def delay(self, now: float, *, blocked: bool = False) -> float:
        """Return the seconds to wait from `now` before the next attempt.

        No failure yet: up to `base_s` of jitter, so many bots do not reconnect in step. After
        n failures: between half and all of min(cap, base * 2**(n-1)). `blocked` (an HTTP 429)
        waits at least `blocked_s`. The attempt budget of the window is always kept.
        """
        if self.failures == 0:
            wait = self._random() * self.base_s
        else:
            ceiling = min(self.cap_s, self.base_s * 2.0 ** min(self.failures - 1, 32))
            wait = ceiling / 2.0 + self._random() * ceiling / 2.0
        if blocked:
            wait = max(wait, self.blocked_s)
        if len(self._attempts) >= self.budget:
            # The oldest of the last `budget` attempts must leave the window first.
            wait = max(wait, self._attempts[0] + self.window_s + MARGIN_S - now)
        return max(0.0, wait)
