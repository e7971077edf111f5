"""The bot's life cycle: `open_bot()` closes what it opened, in reverse, however it ends.

A failure inside a running bot surfaces as itself after a clean stop; a stop closes Telegram's
sessions (after the Application stopped, while the exchange's session is still open), then
the exchange's session, DATA_DIR's lock and the database; a failed start-up (the database
failing its first read, the token refused, DATA_DIR held by another bot) and a start-up
cancelled while Telegram is unreachable leave nothing open. What is open is read from the
objects themselves: the database and the rate limiter through subclasses that note their
closing, every aiohttp session through the garbage collector.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import aiohttp
import pytest
from telegram.error import InvalidToken

from balance_bot.config import Settings
from balance_bot.fakes.telegram import FakeTelegram
from balance_bot.lifecycle import RunningBot
from balance_bot.store.database import Database, StoreError
from balance_bot.store.lock import data_dir_lock
from balance_bot.telegram_io.rate_limit import ChatRateLimiter
from tests.kit.wiring import BotWiring

T = TypeVar("T")


@dataclass
class Closings:
    """What the bot closed, in order, and what was still open when it did."""

    order: list[str] = field(default_factory=list)
    seen: dict[str, bool] = field(default_factory=dict)
    bot: RunningBot | None = None  # set by the test once the bot runs

    def telegram_closes(self) -> None:
        self.order.append("telegram")
        if self.bot is not None:
            self.seen["application stopped"] = not self.bot.application.running
            self.seen["exchange session still open"] = not self.bot.services.session.closed

    def database_closes(self, data_dir: Path) -> None:
        self.order.append("database")
        self.seen["lock free"] = lock_is_free(data_dir)
        if self.bot is not None:
            self.seen["exchange session closed"] = self.bot.services.session.closed


class FailingDatabase(Database):
    """A database whose every read fails, as on a disk failing after the file was opened."""

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        raise StoreError(f"database {self.path} cannot be read or written (I/O error)")


@pytest.fixture
def closings(wiring: BotWiring) -> Closings:
    """Build the bot on a database and a rate limiter that note their closing."""
    closings = Closings()

    class WatchedDatabase(Database):
        async def close(self) -> None:
            closings.database_closes(self.path.parent)
            await super().close()

    class WatchedLimiter(ChatRateLimiter):
        noted = False

        async def shutdown(self) -> None:  # the Bot's shutdown: its sessions close right after
            if not self.noted:  # the Application's shutdown, the Updater's and the bot's own
                self.noted = True
                closings.telegram_closes()
            await super().shutdown()

    wiring.open_database = WatchedDatabase.open
    wiring.rate_limiter = WatchedLimiter()
    return closings


def lock_is_free(data_dir: Path) -> bool:
    """Tell whether another bot could take DATA_DIR's lock now."""
    try:
        with data_dir_lock(data_dir):
            return True
    except StoreError:
        return False


def open_sessions() -> list[aiohttp.ClientSession]:
    """Return every aiohttp client session still alive and open in this process."""
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, aiohttp.ClientSession) and not o.closed]


@contextlib.contextmanager
def nothing_left_open(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail when the block leaves an aiohttp session open, or dropped one unclosed."""
    before = {id(session) for session in open_sessions()}
    yield
    assert [s for s in open_sessions() if id(s) not in before] == []
    assert "Unclosed client session" not in caplog.text


async def test_an_error_while_running_surfaces_unchanged_and_everything_stops(
    make_settings: Callable[..., Settings], wiring: BotWiring, closings: Closings
) -> None:
    async def fail_while_running() -> RunningBot:
        async with wiring.start(make_settings()) as bot:
            closings.bot = bot
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await fail_while_running()

    assert closings.bot is not None
    bot = closings.bot
    assert not bot.application.running
    assert bot.application.updater is not None
    assert not bot.application.updater.running
    assert closings.order == ["telegram", "database"]


async def test_a_stop_closes_telegram_the_exchange_session_the_lock_then_the_database(
    make_settings: Callable[..., Settings],
    wiring: BotWiring,
    closings: Closings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with nothing_left_open(caplog):
        async with wiring.start(make_settings()) as bot:
            closings.bot = bot
            assert bot.application.running
            assert not bot.services.session.closed

    assert closings.order == ["telegram", "database"]
    assert closings.seen == {
        "application stopped": True,  # before Telegram's sessions close
        "exchange session still open": True,  # closed after Telegram's
        "lock free": True,  # before the database closes
        "exchange session closed": True,
    }
    with pytest.raises(StoreError, match="is closed"):
        await bot.services.store.db.run(lambda conn: conn.execute("SELECT 1"))


async def test_a_start_up_whose_database_fails_its_first_read_leaves_nothing_open(
    make_settings: Callable[..., Settings],
    wiring: BotWiring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    opened: list[Database] = []

    async def open_failing(path: Path) -> Database:
        opened.append(await FailingDatabase.open(path))
        return opened[-1]

    wiring.open_database = open_failing
    settings = make_settings()

    with nothing_left_open(caplog), pytest.raises(StoreError, match="I/O error"):
        async with wiring.start(settings):
            pytest.fail("the bot started on a database it cannot read")

    [database] = opened
    with pytest.raises(StoreError, match="is closed"):  # the real read, not the failing one
        await Database.run(database, lambda conn: conn.execute("SELECT 1"))
    assert lock_is_free(settings.data_dir)


async def test_a_start_up_refused_by_telegram_closes_every_session_the_lock_and_the_database(
    make_settings: Callable[..., Settings],
    wiring: BotWiring,
    telegram: FakeTelegram,
    closings: Closings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram.refuse_token()

    with nothing_left_open(caplog), pytest.raises(InvalidToken):
        async with wiring.start(make_settings()):
            pytest.fail("the bot started with a refused token")

    assert closings.order == ["telegram", "database"]
    assert closings.seen == {"lock free": True}


async def test_a_start_up_cancelled_while_telegram_is_unreachable_leaves_nothing_open(
    make_settings: Callable[..., Settings],
    wiring: BotWiring,
    telegram: FakeTelegram,
    closings: Closings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    telegram.set_down()
    retrying = asyncio.Event()

    async def wait_for_ever(delay: float) -> None:
        retrying.set()
        await asyncio.Event().wait()

    wiring.use(connect_retry=wait_for_ever)
    settings = make_settings()

    async def start() -> None:
        async with wiring.start(settings):
            pytest.fail("the bot started while Telegram was down")

    with nothing_left_open(caplog):
        task = asyncio.create_task(start())
        await asyncio.wait_for(retrying.wait(), timeout=20)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    assert closings.order == ["telegram", "database"]
    assert closings.seen == {"lock free": True}


async def test_a_second_bot_on_the_same_data_dir_closes_its_database_and_leaves_the_first(
    make_settings: Callable[..., Settings], wiring: BotWiring, closings: Closings
) -> None:
    settings = make_settings()
    async with wiring.start(settings) as first:
        with pytest.raises(StoreError, match="in use by another bot"):
            async with wiring.start(settings):
                pytest.fail("two bots on one DATA_DIR")
        assert closings.order == ["database"]  # the second's, at once
        assert first.application.running
        assert await first.services.store.count_alerts() == 0  # the first's still open

    assert closings.order == ["database", "telegram", "database"]
