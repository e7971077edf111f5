"""Clocks the test moves by hand, and sleeps that record their delays: waiting for nothing, a
scale of the delay, on a hand clock (virtual time), or until cancelled."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class FakeClock:
    """A wall clock the test moves by hand: time passes (`advance`), or the clock steps."""

    # 08:00 in Istanbul: before the default summary time, so no summary is due by surprise.
    now: datetime = field(default_factory=lambda: datetime(2026, 11, 25, 5, 0, tzinfo=UTC))
    stepped: timedelta = timedelta(0)  # how far step() moved it, with no time passing

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Let time pass (or, backwards, take it back): the clock moves, nothing stepped."""
        self.now += timedelta(**delta)

    def step(self, **delta: float) -> None:
        """Step the clock as NTP or a restored VM does: no time passes."""
        self.now += timedelta(**delta)
        self.stepped += timedelta(**delta)

    def elapsed(self) -> float:
        """Return seconds of time passed, which steps do not move (the boot clock's part)."""
        return (self.now - self.stepped).timestamp()


@dataclass
class ManualMonotonic:
    """A clock in seconds the test moves by hand; each reading first adds `tick` seconds.

    A zero tick stands still between the test's moves; a small one (1 ms) keeps two readings
    from ever being equal, as a real monotonic clock's are not.
    """

    now: float = 1_000.0
    tick: float = 0.0

    def __call__(self) -> float:
        self.now += self.tick
        return self.now


class RecordedSleep:
    """Stand in for asyncio.sleep: record each delay, wait for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class ScaledSleep:
    """Stand in for asyncio.sleep: record each delay, and wait a `scale` of it for real.

    For a loop whose waits are its pace: it runs as written, only faster (1 s takes 10 ms at
    the default scale), and still yields to the event loop between its turns.
    """

    def __init__(self, scale: float = 0.01) -> None:
        self.scale = scale
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(delay * self.scale)


class AdvancingSleep:
    """Stand in for asyncio.sleep on a ManualMonotonic: a wait moves the clock, not real time.

    What paces itself by that clock (a rate limiter's turns and holds) sees the time pass that
    it waited for, at once; each wait still yields to the event loop.
    """

    def __init__(self, clock: ManualMonotonic) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.clock.now += max(delay, 0.0)
        await asyncio.sleep(0)


class EndlessSleep:
    """Stand in for asyncio.sleep: record each delay, then wait until cancelled.

    A wait that never ends on its own shows that what stops the bot ends the wait, however
    long the real one would be.
    """

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.cancelled = 0
        self._entered = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self._entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise

    async def entered(self) -> None:
        """Return once a wait has begun."""
        await self._entered.wait()
