"""The exchange's history as the poll, the summary and /history read it.

A key without the Account permission is normal: `read` answers None (the client asks again
only hours later, at once when the key works again after a refusal, or when the owner asks
with `check_again`), and `refusal_news` tells the monitor once, across restarts, that changes
go unexplained, and once more after the permission came and went again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import BtcTurkError, HistoryRefused
from balance_bot.btcturk.models import History, Transfer
from balance_bot.core.explain import Explanation, TxId, transfer_id
from balance_bot.services.told import ToldOnce
from balance_bot.store.models import MoneyFlow
from balance_bot.store.store import Store

log = logging.getLogger(__name__)
SLACK = timedelta(minutes=2)  # either side of a window: our clock and the exchange's differ
ONE = Decimal(1)


def to_ms(moment: datetime) -> int:
    """Return a moment in ms since the epoch, as the exchange counts."""
    return int(moment.timestamp() * 1000)


def from_ms(at_ms: int) -> datetime:
    """Return the aware UTC moment of an exchange timestamp."""
    return datetime.fromtimestamp(at_ms // 1000, UTC) + timedelta(milliseconds=at_ms % 1000)


def candidate_ids(history: History) -> set[TxId]:
    """Return every id an explanation of `history` could consume."""
    ids: set[TxId] = {("fill", f.id) for f in history.fills}
    ids |= {("order", f.order_id) for f in history.fills}
    return ids | {transfer_id(t) for t in history.transfers}


def flows_of(
    explanation: Explanation, quote: str, prices: Mapping[str, Decimal]
) -> list[MoneyFlow]:
    """Return the deposits and withdrawals an explanation used, valued at `prices`."""
    flows = []
    for transfer in (item for item in explanation.items if isinstance(item, Transfer)):
        unit = ONE if transfer.asset == quote else prices.get(transfer.asset)
        flows.append(
            MoneyFlow(
                at=from_ms(transfer.at_ms),
                kind=transfer.kind,
                asset=transfer.asset,
                amount=transfer.amount,
                value=None if unit is None else transfer.amount * unit,
            )
        )
    return flows


class HistoryAccess:
    """Read history windows, and keep track of whether the key may read them at all."""

    def __init__(self, client: BtcTurkClient, store: Store) -> None:
        self._client = client
        self._told = ToldOnce(store, "history_refused")
        self._read_since_start = False  # a stored "told" is cleared only by a read that worked

    @property
    def refused(self) -> bool:
        """Tell whether the exchange refused the history last time it was asked."""
        return self._client.history_refused

    async def read(
        self, start: datetime, end: datetime, *, slack: timedelta = SLACK
    ) -> History | None:
        """Return the fills and transfers from `start` to `end` (widened by `slack` either
        side); None when the key lacks the Account permission. Other exchange errors raise.

        A `start` after `end` (the wall clock stepped back since) reads the slack around `end`.
        """
        start = min(start, end)
        try:
            history = await self._client.get_history(to_ms(start - slack), to_ms(end + slack))
        except HistoryRefused:
            return None
        self._read_since_start = True
        return history

    async def check_again(self, now: datetime) -> bool:
        """Ask BTCTurk again whether the key may read the history (the owner's request):
        one small read of the trades, at most once a minute. Return whether it was asked."""
        if not self.refused:
            return False
        self._client.reopen_history(owner=True)
        if self._client.history_wait_s() > 0:
            return False  # asked less than a minute ago
        try:
            await self._client.get_fills(to_ms(now - SLACK), to_ms(now))
        except HistoryRefused:
            return True
        except BtcTurkError as error:
            log.info("could not check the history's permission again: %s", error)
            return True
        self._read_since_start = True
        return True

    async def refusal_news(self) -> bool:
        """Return True once when the history became refused (the chats are to be told); a
        read that worked since the start arms it again."""
        return await self._told.news(self.refused, cleared=self._read_since_start)
