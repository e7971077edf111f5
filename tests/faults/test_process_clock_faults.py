"""Process, clock and storage faults: a closed terminal, a second bot on the same DATA_DIR, a
deleted DATA_DIR, a wall clock that steps, and a Refresh button whose message cannot be edited."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from fakes.exchange import FakeBtcTurk
from fakes.telegram import FakeTelegram
from tests.faults.conftest import START_TIMEOUT_S, Launcher, base_env
from tests.faults.test_process_faults import STOP_WITHIN_S, started_polling, until

pytestmark = pytest.mark.faults


async def test_sighup_stops_the_bot_in_order_and_exits_0(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    bot = await launcher.start(base_env(exchange, telegram, tmp_path / "data"))
    await until(bot, started_polling(telegram))

    bot.send(signal.SIGHUP)

    assert await bot.wait_exit(within=STOP_WITHIN_S) == 0
    stderr = bot.stderr()
    assert "SIGHUP" in stderr
    assert "stopped" in stderr
    assert "Traceback" not in stderr


async def test_second_bot_on_the_same_data_dir_exits_1_naming_the_first(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    env = base_env(exchange, telegram, tmp_path / "data")
    first = await launcher.start(env)
    await until(first, started_polling(telegram))

    second = await launcher.start(env)

    assert await second.wait_exit(within=START_TIMEOUT_S) == 1
    lines = [line for line in second.stderr().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert f"PID {first.pid}" in lines[0]
    assert str(tmp_path / "data") in lines[0]
    assert first.running
    first.send(signal.SIGTERM)
    assert await first.wait_exit(within=STOP_WITHIN_S) == 0


async def test_the_data_dir_is_free_again_once_the_first_bot_stopped(
    exchange: FakeBtcTurk, telegram: FakeTelegram, launcher: Launcher, tmp_path: Path
) -> None:
    env = base_env(exchange, telegram, tmp_path / "data")
    first = await launcher.start(env)
    await until(first, started_polling(telegram))
    await first.kill()  # a kill -9 leaves the lock file behind, but not the lock
    polls = telegram.calls["getUpdates"]

    second = await launcher.start(env)
    await until(
        second,
        telegram.wait_until(
            lambda: telegram.calls["getUpdates"] > polls, timeout=START_TIMEOUT_S, what="polling"
        ),
    )

    second.send(signal.SIGTERM)
    assert await second.wait_exit(within=STOP_WITHIN_S) == 0
