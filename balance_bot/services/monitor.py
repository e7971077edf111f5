"""The poll: read balances, compare with the stored snapshot, decide what is owed to whom.

A fetch that failed or looks wrong (an empty list where the account held something) is never
compared: no alert ever claims money vanished because the exchange hiccupped. A poll's new
snapshot, its alerts' states, the history rows it explained and the messages it owes are
written in one transaction.

A change is explained from the exchange's history by `services.explainer`, within a short
deadline: the alert never waits for history that lags; what it could not explain is followed
up (stored with the alert) and the alert edited later. Price, value and move alerts wait for
no history read: when a poll reads the history, what needs none is recorded (and handed to
`on_queued`, to deliver) first, in a transaction of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from balance_bot.btcturk.errors import (
    AuthError,
    BadResponse,
    BtcTurkError,
    KeyPaused,
    StampRejected,
)
from balance_bot.core.changes import BalanceChange, Holding, detect_changes, is_suspicious
from balance_bot.core.explain import Explanation
from balance_bot.core.i18n import View
from balance_bot.core.notify import Level, NotificationKind, Setting, change_kind
from balance_bot.core.orders import FillStory
from balance_bot.core.seen_prices import seen_window
from balance_bot.core.settings import Settings
from balance_bot.core.texts.alerts import alert_fired
from balance_bot.core.texts.explain import explained_change_alert
from balance_bot.core.texts.notices import (
    change_alert,
    exchange_accepts_key,
    exchange_back,
    exchange_down,
    exchange_refuses_key,
)
from balance_bot.core.thresholds import DEFAULT_PRECISION, decide, observe
from balance_bot.core.valuation import Portfolio
from balance_bot.services.chats import ChatViews
from balance_bot.services.clock_steps import WallSteps
from balance_bot.services.explainer import ChangeReport, Explainer
from balance_bot.services.moves import MoveWatch
from balance_bot.services.notifications import notifications_for
from balance_bot.services.portfolio import PortfolioService
from balance_bot.services.roster import Roster
from balance_bot.services.told import ToldOnce
from balance_bot.store.models import AlertRule, NewNotification
from balance_bot.store.store import Store

if TYPE_CHECKING:  # the order watch rides on the live feed, which wakes this poll
    from balance_bot.services.orders import OrderWatch

log = logging.getLogger(__name__)

# Kept as exchange_down_since and exchange_down_reason ("auth" when BTCTurk refuses the key).
DOWN = "exchange_down"
DOWN_DETAILS = ("since", "reason")
AUTH = "auth"
DOWN_AFTER_FAILURES = 3
DOWN_AFTER = timedelta(minutes=2)
SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class PollOutcome:
    """What one poll did: whether it read the account, and how many messages it queued."""

    succeeded: bool
    queued: int
    changed: bool = False  # a change to tell was found (an alert owed, or held by a chat)


class Monitor:
    """Poll the account and queue change, threshold and reachability notifications."""

    def __init__(
        self,
        settings: Settings,
        portfolio: PortfolioService,
        store: Store,
        views: ChatViews,
        clock: Callable[[], datetime],
        roster: Roster,
        explainer: Explainer | None = None,
        *,
        on_queued: Callable[[], None] | None = None,
        steps: WallSteps,
        moves: MoveWatch,
        orders: OrderWatch | None = None,
    ) -> None:
        """`on_queued` is told when a poll queued messages before it is over (to deliver);
        `steps` tells when the wall clock stepped; `moves` keeps the values move alerts
        compare with; `orders` (with the live feed) tells orders placed and cancelled, and
        is checked against each poll's balances."""
        self._settings = settings
        self._on_queued = on_queued
        self._explainer = explainer
        self._roster = roster
        self._views = views
        self._portfolio = portfolio
        self._store = store
        self._clock = clock
        self._steps = steps
        self._moves = moves
        self._orders = orders
        self._told_by_feed = False  # the last poll left order moves to the feed's events
        self.failures = 0
        self._failing_since: datetime | None = None
        self._reads_at_failure = 0  # the portfolio's reads when the last poll failed
        self._lock = asyncio.Lock()
        # The monitor is the only writer of the snapshot: after the first poll reads it from
        # the store, it keeps it here and writes only changes.
        self._loaded = False
        self._snapshot: dict[str, Holding] | None = None
        self._snapshot_at: datetime | None = None
        self._read_at: datetime | None = None  # the last poll that read the account
        self._outage = ToldOnce(store, DOWN, DOWN_DETAILS)  # the chats told BTCTurk is down

    @property
    def answering(self) -> bool:
        """Tell whether BTCTurk answers: no poll failed lately, or a read of the account (a
        command's too) worked since the last one that did."""
        return self.failures == 0 or self._portfolio.reads > self._reads_at_failure

    async def poll(self) -> PollOutcome:
        """Poll once (one poll at a time); never raises for an exchange failure."""
        async with self._lock:
            return await self._poll()

    async def follow_up(self) -> int:
        """Look at the history for the alerts it did not explain yet; return how many messages
        (edits) were queued. No poll waits for the read."""
        if self._explainer is None:
            return 0
        return len(await self._explainer.follow_up(self._lock))

    async def _load(self) -> None:
        if not self._loaded:
            stored = await self._store.last_snapshot()
            self._snapshot = stored[0] if stored is not None else None
            self._snapshot_at = stored[1] if stored is not None else None
            self._loaded = True

    async def _poll(self) -> PollOutcome:
        await self._load()
        now = self._clock()
        await self._follow_step()
        try:
            fetch = await self._portfolio.fetch(max_age_s=0)
        except BtcTurkError as error:
            return await self._failed(now, error)
        portfolio = fetch.portfolio
        current = portfolio.holdings()
        previous = self._snapshot
        if previous is not None and is_suspicious(previous, current):
            return await self._failed(now, BadResponse("an empty balance list"))
        self.failures, self._failing_since = 0, None
        down = await self._outage.told()
        owed = await self._back_notice(down)
        changes = [] if previous is None else await self._changes(previous, current, portfolio)
        states, alerts_owed, fired = await self._threshold_notifications(
            await self._store.all_alerts(), portfolio, now
        )
        queued = 0
        explainer = self._explainer
        if explainer is not None and explainer.needs_history(changes):
            owed += alerts_owed  # first, in their own transaction: they need no history
            if owed or states:
                await self._store.record_poll(None, now, owed, states, fired=fired)
                queued, owed, states, fired, alerts_owed = len(owed), [], {}, [], []
                if self._on_queued is not None:
                    self._on_queued()
        report = ChangeReport()
        follow_up = None
        if changes:
            report = await self._change_notifications(changes, portfolio, now)
            owed += report.owed
            if explainer is not None:
                follow_up = explainer.follow_up_of(report, report.alerts, now)
        owed += alerts_owed
        moved = current != previous
        seen = seen_window(changes, portfolio, self._read_at or self._snapshot_at or now, now)
        if owed or states or moved or report.explained:  # unchanged: no disk write
            await self._store.record_poll(
                current,
                now,
                owed,
                states,
                explained=report.explained,
                flows=report.flows,
                fired=fired,
                follow_up=follow_up,
                seen=seen,
            )
            self._snapshot, self._snapshot_at = current, now
        self._read_at = now
        if explainer is not None:
            explainer.polled(portfolio)
        if self._orders is not None:
            await self._orders.polled(portfolio, now)
        if down is not None:  # after the notice is safely queued: repeat rather than lose
            await self._outage.forget()
        queued += len(owed)
        if queued:
            log.info("poll queued %d notification(s)", queued)
        changed = bool(changes) or self._told_by_feed  # the feed told what moved
        return PollOutcome(succeeded=True, queued=queued, changed=changed)

    async def _changes(
        self, previous: Mapping[str, Holding], current: Mapping[str, Holding], portfolio: Portfolio
    ) -> list[BalanceChange]:
        """Return the changes to tell: orders only where a chat hears of them and the live
        feed's order events do not tell them, and requests."""
        changes = detect_changes(previous, current, include_order_moves=True)
        moved = any(c.is_order_move for c in changes)
        self._told_by_feed = moved and self._orders is not None and self._orders.tells_orders
        if self._told_by_feed or (moved and not await self._order_moves_wanted()):
            changes = [c for c in changes if not c.is_order_move]  # settings read only then
        if self._explainer is not None:
            changes = self._explainer.with_requests(changes, previous, current, portfolio)
        return changes

    async def _change_notifications(
        self, changes: list[BalanceChange], portfolio: Portfolio, now: datetime
    ) -> ChangeReport:
        report, explainer = ChangeReport(), self._explainer
        explanation = None
        if explainer is not None:
            since = min(self._snapshot_at or now, now)  # a step back before a restart
            explanation = await explainer.explain(changes, portfolio, since, now, report)
        stories: dict[str, FillStory] = {}
        if self._orders is not None:
            stories = self._orders.fill_stories(explanation, changes, now)
        text = _change_text(changes, explanation, portfolio, stories)
        requested = explanation is not None and bool(explanation.pending)
        # a request is no order move
        kind = NotificationKind.CHANGE if requested else change_kind(changes)
        report.alerts = await self._views.notifications(self._chats, kind, text)
        report.owed += report.alerts
        return report

    async def _order_moves_wanted(self) -> bool:
        """Tell whether any chat hears of orders placed or cancelled (/notify orders)."""
        default = self._settings.notify_order_changes
        for chat_id in self._chats:
            level = (await self._store.chat_settings(chat_id)).notify.get(Setting.ORDERS)
            if (default if level is None else level) is not Level.OFF:
                return True
        return False

    @property
    def _chats(self) -> list[int]:
        return self._roster.chat_ids()

    async def _threshold_notifications(
        self,
        rules: list[AlertRule],
        portfolio: Portfolio,
        now: datetime,
    ) -> tuple[dict[int, bool], list[NewNotification], list[int]]:
        """Return the alerts' changed flags, the messages they owe and the ids that fired."""
        states: dict[int, bool] = {}
        owed: list[NewNotification] = []
        fired: list[int] = []
        seen = await self._moves.observe(rules, portfolio, now)
        for rule in rules:
            spec = rule.spec
            value, move = observe(spec, portfolio, seen.get(rule.id))
            fire, triggered = decide(
                spec, rule.triggered, value, last_fired_at=rule.last_fired_at, now=now
            )
            if triggered != rule.triggered:
                states[rule.id] = triggered
            if fire and value is not None:
                fired.append(rule.id)
                precision = portfolio.precision(rule.target)
                precision = DEFAULT_PRECISION if precision is None else precision
                view = await self._views.view(rule.chat_id)
                text = alert_fired(rule.id, spec, value, move, precision, portfolio, view)
                owed += notifications_for([rule.chat_id], _threshold_kind(rule), text)
        return states, owed, fired

    async def _failed(self, now: datetime, error: BtcTurkError) -> PollOutcome:
        self.failures += 1
        self._failing_since = self._failing_since or now
        self._reads_at_failure = self._portfolio.reads
        if isinstance(error, KeyPaused):  # said once, when the pause began
            log.debug("poll skipped (%d in a row): %s", self.failures, error)
        else:
            log.warning("poll failed (%d in a row): %s", self.failures, error)
        long_enough = now - self._failing_since >= DOWN_AFTER
        if self.failures < DOWN_AFTER_FAILURES or not long_enough:
            return PollOutcome(succeeded=False, queued=0)
        if await self._outage.told() is not None:
            return PollOutcome(succeeded=False, queued=0)
        since = self._failing_since
        refused = isinstance(error, AuthError) and not isinstance(error, StampRejected)
        refusal = error.refusal if isinstance(error, AuthError) else None  # the likely cause

        def notice(view: View) -> str:
            if refused:
                return exchange_refuses_key(since, view, refusal)
            return exchange_down(since, view)

        owed = await self._views.notifications(self._chats, NotificationKind.STATUS, notice)
        await self._store.enqueue(owed)
        await self._outage.tell(since=since.isoformat(), reason=AUTH if refused else None)
        return PollOutcome(succeeded=False, queued=len(owed))

    async def _follow_step(self) -> None:
        """After the wall clock stepped, move the times that measure real time with it: the
        snapshot's (the history window starts there), the failures' and the cooldowns'."""
        step = self._steps.look()
        if not step:
            return
        log.warning("the wall clock stepped %+.0f s; times kept are moved with it", step / SECOND)
        if self._snapshot_at is not None:
            self._snapshot_at += step
        if self._read_at is not None:
            self._read_at += step
        if self._failing_since is not None:
            self._failing_since += step
        await self._store.shift_cooldowns(step)

    async def _back_notice(self, down: Mapping[str, str | None] | None) -> list[NewNotification]:
        """Return the 'reachable again' notice when the chats were told BTCTurk was down."""
        if down is None or down["since"] is None:
            return []
        since = datetime.fromisoformat(down["since"])
        notice = exchange_accepts_key if down["reason"] == AUTH else exchange_back
        return await self._views.notifications(
            self._chats, NotificationKind.STATUS, lambda view: notice(since, view)
        )


def _change_text(
    changes: list[BalanceChange],
    explanation: Explanation | None,
    portfolio: Portfolio,
    stories: Mapping[str, FillStory],
) -> Callable[[View], str]:
    """Return the change alert in a chat's language: explained when the history was read;
    the orders whose fills it tells, with how far they filled."""

    def text(view: View) -> str:
        if explanation is None:
            return change_alert(changes, portfolio, view, list(stories.values()))
        return explained_change_alert(changes, explanation, portfolio, view, stories)

    return text


def _threshold_kind(rule: AlertRule) -> NotificationKind:
    """Return the kind of a threshold alert: urgent ones pass quiet hours."""
    return NotificationKind.URGENT if rule.urgent else NotificationKind.THRESHOLD
