"""Read the account's whole history once, backwards in 30-day windows, then keep it current.

The stop rule: the backward read ends at the account's first transaction, known only by the
absence of older ones. It stops after `EMPTY_WINDOWS_TO_STOP` consecutive empty windows (two
years without a single fill, deposit or withdrawal) or at `FLOOR` (2013-01-01, before BTCTurk
opened), whichever comes first. A longer idle stretch before the first transactions would be
missed; the P&L's "incomplete history" check then catches every asset whose units it leaves
unexplained.

Each window's records and the progress are stored in one transaction: a restart resumes
after the last window kept. Requests keep to the client's rate budget, and the backfill
pauses `pace_s` between windows so the poll's own history requests still find room.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import BtcTurkError, HistoryRefused
from balance_bot.btcturk.history import MAX_WINDOW_MS
from balance_bot.services.history import from_ms, to_ms
from balance_bot.store.database import StoreError
from balance_bot.store.trades import TradeStore

log = logging.getLogger(__name__)

FLOOR = datetime(2013, 1, 1, tzinfo=UTC)
EMPTY_WINDOWS_TO_STOP = 24  # 30-day windows: about two years
OVERLAP_MS = 86_400_000  # forward reads go over the last day again: history can lag
PACE_S = 1.0
FORWARD_INTERVAL_S = 600.0
RETRY_S = 60.0
OLDEST_KEY = "backfill_oldest_ms"  # everything from here to NEWEST_KEY is stored
NEWEST_KEY = "backfill_newest_ms"
EMPTY_KEY = "backfill_empty_windows"
DONE_KEY = "backfill_done"
KEYS = (OLDEST_KEY, NEWEST_KEY, EMPTY_KEY, DONE_KEY)


@dataclass(frozen=True, slots=True)
class BackfillState:
    """How far back the stored history goes, and whether it reaches the first transaction."""

    oldest: datetime | None  # None before the first window was read
    newest: datetime | None
    complete: bool
    first: datetime | None = None  # the oldest transaction stored


class Backfill:
    """The history cache's reader: `run()` is the background task, `step()` one window."""

    def __init__(
        self,
        client: BtcTurkClient,
        trades: TradeStore,
        clock: Callable[[], datetime],
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        pace_s: float = PACE_S,
        forward_interval_s: float = FORWARD_INTERVAL_S,
        floor: datetime = FLOOR,
        empty_windows_to_stop: int = EMPTY_WINDOWS_TO_STOP,
    ) -> None:
        self._client = client
        self._trades = trades
        self._clock = clock
        self._sleep = sleep
        self._pace_s = pace_s
        self._forward_interval_s = forward_interval_s
        self._floor_ms = to_ms(floor)
        self._empty_to_stop = empty_windows_to_stop
        self._task: asyncio.Task[None] | None = None
        self.state = BackfillState(None, None, complete=False)
        self.changed = asyncio.Event()  # set after every window stored

    async def load(self) -> BackfillState:
        """Read the stored progress into `state` and return it."""
        stored = await self._trades.progress(KEYS)
        oldest, newest = stored[OLDEST_KEY], stored[NEWEST_KEY]
        first = await self._trades.first_at_ms()
        self.state = BackfillState(
            oldest=None if oldest is None else from_ms(int(oldest)),
            newest=None if newest is None else from_ms(int(newest)),
            complete=stored[DONE_KEY] == "1",
            first=None if first is None else from_ms(first),
        )
        return self.state

    async def step(self) -> bool:
        """Read and store one window (back while incomplete, else forward to now).

        Return True when there is more to read back. Raises the client's errors.
        """
        stored = await self._trades.progress(KEYS)
        now_ms = to_ms(self._clock())
        if stored[DONE_KEY] != "1":
            await self._step_back(stored, now_ms)
        else:
            await self._step_forward(stored, now_ms)
        await self.load()
        self.changed.set()
        return not self.state.complete

    async def _step_back(self, stored: dict[str, str | None], now_ms: int) -> None:
        oldest = int(stored[OLDEST_KEY] or now_ms + 1)
        newest = stored[NEWEST_KEY] or str(now_ms)
        empty = int(stored[EMPTY_KEY] or 0)
        start = max(self._floor_ms, oldest - MAX_WINDOW_MS)
        history = await self._client.get_history(start, oldest - 1)
        empty = 0 if history.fills or history.transfers else empty + 1
        done = start <= self._floor_ms or empty >= self._empty_to_stop
        added = await self._trades.save_window(
            history,
            {
                OLDEST_KEY: str(start),
                NEWEST_KEY: newest,
                EMPTY_KEY: str(empty),
                DONE_KEY: "1" if done else None,
            },
        )
        log.debug("history back to %s: %d new records", from_ms(start).date(), added)
        if done:
            log.info("history read back to %s: complete", from_ms(start).date())

    async def _step_forward(self, stored: dict[str, str | None], now_ms: int) -> None:
        newest = int(stored[NEWEST_KEY] or now_ms)
        start = max(int(stored[OLDEST_KEY] or 0), newest - OVERLAP_MS)
        start = min(start, now_ms - OVERLAP_MS)  # the clock stepped back past the newest
        history = await self._client.get_history(start, now_ms)
        await self._trades.save_window(history, {NEWEST_KEY: str(now_ms)})

    async def run(self, first_s: float = 0.0) -> None:
        """After `first_s`, read back until complete, then forward every `forward_interval_s`.

        Never raises: a failed window is tried again later.
        """
        await self.load()
        await self._sleep(first_s)
        while True:
            try:
                more = await self.step()
                wait = self._pace_s if more else self._forward_interval_s
            except HistoryRefused as refused:
                # The client's latch decides when BTCTurk is asked again (hours later, or at
                # once after "Check again"); asking it costs no request meanwhile.
                wait = min(refused.retry_in_s, RETRY_S)
            except (BtcTurkError, StoreError) as error:
                log.warning("reading the history failed (%s); again in %.0f s", error, RETRY_S)
                wait = RETRY_S
            await self._sleep(wait)

    def start(self, first_s: float = 0.0) -> None:
        """Run `run(first_s)` as a background task."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(first_s), name="backfill")

    async def stop(self) -> None:
        """Cancel the background task and wait until it is done."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
