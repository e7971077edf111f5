"""Tests for services/clock_steps.py: the boot clock's stamps and steps of the wall clock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from balance_bot.services.clock_steps import BootStamp, WallSteps, current_boot
from tests.kit.clocks import FakeClock


def test_time_passing_is_no_step() -> None:
    clock = FakeClock()
    steps = WallSteps(clock, clock.elapsed)
    assert steps.look() == timedelta(0)  # the first look only takes the measure
    clock.advance(hours=5)
    assert steps.look() == timedelta(0)


def test_a_step_is_told_once_with_its_size_and_direction() -> None:
    clock = FakeClock()
    steps = WallSteps(clock, clock.elapsed)
    steps.look()
    clock.step(hours=-1)
    clock.advance(seconds=30)
    assert steps.look() == -timedelta(hours=1)
    assert steps.look() == timedelta(0)
    clock.step(days=1)
    assert steps.look() == timedelta(days=1)


def test_slewing_within_the_tolerance_is_no_step() -> None:
    clock = FakeClock()
    steps = WallSteps(clock, clock.elapsed)
    steps.look()
    for _ in range(10):  # 1.5 s a look: each within tolerance, never summed into a step
        clock.step(seconds=1.5)
        assert steps.look() == timedelta(0)


def test_boot_stamps_compare_within_one_boot_only() -> None:
    earlier = BootStamp("a", 100.0)
    assert BootStamp("a", 130.5).since(earlier) == timedelta(seconds=30.5)
    assert BootStamp("b", 130.5).since(earlier) is None
    assert BootStamp("a", 99.0).since(earlier) is None


def test_a_system_that_does_not_name_its_boots_has_no_boot_stamp(tmp_path: Path) -> None:
    assert current_boot(tmp_path / "missing") is None
    (tmp_path / "boot_id").write_text("", encoding="ascii")
    assert current_boot(tmp_path / "boot_id") is None
    (tmp_path / "boot_id").write_text("9d2f\n", encoding="ascii")
    stamp = current_boot(tmp_path / "boot_id")
    assert stamp is not None and stamp.boot_id == "9d2f"
