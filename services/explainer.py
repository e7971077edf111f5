"""Explain a poll's changes from the exchange's history, and tell what arrives late.

History lags the balance (a deposit is listed once confirmed), so a change the history does
not account for yet is held for up to HOLD_POLLS polls (the monitor keeps its snapshot, so
the next poll compares from before), then sent with what is known; what the history lists
later, within FOLLOW_UP_POLLS polls, is told in a short follow-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from btcturk.errors import BtcTurkError
from btcturk.models import History
from core.changes import BalanceChange, Holding, detect_changes
from core.explain import Explanation, Remainder, explain, explain_remainders
from core.texts.explain import follow_up_message
from core.texts.history import history_permission_notice
from core.valuation import Portfolio
from services.chats import ChatViews
from services.history import HistoryAccess, candidate_ids, flows_of
from store.models import MoneyFlow, NewNotification, TransactionKey
from store.store import Store

log = logging.getLogger(__name__)

HOLD_POLLS = 2  # a change the history does not explain yet waits at most this many polls
FOLLOW_UP_POLLS = 10  # what an alert left unexplained is looked for this many polls more


@dataclass(slots=True)
class ChangeReport:
    """What the change part of a poll owes, explained and moved, and whether it waits."""

    owed: list[NewNotification] = field(default_factory=list)
    explained: set[TransactionKey] = field(default_factory=set)
    flows: list[MoneyFlow] = field(default_factory=list)
    held: bool = False


@dataclass(slots=True)
class _OpenChange:
    """What a sent alert left unexplained, looked for in the history of later polls."""

    remainders: tuple[Remainder, ...]
    since: datetime  # the start of the window the change happened in
    sent_at: datetime
    polls_left: int = FOLLOW_UP_POLLS


class Explainer:
    """Read the history for a poll's changes; hold what it lags on; follow up what comes late."""

    def __init__(
        self,
        history: HistoryAccess,
        store: Store,
        views: ChatViews,
        chats: Callable[[], list[int]],
    ) -> None:
        self._history = history
        self._store = store
        self._views = views
        self._chats = chats
        self._requested: dict[str, Decimal] = {}  # withdrawal requests at the last poll
        self._held_polls = 0
        self._open: _OpenChange | None = None

    @property
    def waiting(self) -> bool:
        """Tell whether a change waits for its explanation (held, or an open remainder)."""
        return self._held_polls > 0 or self._open is not None

    def with_requests(
        self,
        changes: list[BalanceChange],
        previous: Mapping[str, Holding],
        current: Mapping[str, Holding],
        portfolio: Portfolio,
    ) -> list[BalanceChange]:
        """Add the assets whose withdrawal request grew: money only moved into locked."""
        grown = {a for a, v in requested(portfolio).items() if v > self._requested.get(a, 0)}
        grown -= {c.asset for c in changes}
        if not grown:
            return changes
        moves = detect_changes(previous, current, include_order_moves=True)
        return sorted(changes + [c for c in moves if c.asset in grown], key=lambda c: c.asset)

    async def explain(
        self,
        changes: list[BalanceChange],
        portfolio: Portfolio,
        since: datetime,
        now: datetime,
        report: ChangeReport,
    ) -> Explanation | None:
        """Return what the history says of `changes`, or None when it cannot be read; True in
        `report.held` when the alert is to wait a poll for history that lags."""
        history = History()
        if any(c.difference != 0 for c in changes):  # order moves alone need no history
            read = await self._read(since, now, report)
            if read is None:
                self._held_polls = 0
                return None
            history = read
        before = await self._store.explained_among(candidate_ids(history) - report.explained)
        explanation = explain(
            changes,
            history,
            before | report.explained,
            requested=requested(portfolio),
            requested_before=self._requested,
            precisions=portfolio.precisions,
        )
        if not explanation.complete and self._held_polls < HOLD_POLLS:
            self._held_polls += 1
            report.held = True
            return explanation
        self._held_polls = 0
        report.explained |= explanation.consumed
        report.flows += flows_of(explanation, portfolio.quote, portfolio.prices)
        remainders = explanation.remainders()
        self._open = _OpenChange(remainders, since, now) if remainders else None
        return explanation

    def unchanged(self) -> None:
        """Note a poll without changes: nothing is held any more."""
        self._held_polls = 0

    def polled(self, portfolio: Portfolio) -> None:
        """Remember this poll's withdrawal requests, to tell a new one at the next poll; while
        a change is held, those of the poll it compares from stay."""
        if self._held_polls == 0:
            self._requested = requested(portfolio)

    async def follow_up(self, portfolio: Portfolio, now: datetime, report: ChangeReport) -> None:
        """Tell what history that arrived late explains of the last alert's remainder."""
        still = self._open
        if still is None:
            return
        still.polls_left -= 1
        if still.polls_left <= 0:
            self._open = None
        history = await self._read(still.since, now, report)
        if history is None:
            return
        before = await self._store.explained_among(candidate_ids(history))
        explanation = explain_remainders(
            still.remainders, history, before, precisions=portfolio.precisions
        )
        if not explanation.explains_anything:
            return
        report.explained |= explanation.consumed
        report.flows += flows_of(explanation, portfolio.quote, portfolio.prices)
        report.owed += await self._views.notifications(
            self._chats(),
            "change",
            lambda view: follow_up_message(explanation, still.sent_at, view, portfolio),
        )
        remainders = explanation.remainders()
        self._open = _OpenChange(remainders, still.since, still.sent_at, still.polls_left)
        if not remainders or still.polls_left <= 0:
            self._open = None

    async def _read(self, since: datetime, now: datetime, report: ChangeReport) -> History | None:
        """Read the history of a window; None when refused (told once) or failing now."""
        try:
            history = await self._history.read(since, now)
        except BtcTurkError as error:
            log.info("history unavailable, the change goes unexplained: %s", error)
            return None
        if await self._history.refusal_news():
            report.owed += await self._views.notifications(
                self._chats(), "status", history_permission_notice
            )
        return history


def requested(portfolio: Portfolio) -> dict[str, Decimal]:
    """Return what each asset has waiting for a withdrawal request, where the exchange says."""
    return {p.asset: p.request_fund for p in portfolio.positions if p.request_fund}
