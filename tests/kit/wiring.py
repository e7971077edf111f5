"""Give the real bot the kit's clocks and sleep: what a test builds it from, as parameters.

A test's fixtures fill one BotWiring (a clock the test moves, a sleep that records, jobs off);
the bot is built from it when it starts, so each fixture is requested before `bot`. The
exchange client's backoff never waits in a test: it records its delays, asked for or not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram.ext import Application

from app import build_application
from config import Settings
from services.clock_steps import boot_time
from services.rate_limit import ChatRateLimiter
from services.wiring import Clocks
from tests.kit.clocks import FakeClock, ManualMonotonic, RecordedSleep


@dataclass
class BotWiring:
    """The clocks, the sleep and the switches the real bot is built with in a test."""

    clock: FakeClock
    elapsed: Callable[[], float] | None = None  # steps are told apart by it: the clock's own
    cache: Callable[[], float] = time.monotonic
    boot: Callable[[], float] = boot_time
    exchange_time: Callable[[], float] = time.time
    auth: Callable[[], float] = time.monotonic
    backoff: Callable[[float], Awaitable[None]] = field(default_factory=RecordedSleep)
    guard: Callable[[], float] = time.monotonic
    token_retry: Callable[[float], Awaitable[None]] = asyncio.sleep  # tests count the tries
    charts: Callable[[], float] = time.monotonic
    jobs: bool = True
    rate_limiter: ChatRateLimiter | None = None

    def record_backoff(self) -> RecordedSleep:
        """Build the bot's exchange client with a backoff that records its delays instantly."""
        sleep = RecordedSleep()
        self.backoff = sleep
        return sleep

    def hand_cache_clock(self, *, tick: float = 0.0) -> ManualMonotonic:
        """Build the bot's portfolio service (its 5 s balance cache) on a clock the test moves."""
        clock = ManualMonotonic(tick=tick)
        self.cache = clock
        return clock

    def hand_auth_clock(self) -> ManualMonotonic:
        """Build the exchange client's key pauses and permission re-checks on a clock to move."""
        clock = ManualMonotonic()
        self.auth = clock
        return clock

    def hand_boot_clock(self) -> ManualMonotonic:
        """Build the bot's daily summaries on a boot clock (real time, never stepped) to move."""
        boot = ManualMonotonic(now=50_000.0)
        self.boot = boot
        return boot

    def hand_chart_clock(self) -> ManualMonotonic:
        """Build the bot's daily prices (the chart server's budget and backoff) on a clock the
        test moves by hand."""
        charts = ManualMonotonic()
        self.charts = charts
        return charts

    def clocks(self) -> Clocks:
        """Return the clocks and the sleep the bot's services are built on."""
        return Clocks(
            wall=self.clock,
            elapsed=self.elapsed or self.clock.elapsed,
            cache=self.cache,
            boot=self.boot,
            exchange_time=self.exchange_time,
            auth=self.auth,
            backoff=self.backoff,
            guard=self.guard,
            token_retry=self.token_retry,
            charts=self.charts,
        )

    def build(self, settings: Settings) -> Application:  # type: ignore[type-arg]
        """Return the real bot with `settings`, built on this wiring."""
        return build_application(
            settings, clocks=self.clocks(), jobs=self.jobs, rate_limiter=self.rate_limiter
        )
