"""What every figure shares: the fakes, the bot's environment, and bot processes.

The fakes run in the bench process; each bot runs in its own process, started the way it is
deployed (`python -m balance_bot`), so it has a core to itself and the fakes' work is not counted in
its time. Every address is 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from balance_bot.fakes.environment import bot_environment
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.telegram import FakeTelegram, SentMessage

ROOT = Path(__file__).resolve().parent.parent
BOT = ("-m", "balance_bot")
FLOOR_BOT = ("-m", "bench.floor_bot")
BARE_APP = ("-m", "bench.floor_bot", "--bare")
ECHO_BOT = ("-m", "bench.echo_bot")
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
QUIET_SUMMARY_TIME = "23:59"


def jobs_present() -> bool:
    """Tell whether the poll and summary jobs exist in the product yet."""
    return (ROOT / "balance_bot" / "handlers" / "jobs.py").is_file()


def quiet_summary_zone(now: datetime | None = None) -> str:
    """Return a fixed-offset zone where it is now before noon, so a 23:59 summary is far off.

    Etc/GMT-N is N hours east of UTC (the sign is inverted, POSIX style).
    """
    utc = now or datetime.now(UTC)
    for east in range(-12, 15):
        local = utc + timedelta(hours=east)
        if local.hour < 12:
            return "UTC" if east == 0 else f"Etc/GMT{-east:+d}"
    raise AssertionError("some offset from -12 to +14 h always puts the hour before noon")


def bot_env(
    telegram: FakeTelegram,
    exchange: FakeBtcTurk,
    data_dir: Path,
    chat_ids: Iterable[int],
    **overrides: str,
) -> dict[str, str]:
    """Return the environment of a bot process pointed at the fakes.

    Every variable the bot reads is set, so no `.env` file changes a run; the daily summary is
    set to a time hours away unless `overrides` say otherwise.
    """
    env = dict(os.environ)
    env.update(bot_environment(telegram.api_url, exchange.base_url, data_dir, chat_ids))
    env.update(
        POLL_INTERVAL_SECONDS="3600",
        QUOTE_CURRENCY="TRY",
        TIMEZONE=quiet_summary_zone(),
        DAILY_SUMMARY_TIME=QUIET_SUMMARY_TIME,
        LOG_LEVEL="INFO",
        NOTIFY_ORDER_CHANGES="false",
        SUMMARY_CHART="false",
        QUIET_HOURS="",
        EXPLAIN_CHANGES="true",
        FEED_POLL_INTERVAL_SECONDS="300",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


@contextlib.asynccontextmanager
async def fakes(
    *,
    enforce_limits: bool = False,
    latency_s: float = 0.0,
    balances: Sequence[dict[str, object]] | None = None,
    tickers: Sequence[dict[str, object]] | None = None,
) -> AsyncIterator[tuple[FakeTelegram, FakeBtcTurk]]:
    """Run a fake Bot API and a fake exchange (its rate limit off: the bench asks a lot)."""
    async with (
        FakeTelegram(enforce_limits=enforce_limits) as telegram,
        FakeBtcTurk(
            latency_s=latency_s, rate_limit=False, balances=balances, tickers=tickers
        ) as exchange,
    ):
        yield telegram, exchange


@dataclass
class BotProcess:
    """A bot running in a child process, with its log kept for a post-mortem."""

    process: asyncio.subprocess.Process
    started_at: float
    log_path: Path

    def log_tail(self, lines: int = 15) -> str:
        """Return the end of the process's log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


@contextlib.asynccontextmanager
async def bot_process(
    argv: Sequence[str], env: Mapping[str, str], log_dir: Path
) -> AsyncIterator[BotProcess]:
    """Start `python *argv` in the project root; on exit send SIGTERM and wait for it."""
    log_path = log_dir / f"bot-{time.monotonic_ns()}.log"
    with log_path.open("wb") as log:
        started_at = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *argv,
            cwd=ROOT,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    bot = BotProcess(process, started_at, log_path)
    try:
        yield bot
    finally:
        await stop(process)


async def stop(process: asyncio.subprocess.Process) -> None:
    """Ask a child to stop with SIGTERM; kill it if it has not exited in time."""
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()


@contextlib.asynccontextmanager
async def bot_on_fakes(
    chat_ids: list[int],
    *,
    balances: Sequence[dict[str, object]] | None = None,
    tickers: Sequence[dict[str, object]] | None = None,
    **env: str,
) -> AsyncIterator[tuple[FakeTelegram, FakeBtcTurk]]:
    """Run the fakes and the real bot on them (`env` added to its variables), once it polls
    Telegram; yield the two fakes."""
    with temp_dir() as tmp:
        async with fakes(balances=balances, tickers=tickers) as (telegram, exchange):
            variables = bot_env(telegram, exchange, Path(tmp) / "data", chat_ids, **env)
            async with bot_process(BOT, variables, Path(tmp)) as bot:
                await wait_polling(telegram, bot)
                yield telegram, exchange


async def wait_polling(telegram: FakeTelegram, bot: BotProcess, *, since: int = 0) -> float:
    """Wait for the bot's first getUpdates (after `since` calls); return its time from spawn."""

    def polling() -> bool:
        return telegram.calls["getUpdates"] > since or bot.process.returncode is not None

    await telegram.wait_until(polling, timeout=START_TIMEOUT_S, what="the first getUpdates")
    if bot.process.returncode is not None:
        raise RuntimeError(f"the bot exited with {bot.process.returncode}:\n{bot.log_tail()}")
    return time.monotonic() - bot.started_at


async def wait_replies(
    telegram: FakeTelegram,
    chat_ids: Iterable[int],
    *,
    since: int,
    per_chat: int = 1,
    prefix: str | tuple[str, ...] = "",
    timeout: float = 20.0,  # noqa: ASYNC109 - a deadline for the bench, not a network timeout
) -> list[SentMessage]:
    """Wait until each chat in `chat_ids` has `per_chat` messages after `sent[since]`.

    Only messages whose plain text starts with `prefix` (or one of them) count. Return the
    matching messages, all of them in time or not.
    """
    wanted = set(chat_ids)

    def matching() -> list[SentMessage]:
        return [
            m
            for m in telegram.sent[since:]
            if m.chat_id in wanted and m.plain_text.startswith(prefix)
        ]

    def done() -> bool:
        found = matching()
        return all(sum(1 for m in found if m.chat_id == c) >= per_chat for c in wanted)

    await telegram.changed.wait_until(done, timeout)
    return matching()


KEEP_DIR: Path | None = None  # set by `python -m bench --keep DIR`


def temp_dir() -> contextlib.AbstractContextManager[str]:
    """Return a directory for one figure's data and logs: temporary, or kept under KEEP_DIR."""
    if KEEP_DIR is None:
        return tempfile.TemporaryDirectory(prefix="bench-")
    KEEP_DIR.mkdir(parents=True, exist_ok=True)
    return contextlib.nullcontext(tempfile.mkdtemp(prefix="bench-", dir=KEEP_DIR))
