"""Clocks the test moves by hand, and a sleep that records its delays instead of waiting."""

from __future__ import annotations

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
