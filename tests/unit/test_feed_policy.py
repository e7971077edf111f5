"""Tests for btcturk.feed_policy: reconnect backoff under BTCTurk's 15 attempts a minute."""

from __future__ import annotations

import bisect
import itertools
import random

import pytest

from balance_bot.btcturk.feed_policy import EXCHANGE_LIMIT, ReconnectPolicy

HOUR_S = 3600.0


def most_in_a_minute(times: list[float]) -> int:
    """Return the most attempts any closed 60 s window [t, t + 60] holds."""
    ordered = sorted(times)
    return max(bisect.bisect_right(ordered, t + 60.0) - i for i, t in enumerate(ordered))


def fail_for_an_hour(policy: ReconnectPolicy, *, reset_each_time: bool = False) -> list[float]:
    """Attempt, fail at once, wait the policy's delay, for an hour of fake time."""
    now, attempts = 0.0, []
    while now < HOUR_S:
        policy.attempted(now)
        attempts.append(now)
        if reset_each_time:
            policy.stable()  # a connection that is accepted, then dropped at once
        else:
            policy.failed()
        now += policy.delay(now)
    return attempts


@pytest.mark.parametrize("source", ["zero", "one", "seeded"])
def test_an_hour_of_failures_stays_under_the_exchange_limit(source: str) -> None:
    draws = {"zero": lambda: 0.0, "one": lambda: 0.999999, "seeded": random.Random(7).random}
    attempts = fail_for_an_hour(ReconnectPolicy(draws[source]))
    assert most_in_a_minute(attempts) < EXCHANGE_LIMIT
    assert 20 < len(attempts) < 200  # it keeps trying, at the cap's pace


def test_connections_that_drop_at_once_stay_under_the_limit() -> None:
    attempts = fail_for_an_hour(ReconnectPolicy(lambda: 0.0), reset_each_time=True)
    assert most_in_a_minute(attempts) <= 12
    assert len(attempts) > 600  # the budget, not the backoff, holds them back


def test_backoff_doubles_to_the_cap() -> None:
    policy = ReconnectPolicy(lambda: 1.0, base_s=1.0, cap_s=60.0, budget=14)
    delays = []
    for _ in range(10):
        policy.failed()
        delays.append(policy.delay(0.0))
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0, 60.0]


def test_jitter_stays_between_half_and_all_of_the_step() -> None:
    source = random.Random(3)
    policy = ReconnectPolicy(source.random, base_s=2.0, cap_s=100.0)
    for failures in range(1, 8):
        policy.failed()
        step = min(100.0, 2.0 * 2 ** (failures - 1))
        draws = [policy.delay(0.0) for _ in range(50)]
        assert all(step / 2 <= d <= step for d in draws)
        assert len(set(draws)) > 1


def test_first_retry_after_a_healthy_connection_is_quick() -> None:
    policy = ReconnectPolicy(lambda: 0.5, base_s=1.0)
    assert policy.delay(0.0) == 0.5
    policy.failed()
    policy.failed()
    policy.stable()
    assert policy.delay(0.0) == 0.5


def test_a_429_waits_out_the_block() -> None:
    policy = ReconnectPolicy(lambda: 0.0)
    policy.failed()
    assert policy.delay(0.0, blocked=True) == 60.0
    assert policy.delay(0.0) == 0.5


def test_a_full_window_waits_for_its_oldest_attempt() -> None:
    policy = ReconnectPolicy(lambda: 0.0, budget=3)
    for at in (0.0, 1.0, 2.0):
        policy.attempted(at)
    assert policy.delay(2.0) == 59.0
    policy.attempted(61.0)
    assert policy.delay(61.0) == 1.0  # the attempt at 1.0 leaves the window next


@pytest.mark.parametrize(("budget", "base", "cap"), [(0, 1.0, 2.0), (15, 1.0, 2.0), (5, 0.0, 1.0)])
def test_settings_that_break_the_limit_are_refused(budget: int, base: float, cap: float) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the setting
        ReconnectPolicy(lambda: 0.0, budget=budget, base_s=base, cap_s=cap)


def test_delay_is_pure_given_the_same_draws() -> None:
    first, second = (ReconnectPolicy(itertools.cycle([0.1, 0.9]).__next__) for _ in range(2))
    for policy in (first, second):
        for _ in range(4):
            policy.failed()
    assert [first.delay(5.0) for _ in range(4)] == [second.delay(5.0) for _ in range(4)]
