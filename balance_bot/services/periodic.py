"""Repeating work on a monotonic clock (the host's, or the one a test hands in).

A wall-clock step (an NTP correction, a restored VM) changes nothing here: each run is due
`interval_s` after the previous one was due, as the monotonic clock counts, so an hour
back stops nothing and a day ahead bunches nothing. A run that overruns its slot delays the
next instead of queueing a backlog; runs never overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[object]]
OnError = Callable[[Exception], Awaitable[object]]


class Periodic:
    """Tasks that each run one piece of work every so many seconds until stopped."""

    def __init__(
        self,
        on_error: OnError,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Report every failed run to `on_error`; the next run comes all the same."""
        self._on_error = on_error
        self._monotonic = monotonic
        self._sleep = sleep
        self._tasks: list[asyncio.Task[None]] = []

    def every(self, interval_s: float, work: Work, *, first_s: float, name: str) -> None:
        """Run `work` `first_s` seconds from now, then every `interval_s` seconds."""
        task = asyncio.get_running_loop().create_task(
            self._repeat(interval_s, work, first_s), name=f"periodic:{name}"
        )
        self._tasks.append(task)

    async def stop(self) -> None:
        """Cancel every task and wait until they are done."""
        tasks, self._tasks = self._tasks, []
        await stop_tasks(tasks)

    async def _repeat(self, interval_s: float, work: Work, first_s: float) -> None:
        due = self._monotonic() + first_s
        while True:
            await self._sleep(max(due - self._monotonic(), 0.0))
            try:
                await work()
            except Exception as error:
                await self._on_error(error)
            due = max(due + interval_s, self._monotonic())


async def stop_tasks(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel `tasks` and wait until each is done."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
