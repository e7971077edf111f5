"""The bot's persistent state behind one async facade; every method is one transaction.

Because a poll's snapshot, its alerts' flags and the messages it owes are written together
(`record_poll`), a crash at any point either loses the whole poll (it is redone, nothing was
reported) or keeps all of it (the messages are in the outbox): a change is never reported
twice and an owed message is never lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from balance_bot.core.changes import Holding
from balance_bot.core.explain import Remainder
from balance_bot.core.notify import Level, Setting
from balance_bot.core.quiet import QuietHours
from balance_bot.core.samples import Seen
from balance_bot.core.seen_prices import SeenWindow
from balance_bot.core.thresholds import AlertSpec, Kind
from balance_bot.store import (
    alerts,
    chats,
    follow_ups,
    history,
    outbox,
    portfolio,
    samples,
    snapshots,
    trades,
)
from balance_bot.store.database import Database
from balance_bot.store.models import (
    AlertMessage,
    AlertRule,
    ChatSettings,
    DailyPortfolio,
    FollowUp,
    MoneyFlow,
    NewFollowUp,
    NewNotification,
    OutboxItem,
    TransactionKey,
)

OUTBOX_RETENTION = timedelta(days=7)


def utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


class Store:
    """Snapshots, alerts, chat settings, daily portfolios, the outbox and meta values."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        """Use `db`; `clock` stamps rows whose time the caller does not give."""
        self.db = db
        self._clock = clock

    # Snapshots

    async def last_snapshot(self) -> tuple[dict[str, Holding], datetime] | None:
        """Return the last recorded snapshot and its time, or None before the first poll."""
        return await self.db.run(snapshots.last_snapshot)

    async def record_poll(
        self,
        snapshot: Mapping[str, Holding] | None,
        taken_at: datetime,
        notifications: Sequence[NewNotification],
        alert_states: Mapping[int, bool],
        *,
        explained: Iterable[TransactionKey] = (),
        flows: Sequence[MoneyFlow] = (),
        fired: Collection[int] = (),
        follow_up: NewFollowUp | None = None,
        seen: SeenWindow | None = None,
    ) -> None:
        """Replace the snapshot, store alerts' flags, the history rows it explained and the
        money they moved, and enqueue the messages: all or nothing.

        `fired`: the alerts that fired in this poll (their cooldown starts at `taken_at`);
        `follow_up`: what the change alert (its messages among `notifications`) left open;
        `seen`: the prices read with a change, for the cost of what happened then.
        """
        now = self._clock()
        # Copies, so the caller may keep mutating its own while the worker writes.
        holdings = None if snapshot is None else dict(snapshot)
        owed, states = list(notifications), dict(alert_states)
        keys, moved = list(explained), list(flows)
        fired_ids = list(fired)

        def write(conn: sqlite3.Connection) -> None:
            if holdings is not None:  # None: keep the stored one (a change waits to be explained)
                snapshots.replace_snapshot(conn, holdings, taken_at)
            alerts.set_triggered(conn, states)
            history.mark_explained(conn, keys, now)
            history.add_flows(conn, moved)
            alerts.set_fired(conn, fired_ids, taken_at)
            ids = outbox.enqueue(conn, owed, now)
            if follow_up is not None:
                alerts_ = {id(n) for n in follow_up.alerts}  # the very objects: equal texts differ
                carried = [i for i, n in zip(ids, owed, strict=True) if id(n) in alerts_]
                follow_ups.add_follow_up(conn, follow_up, carried)
            if seen is not None:
                trades.add_seen_window(conn, seen)

        await self.db.run(write)

    # Follow-ups of alerts the history did not explain at once

    async def open_follow_ups(self) -> list[FollowUp]:
        """Return the follow-ups still open, oldest first."""
        return await self.db.run(follow_ups.open_follow_ups)

    async def alert_messages(self, outbox_ids: Sequence[int]) -> list[AlertMessage]:
        """Return each chat's message of an alert as it reads after the edits queued so far."""
        wanted = list(outbox_ids)
        return await self.db.run(lambda conn: follow_ups.alert_messages(conn, wanted))

    async def record_follow_ups(
        self,
        notifications: Sequence[NewNotification],
        *,
        explained: Iterable[TransactionKey] = (),
        flows: Sequence[MoneyFlow] = (),
        still_open: Sequence[tuple[int, tuple[Remainder, ...], int, datetime]] = (),
        closed: Collection[int] = (),
    ) -> None:
        """Enqueue the edits, store the rows they explained and the money moved, and what each
        follow-up still waits for, (id, remainders, looks, next look), or close it: at once."""
        now = self._clock()
        owed, keys, moved = list(notifications), list(explained), list(flows)
        updates, done = list(still_open), list(closed)

        def write(conn: sqlite3.Connection) -> None:
            history.mark_explained(conn, keys, now)
            history.add_flows(conn, moved)
            for follow_up_id, remainders, looks, next_at in updates:
                follow_ups.update_follow_up(conn, follow_up_id, remainders, looks, next_at)
            for follow_up_id in done:
                follow_ups.close_follow_up(conn, follow_up_id)
            outbox.enqueue(conn, owed, now)

        await self.db.run(write)

    # History

    async def explained_among(self, keys: Iterable[TransactionKey]) -> set[TransactionKey]:
        """Return which of `keys` an earlier poll explained."""
        wanted = list(keys)
        return await self.db.run(lambda conn: history.explained_among(conn, wanted))

    async def flows_between(self, start: datetime, end: datetime) -> list[MoneyFlow]:
        """Return the money moved in or out (and fees) with `start` < time <= `end`."""
        return await self.db.run(lambda conn: history.flows_between(conn, start, end))

    async def prune_history(self, before: datetime) -> int:
        """Forget explained ids and money flows older than `before`."""
        return await self.db.run(lambda conn: history.prune_history(conn, before))

    # Values seen (move alerts)

    async def record_seen(
        self,
        values: Mapping[str, Sequence[Seen]],
        *,
        keep: Collection[str] | None = None,
        before: datetime | None = None,
    ) -> None:
        """Store values seen, per target; forget those older than `before` and (when given)
        those of targets not in `keep`."""
        rows = {target: list(seen) for target, seen in values.items()}
        kept = None if keep is None else list(keep)

        def write(conn: sqlite3.Connection) -> None:
            for target, seen in rows.items():
                samples.add_samples(conn, target, seen)
            if before is not None:
                samples.prune_samples(conn, before, kept)

        await self.db.run(write)

    async def seen_since(self, since: datetime) -> dict[str, list[Seen]]:
        """Return, per target, the values seen at or after `since`, oldest first."""
        return await self.db.run(lambda conn: samples.samples_since(conn, since))

    # Alerts

    async def add_alert(
        self,
        chat_id: int,
        spec: AlertSpec,
        *,
        triggered: bool,
        urgent: bool = False,
        seen: Decimal | None = None,
    ) -> AlertRule:
        """Store a new alert for the chat and return it with its id.

        Raises AlertExists when the chat has an alert that watches the same line.
        `seen`: the value a move alert watches now, kept as seen when the alert is set.
        """
        now = self._clock()

        def write(conn: sqlite3.Connection) -> AlertRule:
            rule = alerts.add_alert(
                conn, chat_id, spec, triggered=triggered, urgent=urgent, created_at=now
            )
            if seen is not None and spec.kind is Kind.MOVE:
                samples.add_samples(conn, spec.target, [Seen(rule.created_at, seen)])
            return rule

        return await self.db.run(write)

    async def alerts_for_chat(self, chat_id: int) -> list[AlertRule]:
        """Return the chat's alerts, oldest first."""
        return await self.db.run(lambda conn: alerts.alerts_for_chat(conn, chat_id))

    async def all_alerts(self) -> list[AlertRule]:
        """Return every alert, oldest first."""
        return await self.db.run(alerts.all_alerts)

    async def shift_cooldowns(self, step: timedelta) -> int:
        """Move every alert's cooldown start by `step`, after the wall clock stepped."""
        return await self.db.run(lambda conn: alerts.shift_fired(conn, step))

    async def remove_alert(self, chat_id: int, alert_id: int) -> bool:
        """Delete the chat's own alert; return False when it has no such alert."""
        return await self.db.run(lambda conn: alerts.remove_alert(conn, chat_id, alert_id))

    async def remove_alerts(self, chat_id: int, alert_ids: Sequence[int]) -> list[int]:
        """Delete the chat's own alerts among `alert_ids`; return those it deleted."""
        return await self.db.run(lambda conn: alerts.remove_alerts(conn, chat_id, alert_ids))

    async def remove_all_alerts(self, chat_id: int) -> list[int]:
        """Delete every alert of the chat; return their ids."""
        return await self.db.run(lambda conn: alerts.remove_all_alerts(conn, chat_id))

    async def count_alerts(self) -> int:
        """Return how many alerts exist across all chats."""
        return await self.db.run(alerts.count_alerts)

    # Chat settings and the daily summary

    async def chat_settings(self, chat_id: int) -> ChatSettings:
        """Return the chat's settings (defaults when none are stored)."""
        return await self.db.run(lambda conn: chats.chat_settings(conn, chat_id))

    async def set_language(self, chat_id: int, language: str | None) -> None:
        """Store the chat's language; None restores the default."""
        await self.db.run(lambda conn: chats.set_language(conn, chat_id, language))

    async def set_muted_until(self, chat_id: int, until: datetime | None) -> None:
        """Mute the chat until `until`; None unmutes it."""
        await self.db.run(lambda conn: chats.set_muted_until(conn, chat_id, until))

    async def record_summary(
        self, chat_id: int, day: date, notifications: Sequence[NewNotification]
    ) -> bool:
        """Enqueue the chat's summary for `day` (one or more messages) unless it had one as late."""
        if any(n.chat_id != chat_id for n in notifications):
            raise ValueError(f"summary for chat {chat_id} addressed to another chat")
        now, items = self._clock(), list(notifications)

        def write(conn: sqlite3.Connection) -> bool:
            last = chats.chat_settings(conn, chat_id).last_summary_day
            if last is not None and last >= day:
                return False
            chats.set_last_summary_day(conn, chat_id, day)
            outbox.enqueue(conn, items, now)
            return True

        return await self.db.run(write)

    async def set_notify(self, chat_id: int, levels: Mapping[Setting, Level]) -> None:
        """Store the notification levels the chat chose itself."""
        chosen = dict(levels)
        await self.db.run(lambda conn: chats.set_notify(conn, chat_id, chosen))

    async def set_quiet_hours(
        self, chat_id: int, hours: QuietHours | None, *, off: bool = False
    ) -> None:
        """Store the chat's quiet hours (`off`: none; neither: the default)."""
        await self.db.run(lambda conn: chats.set_quiet_hours(conn, chat_id, hours, off=off))

    async def set_summary_chart(self, chat_id: int, chart: bool | None) -> None:
        """Store whether the chat's summary comes with a chart; None: the default."""
        await self.db.run(lambda conn: chats.set_summary_chart(conn, chat_id, chart))

    async def record_report(
        self, chat_id: int, kind: str, period: date, notifications: Sequence[NewNotification]
    ) -> bool:
        """Enqueue the chat's `kind` report for the period starting `period`, once per period."""
        if any(n.chat_id != chat_id for n in notifications):
            raise ValueError(f"report for chat {chat_id} addressed to another chat")
        now, items = self._clock(), list(notifications)

        def write(conn: sqlite3.Connection) -> bool:
            settings = chats.chat_settings(conn, chat_id)
            last = settings.last_weekly_report if kind == "weekly" else settings.last_monthly_report
            if last is not None and last >= period:
                return False
            chats.set_last_report(conn, chat_id, kind, period)
            outbox.enqueue(conn, items, now)
            return True

        return await self.db.run(write)

    async def forget_summaries_after(self, day: date) -> int:
        """Count summaries recorded for days after `day` as `day`'s; return how many chats."""
        return await self.db.run(lambda conn: chats.cap_last_summary_day(conn, day))

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """Move a chat's alerts, settings and owed messages to its new ID, and remember it."""
        now = self._clock()
        await self.db.run(lambda conn: chats.migrate_chat(conn, old_id, new_id, now))

    async def chat_migrations(self) -> dict[int, int]:
        """Return the recorded chat migrations, old ID to new."""
        return await self.db.run(chats.chat_migrations)

    # Daily portfolios

    async def save_daily_portfolio(self, daily: DailyPortfolio) -> None:
        """Store the day's portfolio, replacing any already stored for that day."""
        await self.db.run(lambda conn: portfolio.save_daily_portfolio(conn, daily))

    async def portfolio_before(self, day: date) -> DailyPortfolio | None:
        """Return the latest portfolio stored strictly before `day`, or None."""
        return await self.db.run(lambda conn: portfolio.portfolio_before(conn, day))

    async def portfolio_history(self, since: date) -> list[DailyPortfolio]:
        """Return the portfolios from `since` on, oldest first."""
        return await self.db.run(lambda conn: portfolio.portfolio_history(conn, since))

    # Outbox

    async def enqueue(self, notifications: Sequence[NewNotification]) -> list[int]:
        """Add messages to the outbox, due now; return their ids."""
        now, items = self._clock(), list(notifications)
        return await self.db.run(lambda conn: outbox.enqueue(conn, items, now))

    async def due_notifications(
        self, now: datetime, limit: int = 50, chat_id: int | None = None
    ) -> list[OutboxItem]:
        """Return up to `limit` messages due at `now` (to one chat, or all), oldest first."""
        return await self.db.run(lambda conn: outbox.due_notifications(conn, now, limit, chat_id))

    async def due_chats(self, now: datetime) -> list[int]:
        """Return the chats owed messages due at `now`, the longest waiting first."""
        return await self.db.run(lambda conn: outbox.due_chats(conn, now))

    async def mark_sent(self, item_id: int, message_id: int | None = None) -> None:
        """Record that the message was delivered (as Telegram's `message_id`, if known)."""
        now = self._clock()
        await self.db.run(lambda conn: outbox.mark_sent(conn, item_id, now, message_id))

    async def sent_message_id(self, item_id: int) -> int | None:
        """Return the Telegram message id an outbox item was delivered as, if known."""
        return await self.db.run(lambda conn: outbox.sent_message_id(conn, item_id))

    async def mark_retry(
        self, item_id: int, next_attempt_at: datetime, error: str, *, unconfirmed: bool = False
    ) -> None:
        """Count a failed attempt and schedule the next one at `next_attempt_at`; `unconfirmed`:
        the send got no answer, so Telegram may have it."""
        await self.db.run(
            lambda conn: outbox.mark_retry(
                conn, item_id, next_attempt_at, error, unconfirmed=unconfirmed
            )
        )

    async def mark_dropped(self, item_id: int, reason: str) -> None:
        """Give up on the message, keeping the reason."""
        now = self._clock()
        await self.db.run(lambda conn: outbox.mark_dropped(conn, item_id, reason, now))

    async def mark_assumed_sent(self, item_id: int, error: str) -> None:
        """Stop sending a message sent twice without an answer (it probably arrived)."""
        now = self._clock()
        await self.db.run(lambda conn: outbox.mark_assumed_sent(conn, item_id, error, now))

    async def hold(self, item_ids: list[int], until: datetime) -> None:
        """Postpone outbox items to `until` (quiet hours, mute) without counting an attempt."""
        await self.db.run(lambda conn: outbox.hold(conn, item_ids, until))

    async def held_chats(self) -> list[int]:
        """Return the chats with items held by quiet hours or a mute."""
        return await self.db.run(outbox.held_chats)

    async def reschedule_held(self, chat_id: int, due: datetime) -> int:
        """Make the chat's held items due at `due` (now, or its hold's new end); return how
        many."""
        return await self.db.run(lambda conn: outbox.reschedule_held(conn, chat_id, due))

    async def shift_due(self, step: timedelta) -> int:
        """Move the due times of owed messages (not those held on purpose) by `step`, after
        the wall clock stepped."""
        return await self.db.run(lambda conn: outbox.shift_due(conn, step))

    async def pending_count(self) -> int:
        """Return how many messages are still owed."""
        return await self.db.run(outbox.pending_count)

    async def prune(self, now: datetime, keep: timedelta = OUTBOX_RETENTION) -> int:
        """Delete delivered and dropped messages finished more than `keep` ago; return how many."""
        return await self.db.run(lambda conn: outbox.prune(conn, now - keep))

    # Meta values

    async def get_meta(self, key: str) -> str | None:
        """Return the value stored under `key`, or None."""
        return await self.db.run(lambda conn: snapshots.get_meta(conn, key))

    async def set_meta(self, key: str, value: str | None) -> None:
        """Store `value` under `key`; None deletes it."""
        await self.db.run(lambda conn: snapshots.set_meta(conn, key, value))

    async def get_metas(self, keys: Iterable[str]) -> dict[str, str | None]:
        """Return the values stored under `keys` (None where absent), in one read."""
        wanted = list(keys)
        return await self.db.run(lambda conn: {k: snapshots.get_meta(conn, k) for k in wanted})

    async def set_meta_and_enqueue(
        self, key: str, value: str | None, notifications: Sequence[NewNotification]
    ) -> list[int]:
        """Store `value` under `key` and add the messages it owes to the outbox, all or
        nothing: what was told and the state it was told from are kept together."""
        now, items = self._clock(), list(notifications)

        def write(conn: sqlite3.Connection) -> list[int]:
            snapshots.set_meta(conn, key, value)
            return outbox.enqueue(conn, items, now)

        return await self.db.run(write)

    async def set_metas(self, values: Mapping[str, str | None]) -> None:
        """Store each value under its key (None deletes it), in one transaction."""
        items = list(values.items())

        def write(conn: sqlite3.Connection) -> None:
            for key, value in items:
                snapshots.set_meta(conn, key, value)

        await self.db.run(write)
