"""The fault suite's harness: the e2e bot with deterministic polls, and the bot as a process.

In-process tests reuse the e2e harness (the real Application against both fakes on 127.0.0.1)
with the scheduled jobs switched off, so a test runs each poll and delivery round itself and
moves the FakeClock between them. Process tests run `python -m balance_bot` against fakes served by
the test's own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, TypeHandler

from balance_bot import app
from balance_bot.config import Settings, load_settings
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import FakeTelegram
from balance_bot.telegram_io.access import GUARD_GROUP
from balance_bot.telegram_io.rate_limit import ChatRateLimiter
from tests.e2e import conftest as e2e
from tests.e2e.conftest import REPLY_TIMEOUT_S
from tests.kit.clocks import AdvancingSleep, ManualMonotonic, RecordedSleep
from tests.kit.env import environment_on_fakes
from tests.kit.wiring import BotWiring

RecordedBackoff = RecordedSleep  # the kit's names, for tests that import them from here
__all__ = ["ManualMonotonic", "RecordedBackoff"]

# The e2e suite's fixtures: the two fakes, the FakeClock and the running bot.
exchange = e2e.exchange
telegram = e2e.telegram
clock = e2e.clock
start_bot = e2e.start_bot
bot = e2e.bot
boot_clock = e2e.boot_clock
backoff = e2e.backoff
wiring = e2e.wiring

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0  # a cold interpreter on a busy 2-core machine
QUICK_TIMEOUT_S = 0.5  # an exchange timeout for the tests that wait for one
Context = CallbackContext[Any, Any, Any, Any]
T = TypeVar("T")


# --- the bot in this process ------------------------------------------------------------------


def base_env(exchange: FakeBtcTurk, telegram: FakeTelegram, data_dir: Path) -> dict[str, str]:
    """Return the variables that point the bot at the fakes, in English, with short timeouts."""
    return environment_on_fakes(
        exchange,
        telegram,
        data_dir,
        BTCTURK_TIMEOUT_SECONDS="1",
        BTCTURK_KEY_RETRY_SECONDS="1",
    )


@pytest.fixture
def make_settings(
    exchange: FakeBtcTurk, telegram: FakeTelegram, tmp_path: Path
) -> Callable[..., Settings]:
    """Return a builder of Settings pointed at the fakes; keyword arguments override variables."""

    def build(**overrides: str) -> Settings:
        return load_settings(base_env(exchange, telegram, tmp_path / "data") | overrides)

    return build


def timing_out(settings: Settings) -> Settings:
    """Return `settings` with exchange requests given up after half a second, for the tests
    whose requests must time out (BTCTURK_TIMEOUT_SECONDS, in whole seconds, is 1 at least)."""
    return dataclasses.replace(settings, btcturk_timeout_s=QUICK_TIMEOUT_S)


@pytest.fixture
def without_jobs(wiring: BotWiring) -> None:
    """Run the bot without its scheduled jobs: each test polls and delivers by itself."""
    wiring.jobs = False


@pytest.fixture
def cache_clock(wiring: BotWiring) -> ManualMonotonic:
    """Build the bot's portfolio service on a monotonic clock the test controls."""
    return wiring.hand_cache_clock(tick=0.001)  # 1 ms a reading; the test moves it further


@pytest.fixture
def instant_pacing(wiring: BotWiring) -> AdvancingSleep:
    """Build the bot's Telegram rate limiter on virtual time: what it waits for (a 429's
    Retry-After, its pace) passes at once; the returned sleep records the waits."""
    clock = ManualMonotonic()
    sleep = AdvancingSleep(clock)
    wiring.rate_limiter = ChatRateLimiter(monotonic=clock, sleep=sleep)
    return sleep


def expire_cache(clock: ManualMonotonic) -> None:
    """Make the next command read the exchange again instead of the cached balances."""
    clock.now += app.BALANCE_CACHE_S + 1


