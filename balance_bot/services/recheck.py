"""The owner's "Check again" (/status): ask BTCTurk again what its refusals keep closed.

BTCTurk's refusals are latched so they never turn into a loop of refused requests: a refused
key waits up to an hour, the history's Account permission six hours, the live feed's
WebSocket permission an hour. An owner who has just fixed the key or its permissions need not
wait: one press tries the key once, reads the history once and logs the feed in once, at most
once a minute, within the client's budget of refused requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from balance_bot.btcturk.auth_backoff import OWNER_GAP_S, Spacing
from balance_bot.btcturk.errors import BtcTurkError

if TYPE_CHECKING:  # services.clocks reads FEED_ANSWER_S here, and the account is built on it
    from balance_bot.services.account import Account

log = logging.getLogger(__name__)
FEED_ANSWER_S = 15.0  # how long a press waits for the feed's login to be answered


class CheckAgain:
    """Ask again, on the owner's request, whatever BTCTurk refused: at most once a minute."""

    def __init__(
        self,
        account: Account,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        gap_s: float = OWNER_GAP_S,
        feed_answer_s: float = FEED_ANSWER_S,
    ) -> None:
        self._client = account.client
        self._portfolio = account.portfolio
        self._history = account.history
        self._feed = account.feed
        self._gate = Spacing(monotonic, gap_s)
        self._feed_answer_s = feed_answer_s

    def wait_s(self) -> float:
        """Return the seconds before the owner may ask again (0: now)."""
        return self._gate.wait_s()

    async def run(self, now: datetime) -> bool:
        """Try the key, the history and the feed's login once each, those that were refused;
        return False when asked within the last minute (nothing was asked)."""
        if not self._gate.take():
            return False
        if self._client.auth_backoff.owner_try():  # first: a key that works opens the rest
            with contextlib.suppress(BtcTurkError):  # /status tells what came of it
                await self._portfolio.fetch(max_age_s=0)
        await self._history.check_again(now)
        login = None if self._feed is None else self._feed.recheck(owner=True)
        if login is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(login), self._feed_answer_s)
        log.info("the owner asked BTCTurk again what it refused")
        return True
