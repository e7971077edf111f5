"""Periodic work: a failed run is reported and the next comes all the same; stop ends it."""

from __future__ import annotations

import asyncio

from balance_bot.services.periodic import Periodic


async def test_a_failing_run_is_reported_and_the_work_goes_on_until_stopped() -> None:
    errors: list[Exception] = []
    runs = 0
    third = asyncio.Event()

    async def report(error: Exception) -> None:
        errors.append(error)

    async def work() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise ValueError("first run fails")
        if runs == 3:
            third.set()

    periodic = Periodic(report)
    periodic.every(0.001, work, first_s=0.0, name="test")
    await asyncio.wait_for(third.wait(), timeout=10)
    await periodic.stop()

    assert [str(e) for e in errors] == ["first run fails"]
    assert [t for t in asyncio.all_tasks() if t.get_name() == "periodic:test"] == []  # none left
    await periodic.stop()  # stopping twice is harmless
