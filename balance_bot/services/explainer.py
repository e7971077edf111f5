"""Explain a poll's changes from the exchange's history, and tell what arrives late.

The alert never waits long for the history. The poll reads it inline with a short deadline
(INLINE_S): when it answers in time and lists every row (the common case for fills), the
first alert is explained. Otherwise the alert goes out at once with what is known (the
figures, and "❔ … not in the history yet" for the rest), and what is still open is stored as
a follow-up in the poll's own transaction. The history is looked at again LOOKS_S after the
alert (2, 5, 15 s), then every `period_s`, for FOLLOW_UP_FOR, each look one read for every
follow-up due, cut at READ_TIMEOUT_S; what it explains EDITS the alert in place (or replies
to it where it cannot be edited, see services.delivery). A later change's read lets the open
follow-ups take their rows first, so a row is told in the alert that missed it, never in the
next one. After a read that failed or did not answer in time, changes do not wait for the
history at all until a read works again.

What a follow-up explains is valued at the prices the alert's poll read (kept with what it
left open): a deposit listed late is worth what it was when the balance changed, never what
it is at the look that found its row.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum

from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.btcturk.models import History
from balance_bot.core.changes import BalanceChange, Holding, detect_changes
from balance_bot.core.explain import Explanation, Remainder, explain, explain_remainders
from balance_bot.core.notify import NotificationKind
from balance_bot.core.seen_prices import MAX_WINDOW
from balance_bot.core.split import split_message
from balance_bot.core.texts.explain import follow_up_message
from balance_bot.core.texts.history import history_permission_notice
from balance_bot.core.texts.late import explained_later
from balance_bot.core.valuation import Portfolio
from balance_bot.services.chats import ChatViews
from balance_bot.services.history import HistoryAccess, candidate_ids, flows_of, to_ms
from balance_bot.store.models import (
    FollowUp,
    MoneyFlow,
    NewFollowUp,
    NewNotification,
    TransactionKey,
)
from balance_bot.store.store import Store

log = logging.getLogger(__name__)

INLINE_S = 1.5  # how long a poll waits for the history before it alerts without it
READ_TIMEOUT_S = 5.0  # a follow-up's read of the history, all its requests and retries
LOOKS_S = (2.0, 5.0, 15.0)  # after the alert, the history's first looks for what it lacked
FOLLOW_UP_FOR = timedelta(minutes=15)  # then every `period_s`, for this long after the alert

Lock = asyncio.Lock


class _Unanswered(Enum):
    """The history did not answer (in time): the change is told without it, for now."""

    UNANSWERED = "unanswered"


UNANSWERED = _Unanswered.UNANSWERED


@dataclass(slots=True)
class ChangeReport:
    """What the change part of a poll owes and explained, and what it leaves open."""

    owed: list[NewNotification] = field(default_factory=list)
    alerts: list[NewNotification] = field(default_factory=list)  # the change alert's messages
    explained: set[TransactionKey] = field(default_factory=set)
    flows: list[MoneyFlow] = field(default_factory=list)
    remainders: tuple[Remainder, ...] = ()  # left for a follow-up
    since: datetime | None = None  # the start of the window the change happened in


def next_look(sent_at: datetime, looks: int, period_s: float) -> datetime:
    """Return when a follow-up looks at the history after `looks` looks."""
    if looks < len(LOOKS_S):
        return sent_at + timedelta(seconds=LOOKS_S[looks])
    extra = looks - len(LOOKS_S) + 1
    return sent_at + timedelta(seconds=LOOKS_S[-1] + extra * period_s)


class Explainer:
    """Read the history for a poll's changes; follow up what it lists late."""

    def __init__(
        self,
        history: HistoryAccess,
        store: Store,
        views: ChatViews,
        chats: Callable[[], list[int]],
        *,
        clock: Callable[[], datetime],
        quote: str = "TRY",
        period_s: float = 60.0,
        inline_s: float = INLINE_S,
        timeout_s: float = READ_TIMEOUT_S,
    ) -> None:
        self._history = history
        self._store = store
        self._views = views
        self._chats = chats
        self._clock = clock
        self._quote = quote
        self._period_s = period_s
        self._inline_s = inline_s
        self._timeout_s = timeout_s
        self._requested: dict[str, Decimal] = {}  # withdrawal requests at the last poll
        self._answering = True  # the last read of the history answered in time
        self._portfolio: Portfolio | None = None  # the last poll's, for prices and precisions
        self._next_at: datetime | None = None  # the earliest look due; None: nothing open
        self._loaded = False

    @property
    def waiting(self) -> bool:
        """Tell whether an alert waits for its explanation (a follow-up is open)."""
        return not self._loaded or self._next_at is not None

    def needs_history(self, changes: list[BalanceChange]) -> bool:
        """Tell whether explaining `changes` will read the history (money moved)."""
        return self._answering and any(c.difference != 0 for c in changes)

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
        """Return what the history says of `changes` within INLINE_S; None when it cannot be
        read (refused, failing, or late). What it leaves open is put in `report.remainders`."""
        history = History()
        if any(c.difference != 0 for c in changes):  # order moves alone need no history
            read: History | _Unanswered | None = UNANSWERED
            if self._answering:
                read = await self._read(since, now, report.owed, self._inline_s)
            if read is None:  # refused: said once, and nothing to follow up
                return None
            if read is UNANSWERED:
                unexplained = self._explain(changes, History(), set(), portfolio)
                report.remainders = priced(unexplained.remainders(), portfolio.prices)
                report.since = since
                return None
            history = read
            await self._claim(history, since, now)
        before = await self._store.explained_among(candidate_ids(history) - report.explained)
        explanation = self._explain(changes, history, before | report.explained, portfolio)
        report.explained |= explanation.consumed
        seen = portfolio.prices if now - since <= MAX_WINDOW else {}  # else not "at the time"
        report.flows += flows_of(explanation, portfolio.quote, seen)
        report.remainders = priced(explanation.remainders(), portfolio.prices)
        report.since = since
        return explanation

    def follow_up_of(
        self, report: ChangeReport, alerts: list[NewNotification], now: datetime
    ) -> NewFollowUp | None:
        """Return the follow-up of an alert that left something open, to store with it."""
        if not report.remainders or report.since is None or not alerts:
            return None
        self._next_at = min(filter(None, (self._next_at, next_look(now, 0, self._period_s))))
        return NewFollowUp(
            since=report.since,
            sent_at=now,
            remainders=report.remainders,
            next_at=next_look(now, 0, self._period_s),
            until=now + FOLLOW_UP_FOR,
            alerts=tuple(alerts),
        )

    def polled(self, portfolio: Portfolio) -> None:
        """Remember this poll's withdrawal requests (to tell a new one at the next poll), its
        prices and its precisions (for the follow-ups)."""
        self._requested = requested(portfolio)
        self._portfolio = portfolio

    async def follow_up(self, lock: Lock) -> list[NewNotification]:
        """Look at the history for the follow-ups due; queue the edits of what it explains.

        The read happens outside `lock` (the poll's), so no poll waits for it; deciding what
        it explains and recording it happen inside, so no row is explained twice.
        """
        now = self._clock()
        async with lock:
            due = await self._due(now)
        if not due:
            return []
        owed: list[NewNotification] = []
        read = await self._read(min(f.since for f in due), now, owed, self._timeout_s)
        async with lock:
            still = {f.id: f for f in await self._store.open_follow_ups()}
            due = [still[f.id] for f in due if f.id in still]
            if read is None:  # refused: nothing will explain them (the chats were told)
                await self._store.record_follow_ups(owed, closed=[f.id for f in due])
            else:
                await self._record(due, None if read is UNANSWERED else read, now, owed)
            self._loaded = False  # the next look is read from the store again
        return owed

    async def _claim(self, history: History, since: datetime, now: datetime) -> None:
        """Let the open follow-ups take first the rows of `history` up to `since` (the start of
        the new change's window) that explain them: a row an earlier alert left open is told
        by editing that alert, never in the next change's."""
        if self._loaded and self._next_at is None:
            return  # nothing open
        open_ = await self._store.open_follow_ups()
        if not open_:
            return
        cut = to_ms(since)
        history = History(
            fills=tuple(f for f in history.fills if f.at_ms <= cut),
            transfers=tuple(t for t in history.transfers if t.at_ms <= cut),
        )
        precisions = {} if self._portfolio is None else self._portfolio.precisions
        before = await self._store.explained_among(candidate_ids(history))
        claiming = [
            f
            for f in open_
            if explain_remainders(
                f.remainders, history, before, precisions=precisions
            ).explains_anything
        ]
        if claiming:
            await self._record(claiming, history, now, [])
            self._loaded = False  # the next look is read from the store again

    async def _due(self, now: datetime) -> list[FollowUp]:
        """Return the follow-ups whose next look is due (the store is read only then)."""
        if self._loaded and (self._next_at is None or self._next_at > now):
            return []
        open_ = await self._store.open_follow_ups()
        self._loaded = True
        self._next_at = min((f.next_at for f in open_), default=None)
        return [f for f in open_ if f.next_at <= now]

    async def _record(
        self,
        due: list[FollowUp],
        history: History | None,
        now: datetime,
        owed: list[NewNotification],
    ) -> None:
        """Explain what `history` lists of each follow-up; queue `owed` and the edits, and
        store what is still open, in one transaction. What it explains is valued at the
        prices the follow-up's alert was sent with."""
        portfolio = self._portfolio
        precisions = {} if portfolio is None else portfolio.precisions
        before: set[TransactionKey] = set()
        if history is not None:
            before = await self._store.explained_among(candidate_ids(history))
        explained: set[TransactionKey] = set()
        flows: list[MoneyFlow] = []
        still_open: list[tuple[int, tuple[Remainder, ...], int, datetime]] = []
        closed: list[int] = []
        for follow_up in due:
            remainders = follow_up.remainders
            if history is not None:
                explanation = explain_remainders(
                    remainders, history, before | explained, precisions=precisions
                )
                if explanation.explains_anything:
                    explained |= explanation.consumed
                    quote = self._quote if portfolio is None else portfolio.quote
                    units = alert_prices(remainders)
                    flows += flows_of(explanation, quote, units)
                    owed += await self._edits(follow_up, explanation, units)
                    remainders = priced(explanation.remainders(), units)
            looks = follow_up.looks + 1
            next_at = max(
                next_look(follow_up.sent_at, looks, self._period_s),
                now + timedelta(seconds=LOOKS_S[0]),
            )
            if not remainders or next_at > follow_up.until:
                closed.append(follow_up.id)
            else:
                still_open.append((follow_up.id, remainders, looks, next_at))
        await self._store.record_follow_ups(
            owed, explained=explained, flows=flows, still_open=still_open, closed=closed
        )

    async def _edits(
        self, follow_up: FollowUp, explanation: Explanation, units: Mapping[str, Decimal]
    ) -> list[NewNotification]:
        """Return, per chat, the edit of its alert (with a short reply as its fallback); what
        is still open is valued at the alert's `units`, as the alert valued it."""
        owed: list[NewNotification] = []
        portfolio = self._portfolio
        if portfolio is not None:
            portfolio = dataclasses.replace(portfolio, prices=units)
        for message in await self._store.alert_messages(follow_up.outbox_ids):
            view = await self._views.view(message.chat_id)
            reply = split_message(
                follow_up_message(explanation, follow_up.sent_at, view, portfolio)
            )
            edited = explained_later(message.text, explanation, view, portfolio)
            whole = message.parts == 1 and len(split_message(edited)) == 1
            owed.append(
                NewNotification(
                    message.chat_id,
                    NotificationKind.CHANGE,
                    reply[0],
                    edit_of=message.outbox_id,
                    edit_text=edited if whole else None,
                )
            )
            owed += [
                NewNotification(message.chat_id, NotificationKind.CHANGE, part)
                for part in reply[1:]
            ]
        return owed

    def _explain(
        self,
        changes: list[BalanceChange],
        history: History,
        explained: set[TransactionKey],
        portfolio: Portfolio,
    ) -> Explanation:
        return explain(
            changes,
            history,
            explained,
            requested=requested(portfolio),
            requested_before=self._requested,
            precisions=portfolio.precisions,
        )

    async def _read(
        self, since: datetime, now: datetime, owed: list[NewNotification], timeout_s: float
    ) -> History | _Unanswered | None:
        """Read the history of a window within `timeout_s`; None when refused (told once)."""
        try:
            async with asyncio.timeout(timeout_s):
                history = await self._history.read(since, now)
        except TimeoutError:
            log.info("the history did not answer within %.1f s: explained later", timeout_s)
            self._answering = False
            return UNANSWERED
        except BtcTurkError as error:
            log.info("the history is unavailable, explained later: %s", error)
            self._answering = False
            return UNANSWERED
        self._answering = True
        if await self._history.refusal_news():
            owed += await self._views.notifications(
                self._chats(), NotificationKind.STATUS, history_permission_notice
            )
        return history


def priced(remainders: Sequence[Remainder], prices: Mapping[str, Decimal]) -> tuple[Remainder, ...]:
    """Return `remainders` with the price of each asset in `prices` (the alert's poll's)."""
    return tuple(dataclasses.replace(r, unit=prices.get(r.asset)) for r in remainders)


def alert_prices(remainders: Sequence[Remainder]) -> dict[str, Decimal]:
    """Return the prices an alert was sent with, of the assets it left open."""
    return {r.asset: r.unit for r in remainders if r.unit is not None}


def requested(portfolio: Portfolio) -> dict[str, Decimal]:
    """Return what each asset has waiting for a withdrawal request, where the exchange says."""
    return {p.asset: p.request_fund for p in portfolio.positions if p.request_fund}
