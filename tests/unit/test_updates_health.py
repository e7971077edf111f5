"""Tests for services/updates_health.py and its place in the health check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from balance_bot.healthcheck import EXIT_HEALTHY, EXIT_UNHEALTHY, check
from balance_bot.services.heartbeat import write_heartbeat
from balance_bot.telegram_io.updates_health import (
    UPDATES_FAILING_FILE,
    UpdatesFailing,
    UpdatesHealth,
    read_updates_failing,
)
from tests.kit.clocks import FakeClock

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_failures_keep_the_first_time_and_a_success_clears_them(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    health = UpdatesHealth(tmp_path, clock)
    health.failed("Telegram is not answering (NetworkError)")
    clock.now += timedelta(seconds=30)
    health.failed("Telegram refused the bot token (401 Unauthorized)")

    assert read_updates_failing(tmp_path) == UpdatesFailing(
        T0, "Telegram refused the bot token (401 Unauthorized)"
    )
    health.received()
    assert read_updates_failing(tmp_path) is None


def test_a_success_clears_what_a_previous_run_left(tmp_path: Path) -> None:
    UpdatesHealth(tmp_path, FakeClock(T0)).failed("Telegram is not answering (TimedOut)")

    UpdatesHealth(tmp_path, FakeClock(T0)).received()

    assert not (tmp_path / UPDATES_FAILING_FILE).exists()


def test_a_garbled_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / UPDATES_FAILING_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(ValueError, match="not a getUpdates state"):
        read_updates_failing(tmp_path)


def test_the_health_check_is_unhealthy_while_getupdates_fails(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path), "POLL_INTERVAL_SECONDS": "60"}
    write_heartbeat(tmp_path, T0, ok=True)
    health = UpdatesHealth(tmp_path, FakeClock(T0))
    assert check(env, T0)[0] == EXIT_HEALTHY

    health.failed("Telegram refused the bot token (401 Unauthorized)")
    code, line = check(env, T0 + timedelta(seconds=42))
    assert code == EXIT_UNHEALTHY
    assert line == (
        "unhealthy: no updates from Telegram for 42 s: "
        "Telegram refused the bot token (401 Unauthorized)"
    )

    health.received()
    assert check(env, T0)[0] == EXIT_HEALTHY
