"""A Monitor on a stub exchange, a real Store and a FakeClock: what its unit tests poll."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from balance_bot.core.notify import NotificationKind
from balance_bot.services.clock_steps import WallSteps
from balance_bot.services.monitor import Monitor
from balance_bot.services.moves import MoveWatch
from balance_bot.services.roster import Roster
from balance_bot.store.models import OutboxItem
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock
from tests.kit.services import StubExchange, chat_views, open_store, unit_settings


@dataclass
class Polled:
    """A Monitor and what it is built on."""

    monitor: Monitor
    exchange: StubExchange
    store: Store
    clock: FakeClock
    moves: MoveWatch

    async def owed(self) -> list[OutboxItem]:
        """Return every message waiting in the outbox now."""
        return await self.store.due_notifications(self.clock.now, limit=100)

    async def alerts(self) -> list[OutboxItem]:
        """Return the threshold messages waiting in the outbox."""
        return [item for item in await self.owed() if item.kind is NotificationKind.THRESHOLD]

    def set_price(self, pair: str, last: str) -> None:
        """Change one pair's last price."""
        self.exchange.tickers = [
            dataclasses.replace(t, last=Decimal(last)) if t.pair == pair else t
            for t in self.exchange.tickers
        ]

    async def poll_every(self, minutes: int, times: int) -> None:
        """Advance the clock by `minutes` and poll, `times` times."""
        for _ in range(times):
            self.clock.advance(minutes=minutes)
            await self.monitor.poll()


@contextlib.asynccontextmanager
async def polled_monitor(tmp_path: Path) -> AsyncIterator[Polled]:
    """Build the Monitor on the kit's documented account, its store under `tmp_path`."""
    clock = FakeClock()
    settings = unit_settings(tmp_path)
    exchange = StubExchange()
    async with open_store(tmp_path, clock) as store:
        views = chat_views(store, settings, clock)
        portfolio = exchange.portfolio(clock)
        steps, moves = WallSteps(clock, clock.elapsed), MoveWatch(store)
        roster = Roster(settings.allowed_chat_ids)
        monitor = Monitor(
            settings, portfolio, store, views, clock, roster, steps=steps, moves=moves
        )
        yield Polled(monitor, exchange, store, clock, moves)
