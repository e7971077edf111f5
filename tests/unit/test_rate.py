"""The request budget waits rather than exceeds a quota, on a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from balance_bot.btcturk.rate import Quota, RateBudget
from tests.kit.clocks import AdvancingSleep, ManualMonotonic

PATH = "/api/v1/users/transactions/crypto"


def most_in_any_window(times: list[float], period: float) -> int:
    return max(sum(1 for t in times if start <= t < start + period) for start in times)


async def test_a_burst_never_exceeds_the_quota_in_any_window() -> None:
    clock = ManualMonotonic(tick=0.01)
    sleep = AdvancingSleep(clock)
    budget = RateBudget({PATH: Quota(90, 60.0)}, monotonic=clock, sleep=sleep)
    sent: list[float] = []
    for _ in range(400):
        await budget.acquire(PATH)
        sent.append(clock.now)
    assert most_in_any_window(sent, 60.0) <= 90
    assert sleep.delays  # it had to wait
    assert sent[-1] - sent[0] >= 3 * 60.0  # 400 requests need more than four windows


async def test_concurrent_callers_share_one_budget() -> None:
    clock = ManualMonotonic()
    sleep = AdvancingSleep(clock)
    budget = RateBudget({PATH: Quota(5, 10.0)}, monotonic=clock, sleep=sleep, slack_s=0.0)
    sent: list[float] = []

    async def one() -> None:
        await budget.acquire(PATH)
        sent.append(clock.now)

    await asyncio.gather(*(one() for _ in range(12)))
    assert most_in_any_window(sorted(sent), 10.0) <= 5
    assert sleep.delays  # some had to wait


async def test_under_the_quota_nothing_waits_and_other_paths_are_free() -> None:
    clock = ManualMonotonic()
    sleep = AdvancingSleep(clock)
    budget = RateBudget({PATH: Quota(3, 60.0)}, monotonic=clock, sleep=sleep)
    for _ in range(3):
        await budget.acquire(PATH)
    for _ in range(50):
        await budget.acquire("/api/v1/users/balances")
    assert sleep.delays == []
    assert budget.wait_s(PATH) == pytest.approx(61.0)
    assert budget.wait_s("/other") == 0.0
    assert budget.covers(PATH) and not budget.covers("/other")


def test_a_quota_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateBudget({PATH: Quota(0, 60.0)})
