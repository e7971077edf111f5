"""Hold back after BTCTurk refuses the key or a permission: it blocks IPs after ~50 refusals.

    AuthBackoff       the key refused altogether: the next signed request waits 5 s, doubling
                      while refusals go on, up to an hour; never more than `BUDGET` refused
                      requests (of any kind) in any hour
    PermissionLatch   one permission refused (Account, for the history): asked again hours
                      later, or at once when reopened (the owner asked, or the key came back)
    Spacing           at most once a minute: what an owner's request may cost

Pure: the clock is injected, nothing here sleeps or sends.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

FIRST_PAUSE_S = 5.0
LONGEST_PAUSE_S = 3600.0
BUDGET = 15  # refused requests in any WINDOW_S; BTCTurk blocks an IP after about 50
WINDOW_S = 3600.0
OWNER_GAP_S = 60.0  # an owner's command tries a refused key (or permission) once a minute


class Spacing:
    """Allow something at most once per `gap_s`."""

    def __init__(self, monotonic: Callable[[], float], gap_s: float) -> None:
        self._monotonic = monotonic
        self.gap_s = gap_s
        self._last = float("-inf")

    def wait_s(self) -> float:
        """Return the seconds before it is allowed again (0: now)."""
        return max(0.0, self._last + self.gap_s - self._monotonic())

    def take(self) -> bool:
        """Return whether it is allowed now, and if so count it."""
        if self.wait_s() > 0:
            return False
        self._last = self._monotonic()
        return True


class AuthBackoff:
    """Say when a signed request may go out after BTCTurk refused the key.

    After a refusal the next try waits `first_pause_s`, then twice as long after each further
    refusal, up to an hour; a request that works forgets them. While the key is refused one
    try goes out at a time: a caller reserves it (`reserve`), then sends it. Every refused
    request, the history's included (`note_refusal`), counts in a sliding hour that never
    holds more than `budget`. An owner's command may bring the next try forward to now
    (`owner_try`), once per `owner_gap_s`, within the same budget.
    """

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        *,
        first_pause_s: float = FIRST_PAUSE_S,
        budget: int = BUDGET,
        window_s: float = WINDOW_S,
        owner_gap_s: float = OWNER_GAP_S,
    ) -> None:
        if budget < 1 or first_pause_s <= 0:
            raise ValueError("the backoff needs a budget and a first pause")
        self.monotonic = monotonic
        self.first_pause_s = first_pause_s
        self.budget = budget
        self.window_s = window_s
        self.refusals = 0  # in a row, since the key last worked
        self._until = float("-inf")
        self._refused_at: deque[float] = deque()
        self._reserved = False
        self._owner = Spacing(monotonic, owner_gap_s)

    @property
    def paused(self) -> bool:
        """Tell whether the key was refused and has not worked since."""
        return self.refusals > 0

    def wait_s(self) -> float:
        """Return the seconds before the next signed request may go out (0: now)."""
        now = self.monotonic()
        return max(0.0, self._until - now, self._budget_free_at(now) - now)

    def reserve(self, max_wait_s: float) -> float | None:
        """Reserve the next request: return the seconds to wait before sending it (0: now).

        None when another caller holds the try, or it is more than `max_wait_s` away. A
        working key needs no reservation: its requests go out side by side.
        """
        if self._reserved:
            return None
        wait = self.wait_s()
        if wait > max_wait_s:
            return None
        self._reserved = self.paused or wait > 0
        return wait

    def release(self) -> None:
        """End a reservation whose request said nothing of the key (a timeout, a 5xx)."""
        self._reserved = False

    def refused(self) -> None:
        """Count a refusal of the key: the next try waits twice as long, at most an hour."""
        now = self.monotonic()
        self._count(now)
        self.refusals += 1
        pause = self.first_pause_s * 2.0 ** min(self.refusals - 1, 32)
        self._until = now + min(LONGEST_PAUSE_S, pause)
        self._reserved = False

    def accepted(self) -> bool:
        """Forget the refusals: the key works. Return True when it had been refused."""
        back = self.paused
        self.refusals = 0
        self._until = float("-inf")
        self._reserved = False
        return back

    def note_refusal(self) -> None:
        """Count a refused request that does not pause the key (a permission the key lacks)."""
        self._count(self.monotonic())

    def owner_try(self) -> bool:
        """Let an owner's command try the refused key now; return whether it may.

        At most once per `owner_gap_s`, never past the budget, never beside a try in flight.
        """
        if not self.paused or self._reserved:
            return False
        now = self.monotonic()
        if self._budget_free_at(now) > now or not self._owner.take():
            return False
        self._until = min(self._until, now)
        return True

    def _count(self, now: float) -> None:
        self._refused_at.append(now)
        self._forget(now)

    def _forget(self, now: float) -> None:
        while self._refused_at and self._refused_at[0] <= now - self.window_s:
            self._refused_at.popleft()

    def _budget_free_at(self, now: float) -> float:
        """Return when the sliding window holds fewer refusals than the budget again."""
        self._forget(now)
        if len(self._refused_at) < self.budget:
            return float("-inf")
        return self._refused_at[-self.budget] + self.window_s


class PermissionLatch:
    """A permission the exchange refused: not asked again for `recheck_s`, unless reopened.

    `refused` stays true until the exchange answers again, so /status keeps saying it while
    a reopened latch waits for the next request.
    """

    def __init__(
        self,
        monotonic: Callable[[], float],
        recheck_s: float,
        *,
        owner_gap_s: float = OWNER_GAP_S,
    ) -> None:
        self._monotonic = monotonic
        self.recheck_s = recheck_s
        self.refused = False
        self._until = float("-inf")
        self._owner = Spacing(monotonic, owner_gap_s)

    def wait_s(self) -> float:
        """Return the seconds before the permission may be asked again (0: now)."""
        return max(0.0, self._until - self._monotonic())

    def close(self) -> None:
        """The exchange refused the permission: ask again only after `recheck_s`."""
        self.refused = True
        self._until = self._monotonic() + self.recheck_s

    def answered(self) -> None:
        """The exchange granted it."""
        self.refused = False
        self._until = float("-inf")

    def reopen(self, *, owner: bool = False) -> bool:
        """Let the next request ask again now; return whether the latch was closed.

        An owner's request reopens it at most once per `owner_gap_s`; a success elsewhere (the
        key works again) whenever it happens.
        """
        if self.wait_s() == 0:
            return False
        if owner and not self._owner.take():
            return False
        self._until = float("-inf")
        return True