class UpdateTracker:
    """Tell when the bot is done with an update: stopped by the guard, or past every handler.

    A watcher in the group before the guard's runs the guard's own check and records the
    updates it stops (what it lets through is checked again by the guard, which changes
    nothing); a spy in a group after every other records the updates that went through all of
    them (PTB runs the groups of one update in order and awaits each blocking handler, replies
    included). The running bot itself is left as it is.
    """

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        self.stopped: list[int] = []
        self.passed: list[int] = []
        self._changed = asyncio.Condition()
        [guard] = application.handlers[GUARD_GROUP]
        check = guard.callback

        async def check_then_record(update: object, context: Context) -> Any:
            try:
                return await check(update, context)
            except ApplicationHandlerStop:
                await self._record(self.stopped, update)
                raise

        last_group = max(application.handlers) + 1
        application.add_handler(TypeHandler(object, check_then_record), group=GUARD_GROUP - 1)
        application.add_handler(TypeHandler(object, self._spy), group=last_group)

    async def _spy(self, update: object, context: Context) -> None:
        await self._record(self.passed, update)

    async def _record(self, where: list[int], update: object) -> None:
        async with self._changed:
            where.append(update.update_id if isinstance(update, Update) else -1)
            self._changed.notify_all()

    async def wait_done(
        self,
        update_ids: Iterable[int],
        timeout: float = REPLY_TIMEOUT_S,  # noqa: ASYNC109 - a deadline for the test
    ) -> None:
        """Wait until the bot is done with every one of `update_ids`."""
        wanted = set(update_ids)
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: wanted <= {*self.stopped, *self.passed})


# --- the bot as a process ---------------------------------------------------------------------


@dataclass
class BotProcess:
    """`python -m balance_bot` started by a test; its stderr goes to a file (logs can be long)."""

    process: asyncio.subprocess.Process
    stderr_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def send(self, signum: signal.Signals) -> None:
        """Send `signum` to the bot."""
        self.process.send_signal(signum)

    async def wait_exit(self, within: float) -> int:
        """Wait for the bot to exit and return its exit code; TimeoutError after `within` s."""
        return await asyncio.wait_for(self.process.wait(), within)

    async def kill(self) -> None:
        """SIGKILL the bot and reap it."""
        if self.running:
            self.process.kill()
        await self.process.wait()

    def stderr(self) -> str:
        """Return what the bot wrote to stderr so far."""
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


async def wait_while_running(bot: BotProcess, waiting: Awaitable[T]) -> T:
    """Await `waiting`, but fail at once, showing the bot's stderr, if the bot exits first."""
    waiter = asyncio.ensure_future(waiting)
    exited = asyncio.ensure_future(bot.process.wait())
    try:
        await asyncio.wait({waiter, exited}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        exited.cancel()
    if not waiter.done():
        waiter.cancel()
        pytest.fail(f"the bot exited with {bot.process.returncode}:\n{bot.stderr()[-4000:]}")
    return waiter.result()


@dataclass
class Launcher:
    """Start bot processes and make sure none outlives the test."""

    workdir: Path
    started: list[BotProcess] = field(default_factory=list)

    async def start(self, env: dict[str, str], *, root: Path = ROOT) -> BotProcess:
        """Run `python -m balance_bot` of `root` with exactly `env` (plus PATH, and `root` on
        PYTHONPATH) in the test's directory."""
        log = self.workdir / f"bot-{len(self.started) + 1}.stderr"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "balance_bot",
                cwd=self.workdir,
                env={
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "PYTHONPATH": str(root),
                    **env,
                },
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )
        started = BotProcess(process, log)
        self.started.append(started)
        return started

    async def stop_all(self) -> None:
        for started in self.started:
            with contextlib.suppress(ProcessLookupError):
                await started.kill()


@pytest.fixture
async def launcher(tmp_path: Path) -> AsyncIterator[Launcher]:
    """Start bots as processes; any still running at the end of the test is killed."""
    workdir = tmp_path / "run"
    workdir.mkdir()
    spawner = Launcher(workdir)
    try:
        yield spawner
    finally:
        await spawner.stop_all()
