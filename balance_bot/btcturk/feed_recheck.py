"""Wait out a refused login of the live feed, unless asked to try again sooner.

    wait = RefusalWait(sleep, monotonic)
    await wait.wait(3600)           # in the feed's loop, after a refusal
    done = wait.ask(owner=True)     # elsewhere: None, or a future done once the next login
    ...                             # attempt is answered (the feed calls `answered()`)

The owner may ask at most once per `gap_s`; news that the key works again asks whenever it
comes (it is rare: the key's own backoff bounds it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from balance_bot.btcturk.auth_backoff import OWNER_GAP_S, Spacing


class RefusalWait:
    """The long wait after a refused login, and the requests to cut it short."""

    def __init__(
        self,
        sleep: Callable[[float], Awaitable[None]],
        monotonic: Callable[[], float],
        *,
        gap_s: float = OWNER_GAP_S,
    ) -> None:
        self._sleep = sleep
        self._owner = Spacing(monotonic, gap_s)
        self._waiting = False
        self._wake = asyncio.Event()
        self._waiters: list[asyncio.Future[None]] = []

    async def wait(self, seconds: float) -> None:
        """Wait `seconds`, or until `ask()` cuts the wait short."""
        self._wake.clear()
        self._waiting = True
        sleeping = asyncio.ensure_future(self._sleep(seconds))
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._waiting = False
            for task in (sleeping, woken):
                task.cancel()
            await asyncio.gather(sleeping, woken, return_exceptions=True)

    def ask(self, *, owner: bool = False) -> asyncio.Future[None] | None:
        """End the wait now; return a future done once the next attempt is answered, or None
        when no wait is going on, or the owner asked within the last `gap_s`."""
        if not self._waiting:
            return None
        if owner and not self._owner.take():
            return None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(done)
        self._wake.set()
        return done

    def answered(self) -> None:
        """The attempt after the wait was answered (or ended): tell whoever asked for it."""
        waiters, self._waiters = self._waiters, []
        for done in waiters:
            if not done.done():
                done.set_result(None)
