"""Tests for handlers/refusals.py: the strangers' budget and its once-a-minute report."""

from __future__ import annotations

import logging

import pytest

from balance_bot.telegram_io.refusals import REPORT_EVERY_S, RefusalBudget


class Monotonic:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_one_refusal_a_second_for_all_strangers_together() -> None:
    clock = Monotonic()
    budget = RefusalBudget(monotonic=clock)

    assert budget.take()
    assert not budget.take()
    clock.now += 0.5
    assert not budget.take()
    clock.now += 0.5
    assert budget.take()


def test_dropped_refusals_are_reported_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    clock = Monotonic()
    budget = RefusalBudget(monotonic=clock)
    budget.take()
    for _ in range(100):
        budget.take()  # all within the same second: dropped
    first = [r.getMessage() for r in caplog.records]
    clock.now += REPORT_EVERY_S / 2
    for _ in range(10):
        budget.take()  # the first is sent: a second has passed
    clock.now += REPORT_EVERY_S / 2
    budget.take()  # sent, and the next report is due

    lines = [r.getMessage() for r in caplog.records]
    assert len(first) == 1
    assert first[0].startswith("too many strangers")
    assert len(lines) == 2
    assert lines[1] == "109 refusals to strangers dropped in the last 60 s"
