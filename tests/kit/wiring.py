"""Build the real bot on the kit's clocks, sleeps and timeouts: what a test starts it with.

A test's fixtures fill one BotWiring (a clock the test moves, a sleep that records, shorter
timeouts, jobs off) before the bot starts; `start()` hands it to `open_bot()`, the bot's one
way to start, so each fixture is requested before `bot`. Nothing is changed in a running bot:
a clock it should read, a sleep it should record, is handed in here. The exchange client's
backoff never waits in a test: it records its delays, asked for or not.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from balance_bot.config import Settings
from balance_bot.lifecycle import RunningBot, open_bot
from balance_bot.services.charts import ChartRenderer, render_portfolio_chart
from balance_bot.services.clocks import TIMEOUTS, Clocks, Timeouts
from balance_bot.services.wiring import Wiring
from balance_bot.store.database import Database
from balance_bot.telegram_io.rate_limit import ChatRateLimiter
from tests.kit.clocks import FakeClock, ManualMonotonic, RecordedSleep


@dataclass
class BotWiring:
    """The clocks, sleeps, timeouts and switches the real bot is built with in a test."""

    clock: FakeClock
    clocks: Clocks = field(init=False)  # the host's, but for the wall clock and the backoff
    timeouts: Timeouts = TIMEOUTS
    jobs: bool = True
    open_database: Callable[[Path], Awaitable[Database]] = Database.open
    render_chart: ChartRenderer = render_portfolio_chart
    rate_limiter: ChatRateLimiter | None = None

    def __post_init__(self) -> None:
        self.clocks = Clocks(wall=self.clock, elapsed=self.clock.elapsed, backoff=RecordedSleep())

    def use(self, **clocks: Any) -> None:
        """Build the bot on these clocks or sleeps instead (names as in `Clocks`)."""
        self.clocks = dataclasses.replace(self.clocks, **clocks)

    def time_out(self, **timeouts: float) -> None:
        """Build the bot with these timeouts instead (names as in `Timeouts`)."""
        self.timeouts = dataclasses.replace(self.timeouts, **timeouts)

    def record_backoff(self) -> RecordedSleep:
        """Build the bot's exchange client with a backoff that records its delays instantly."""
        sleep = RecordedSleep()
        self.use(backoff=sleep)
        return sleep

    def hand_cache_clock(self, *, tick: float = 0.0) -> ManualMonotonic:
        """Build the bot's portfolio service (its 5 s balance cache) on a clock the test moves."""
        clock = ManualMonotonic(tick=tick)
        self.use(cache=clock)
        return clock

    def hand_auth_clock(self) -> ManualMonotonic:
        """Build the exchange client's key pauses and permission re-checks on a clock to move."""
        clock = ManualMonotonic()
        self.use(auth=clock)
        return clock

    def hand_boot_clock(self) -> ManualMonotonic:
        """Build the bot's daily summaries on a boot clock (real time, never stepped) to move."""
        boot = ManualMonotonic(now=50_000.0)
        self.use(boot=boot)
        return boot

    def hand_chart_clock(self) -> ManualMonotonic:
        """Build the bot's daily prices (the chart server's budget and backoff) on a clock the
        test moves by hand."""
        charts = ManualMonotonic()
        self.use(charts=charts)
        return charts

    def wiring(self) -> Wiring:
        """Return what `open_bot()` builds the bot with."""
        return Wiring(
            clocks=self.clocks,
            timeouts=self.timeouts,
            jobs=self.jobs,
            open_database=self.open_database,
            render_chart=self.render_chart,
            rate_limiter=self.rate_limiter,
        )

    def start(self, settings: Settings) -> contextlib.AbstractAsyncContextManager[RunningBot]:
        """Return the real bot with `settings`, built on this wiring, to run in `async with`."""
        return open_bot(settings, self.wiring())
