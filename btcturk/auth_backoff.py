"""Pause signed requests after BTCTurk refuses the key: it blocks IPs after ~50 refusals."""

from __future__ import annotations

import time
from collections.abc import Callable

FIRST_PAUSE_S = 120.0
LONGEST_PAUSE_S = 3600.0


class AuthBackoff:
    """Allow a signed request now, or say how long to wait after refusals (2 min … 1 h)."""

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        first_pause_s: float = FIRST_PAUSE_S,
    ) -> None:
        self.monotonic = monotonic
        self.first_pause_s = first_pause_s
        self.refusals = 0
        self._until = float("-inf")

    def wait_s(self) -> float:
        """Return the seconds before the next signed request may go out (0: now)."""
        return max(0.0, self._until - self.monotonic())

    def refused(self) -> None:
        """Count a refusal and pause for twice as long as the last time, at most an hour."""
        pause = min(LONGEST_PAUSE_S, self.first_pause_s * 2.0**self.refusals)
        self.refusals += 1
        self._until = self.monotonic() + pause

    def accepted(self) -> None:
        """Forget the refusals: the key works."""
        self.refusals = 0
        self._until = float("-inf")
