"""The real Application against the fake exchange and the fake Bot API, on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from balance_bot.config import Settings, load_settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import FakeTelegram, SentMessage
from balance_bot.services.context import Services
from balance_bot.services.monitor import PollOutcome
from tests.kit.clocks import FakeClock, ManualMonotonic, RecordedSleep
from tests.kit.env import ALLOWED_CHAT, ALLOWED_GROUP, environment_on_fakes
from tests.kit.wiring import BotWiring

__all__ = ["ALLOWED_CHAT", "ALLOWED_GROUP", "FakeClock"]  # imported from here by the e2e tests
STRANGER = 424242
REPLY_TIMEOUT_S = 20.0  # generous: CI is a busy 2-core machine


@dataclass
class BotHarness:
    """A running bot plus the two fakes it talks to."""

    application: Application  # type: ignore[type-arg]
    services: Services
    telegram: FakeTelegram
    exchange: FakeBtcTurk
    clock: FakeClock

    async def ask(
        self, text: str, *, chat_id: int = ALLOWED_CHAT, replies: int = 1, **send: Any
    ) -> list[SentMessage]:
        """Send `text` from `chat_id` and return the bot's first `replies` messages to it."""
        since = len(self.telegram.sent)
        self.telegram.send_text(chat_id, text, **send)
        return await self.telegram.wait_for_messages(
            chat_id, count=replies, since=since, timeout=REPLY_TIMEOUT_S
        )


@pytest.fixture
async def exchange() -> AsyncIterator[FakeBtcTurk]:
    async with FakeBtcTurk() as server:
        yield server


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wiring(clock: FakeClock) -> BotWiring:
    """Return what the bot is built with: the test's clock; fixtures add their clocks and sleep."""
    return BotWiring(clock)


@pytest.fixture
def make_settings(
    exchange: FakeBtcTurk, telegram: FakeTelegram, tmp_path: Path
) -> Callable[..., Settings]:
    """Return a builder of Settings pointed at the fakes; keyword arguments override variables."""

    def build(**overrides: str) -> Settings:
        return load_settings(
            environment_on_fakes(exchange, telegram, tmp_path / "data", **overrides)
        )

    return build


@pytest.fixture
def start_bot(
    exchange: FakeBtcTurk, telegram: FakeTelegram, wiring: BotWiring
) -> Callable[[Settings], Any]:
    """Return a context manager factory that runs the real bot with `settings`."""

    def start(settings: Settings) -> Any:
        return _started(settings, exchange, telegram, wiring)

    return start


class _started:
    def __init__(
        self, settings: Settings, exchange: FakeBtcTurk, telegram: FakeTelegram, wiring: BotWiring
    ) -> None:
        self._running = wiring.start(settings)
        self._parts = (exchange, telegram, wiring.clock)

    async def __aenter__(self) -> BotHarness:
        running = await self._running.__aenter__()
        exchange, telegram, clock = self._parts
        return BotHarness(running.application, running.services, telegram, exchange, clock)

    async def __aexit__(self, *exc: object) -> None:
        await self._running.__aexit__(*exc)  # type: ignore[arg-type]


@pytest.fixture
async def bot(
    make_settings: Callable[..., Settings], start_bot: Callable[[Settings], Any]
) -> AsyncIterator[BotHarness]:
    """Run the bot with default test settings for the length of one test."""
    async with start_bot(make_settings()) as harness:
        yield harness


def services_of(harness: BotHarness) -> Services:
    """Return the services the running bot shares between handlers and jobs."""
    return harness.services


async def poll(harness: BotHarness) -> PollOutcome:
    """Run one poll and one delivery round, as the poll job does."""
    services = services_of(harness)
    outcome = await services.monitor.poll()
    await services.deliverer.deliver_due()
    return outcome


def sent_to(harness: BotHarness, chat_id: int, prefix: str = "") -> list[SentMessage]:
    """Return the messages sent to `chat_id` whose visible text starts with `prefix`."""
    return [
        m for m in harness.telegram.sent if m.chat_id == chat_id and m.plain_text.startswith(prefix)
    ]


@pytest.fixture
def backoff(wiring: BotWiring) -> RecordedSleep:
    """Build the bot's exchange client with a backoff that records its delays instantly."""
    return wiring.record_backoff()


@pytest.fixture
def cache_clock(wiring: BotWiring) -> ManualMonotonic:
    """Build the bot's portfolio service on a monotonic clock the test moves by hand."""
    return wiring.hand_cache_clock()


@pytest.fixture
def boot_clock(wiring: BotWiring) -> ManualMonotonic:
    """Build the bot's daily summaries on a boot clock the test moves (request before `bot`)."""
    return wiring.hand_boot_clock()


@pytest.fixture
def chart_clock(wiring: BotWiring) -> ManualMonotonic:
    """Build the bot's daily prices on a monotonic clock the test moves (request before `bot`)."""
    return wiring.hand_chart_clock()
