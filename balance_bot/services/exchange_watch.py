"""BTCTurk's own status of its coins and pairs, read every few minutes: what changed for the
coins the owner holds or has alerts on is told once.

Each read of `exchangeinfo` (public, cached by the exchange) is compared with the last
(core/exchange_status.py): a coin's deposits or withdrawals closed or open again, per network;
a pair stopped, gone from the list, trading again, or new. The state read is kept in the
store's meta table with the messages it owes, in one transaction: a restart neither repeats
nor loses a notice, and the first read after install is the baseline, told to nobody. A read
that fails says nothing to the chats: /status shows a data note until one works again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.core.exchange_status import (
    ExchangeState,
    closed_now,
    compare,
    concerning,
    state_from_json,
    state_to_json,
    stopped_pairs,
)
from balance_bot.core.i18n import View
from balance_bot.core.notify import NotificationKind
from balance_bot.core.texts.exchange import exchange_notice, exchange_status_lines
from balance_bot.core.thresholds import TOTAL
from balance_bot.services.chats import ChatViews
from balance_bot.store.store import Store

log = logging.getLogger(__name__)

STATE_KEY = "exchange_state"


class ExchangeWatch:
    """Read BTCTurk's status, tell what changed for the owner's coins, keep what is closed."""

    def __init__(
        self,
        client: BtcTurkClient,
        store: Store,
        views: ChatViews,
        chats: Callable[[], Iterable[int]],
        clock: Callable[[], datetime],
    ) -> None:
        self._client = client
        self._store = store
        self._views = views
        self._chats = chats
        self._clock = clock
        self._state: ExchangeState | None = None
        self._loaded = False
        self.unread_since: datetime | None = None  # reads have failed since then
        self.read_at: datetime | None = None  # the last read that worked

    async def check(self) -> int:
        """Read the status once, tell what changed; return how many messages it queued."""
        now = self._clock()
        before = await self.state()
        try:
            info = await self._client.get_exchange_info()
        except BtcTurkError as error:
            if self.unread_since is None:
                log.warning("BTCTurk's status of coins and pairs could not be read: %s", error)
                self.unread_since = now
            else:
                log.debug("BTCTurk's status still cannot be read: %s", error)
            return 0
        if self.unread_since is not None:
            log.info("BTCTurk's status of coins and pairs is read again")
            self.unread_since = None
        self.read_at = now
        after, changes = compare(before, info, now)
        told = concerning(changes, await self.watched())
        owed = []
        if told:
            log.info("BTCTurk's status changed for the owner's coins: %d line(s)", len(told))
            owed = await self._views.notifications(
                self._chats(),
                NotificationKind.EXCHANGE,
                lambda view: exchange_notice(told, now, view),
            )
        if after != before or owed:
            await self._store.set_meta_and_enqueue(STATE_KEY, state_to_json(after), owed)
        self._state = after
        return len(owed)

    async def state(self) -> ExchangeState | None:
        """Return the last state read (from the store after a restart); None before any."""
        if not self._loaded:
            self._state = state_from_json(await self._store.get_meta(STATE_KEY))
            self._loaded = True
        return self._state

    async def watched(self) -> set[str]:
        """Return the coins the owner holds or has an alert on."""
        coins = {rule.target for rule in await self._store.all_alerts() if rule.target != TOTAL}
        last = await self._store.last_snapshot()
        if last is not None:
            coins |= {asset for asset, holding in last[0].items() if holding.total != 0}
        return coins

    async def status_lines(self, view: View) -> list[str]:
        """Return /status's lines: what is closed or stopped now for the owner's coins."""
        state = await self.state()
        if state is None:
            return []
        coins = await self.watched()
        return exchange_status_lines(closed_now(state, coins), stopped_pairs(state, coins), view)
