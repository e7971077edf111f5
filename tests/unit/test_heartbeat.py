"""Tests for services/heartbeat.py and the health check's verdict (healthcheck.check)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from balance_bot.config import load_settings
from balance_bot.fakes.environment import demo_credentials
from balance_bot.healthcheck import EXIT_HEALTHY, EXIT_UNHEALTHY, check, read_settings
from balance_bot.services.clock_steps import BootStamp, current_boot
from balance_bot.services.heartbeat import (
    HEARTBEAT_FILE,
    Heartbeat,
    assess,
    heartbeat_path,
    max_age,
    read_heartbeat,
    write_heartbeat,
)

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
CREDENTIALS = demo_credentials()
BOOT = BootStamp("6f1c2b9e-boot", 5_000.0)


def boot_after(seconds: float) -> BootStamp:
    """Return the moment `seconds` after BOOT on the same boot clock."""
    return BootStamp(BOOT.boot_id, BOOT.seconds + seconds)


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    write_heartbeat(tmp_path, T0, ok=True, boot=BOOT)
    assert read_heartbeat(tmp_path) == Heartbeat(at=T0, ok=True, boot=BOOT)
    assert heartbeat_path(tmp_path) == tmp_path / HEARTBEAT_FILE


def test_the_file_says_what_it_is(tmp_path: Path) -> None:
    write_heartbeat(tmp_path, T0, ok=False, boot=BOOT)
    raw = json.loads((tmp_path / HEARTBEAT_FILE).read_text(encoding="utf-8"))
    assert raw == {
        "last_poll": "2026-11-25T09:00:00+00:00",
        "exchange_reachable": False,
        "boot_id": "6f1c2b9e-boot",
        "boot_s": 5000.0,
    }


def test_by_default_the_heartbeat_holds_this_moment_of_the_boot_clock(tmp_path: Path) -> None:
    before = current_boot()
    write_heartbeat(tmp_path, T0, ok=True)
    heartbeat = read_heartbeat(tmp_path)
    assert heartbeat is not None
    if before is None:  # a system that does not name its boots
        assert heartbeat.boot is None
    else:
        assert heartbeat.boot is not None
        assert heartbeat.boot.since(before) is not None


def test_a_heartbeat_without_a_boot_clock_still_reads(tmp_path: Path) -> None:
    heartbeat_path(tmp_path).write_text(
        '{"last_poll": "2026-11-25T09:00:00+00:00", "exchange_reachable": true}', encoding="utf-8"
    )
    assert read_heartbeat(tmp_path) == Heartbeat(at=T0, ok=True)


def test_a_new_heartbeat_replaces_the_old_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    write_heartbeat(tmp_path, T0, ok=True, boot=BOOT)
    write_heartbeat(tmp_path, T0 + timedelta(minutes=1), ok=False, boot=boot_after(60))
    assert read_heartbeat(tmp_path) == Heartbeat(
        at=T0 + timedelta(minutes=1), ok=False, boot=boot_after(60)
    )
    assert os.listdir(tmp_path) == [HEARTBEAT_FILE]


def test_the_offset_of_a_non_utc_clock_is_kept(tmp_path: Path) -> None:
    istanbul = timezone(timedelta(hours=3))
    write_heartbeat(tmp_path, T0.astimezone(istanbul), ok=True)
    heartbeat = read_heartbeat(tmp_path)
    assert heartbeat is not None
    assert heartbeat.at == T0
    assert heartbeat.at.utcoffset() == timedelta(hours=3)


def test_a_missing_data_directory_is_not_recreated(tmp_path: Path) -> None:
    data_dir = tmp_path / "deleted"
    with pytest.raises(FileNotFoundError):
        write_heartbeat(data_dir, T0, ok=True)
    assert not data_dir.exists()


def test_a_naive_time_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        write_heartbeat(tmp_path, datetime(2026, 11, 25, 9, 0), ok=True)
    assert not heartbeat_path(tmp_path).exists()


def test_a_failed_write_leaves_the_previous_heartbeat_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_heartbeat(tmp_path, T0, ok=True, boot=BOOT)

    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_heartbeat(tmp_path, T0 + timedelta(minutes=1), ok=True, boot=boot_after(60))
    assert read_heartbeat(tmp_path) == Heartbeat(at=T0, ok=True, boot=BOOT)
    assert os.listdir(tmp_path) == [HEARTBEAT_FILE]


def test_no_file_reads_as_no_heartbeat(tmp_path: Path) -> None:
    assert read_heartbeat(tmp_path) is None
    assert read_heartbeat(tmp_path / "missing") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[]",
        '{"last_poll": "2026-11-25T09:00:00+00:00"}',
        '{"last_poll": "yesterday", "exchange_reachable": true}',
        '{"last_poll": 12, "exchange_reachable": true}',
        '{"last_poll": "2026-11-25T09:00:00", "exchange_reachable": true}',
        '{"last_poll": "2026-11-25T09:00:00+00:00", "exchange_reachable": "yes"}',
    ],
)
def test_a_garbled_file_is_an_error_naming_it(tmp_path: Path, text: str) -> None:
    heartbeat_path(tmp_path).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"heartbeat\.json is not a heartbeat"):
        read_heartbeat(tmp_path)


@pytest.mark.parametrize(
    ("interval_s", "limit_s"), [(1, 120), (40, 120), (41, 123), (60, 180), (3600, 10800)]
)
def test_max_age_is_three_polls_but_at_least_two_minutes(interval_s: int, limit_s: int) -> None:
    assert max_age(interval_s) == timedelta(seconds=limit_s)


def test_no_heartbeat_is_unhealthy() -> None:
    health = assess(None, T0, 60)
    assert not health.healthy
    assert health.reason == "unhealthy: no heartbeat yet, the bot has not finished a poll"


def test_a_fresh_heartbeat_is_healthy_even_when_the_exchange_was_down() -> None:
    up = assess(Heartbeat(T0, ok=True), T0 + timedelta(seconds=59), 60)
    down = assess(Heartbeat(T0, ok=False), T0 + timedelta(seconds=59), 60)
    assert up.healthy
    assert up.reason == "healthy: the last poll was 59 s ago; BTCTurk answered"
    assert down.healthy
    assert down.reason == "healthy: the last poll was 59 s ago; BTCTurk could not be read"


def test_the_heartbeat_goes_stale_at_max_age() -> None:
    just_fresh = assess(Heartbeat(T0, ok=True), T0 + timedelta(seconds=179.9), 60)
    stale = assess(Heartbeat(T0, ok=True), T0 + timedelta(seconds=180), 60)
    assert just_fresh.healthy
    assert not stale.healthy
    assert stale.reason == "unhealthy: the last poll was 180 s ago (limit 180 s)"


def test_without_a_boot_clock_a_little_behind_is_tolerated_far_in_the_future_is_not() -> None:
    slightly = assess(Heartbeat(T0, ok=True), T0 - timedelta(seconds=5), 60)
    far = assess(Heartbeat(T0, ok=True), T0 - timedelta(hours=1), 60)
    assert slightly.healthy
    assert slightly.reason == "healthy: the last poll was 0 s ago; BTCTurk answered"
    assert not far.healthy
    assert far.reason == "unhealthy: the last poll is dated 3600 s in the future"


def test_a_poll_dated_in_the_future_after_a_step_back_is_healthy() -> None:
    heartbeat = Heartbeat(T0, ok=True, boot=BOOT)
    health = assess(heartbeat, T0 - timedelta(hours=1), 60, boot_after(4))
    assert health.healthy
    assert health.reason == "healthy: the last poll was 4 s ago; BTCTurk answered"


def test_the_boot_clock_tells_a_stale_heartbeat_whatever_the_wall_clock_says() -> None:
    heartbeat = Heartbeat(T0, ok=True, boot=BOOT)
    stepped_ahead = assess(heartbeat, T0 + timedelta(seconds=10), 60, boot_after(600))
    assert not stepped_ahead.healthy
    assert stepped_ahead.reason == "unhealthy: the last poll was 600 s ago (limit 180 s)"


def test_a_heartbeat_of_an_earlier_boot_is_stale() -> None:
    heartbeat = Heartbeat(T0, ok=True, boot=BOOT)
    health = assess(heartbeat, T0 + timedelta(seconds=5), 60, BootStamp("next-boot", 30.0))
    assert not health.healthy
    assert health.reason == "unhealthy: the last poll is from before the machine started"


def test_the_health_check_ages_the_heartbeat_on_the_boot_clock(tmp_path: Path) -> None:
    write_heartbeat(tmp_path, T0, ok=True, boot=BOOT)
    env = {"DATA_DIR": str(tmp_path), "POLL_INTERVAL_SECONDS": "1"}
    assert check(env, T0 - timedelta(hours=1), boot_after(3)) == (
        EXIT_HEALTHY,
        "healthy: the last poll was 3 s ago; BTCTurk answered",
    )


def test_the_health_check_reads_the_settings_like_the_bot() -> None:
    for env in ({}, {"DATA_DIR": "/data", "POLL_INTERVAL_SECONDS": "5"}, {"DATA_DIR": "  "}):
        settings = load_settings(CREDENTIALS | env)
        assert read_settings(env) == (settings.data_dir, settings.poll_interval_s)


def test_the_health_check_needs_no_credentials(tmp_path: Path) -> None:
    write_heartbeat(tmp_path, T0, ok=True, boot=BOOT)
    env = {"DATA_DIR": str(tmp_path), "POLL_INTERVAL_SECONDS": "1"}
    assert check(env, T0 + timedelta(seconds=3)) == (
        EXIT_HEALTHY,
        "healthy: the last poll was 3 s ago; BTCTurk answered",
    )
    assert check(env, T0 + timedelta(minutes=5)) == (
        EXIT_UNHEALTHY,
        "unhealthy: the last poll was 300 s ago (limit 120 s)",
    )


def test_a_bad_setting_or_file_is_unhealthy_with_the_reason(tmp_path: Path) -> None:
    code, line = check({"DATA_DIR": str(tmp_path), "POLL_INTERVAL_SECONDS": "0"}, T0)
    assert code == EXIT_UNHEALTHY
    assert line == (
        "unhealthy: configuration error: "
        "POLL_INTERVAL_SECONDS: must be a whole number from 1 to 86400"
    )
    heartbeat_path(tmp_path).write_text("{", encoding="utf-8")
    code, line = check({"DATA_DIR": str(tmp_path)}, T0)
    assert code == EXIT_UNHEALTHY
    assert line.startswith("unhealthy: cannot read the heartbeat: ")
    assert "heartbeat.json is not a heartbeat" in line
