"""Queries for threshold alert rules (run inside a transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from balance_bot.core.thresholds import AlertSpec, Direction, Kind, same_watch
from balance_bot.store.codec import (
    money_from_db,
    money_to_db,
    optional_time_from_db,
    time_from_db,
    time_to_db,
)
from balance_bot.store.models import AlertRule

_SELECT = (
    "SELECT id, chat_id, target, direction, amount, triggered, urgent, created_at,"
    " kind, window_s, cooldown_s, last_fired_at FROM alerts"
)


def _rule(row: tuple[Any, ...]) -> AlertRule:
    alert_id, chat_id, target, direction, amount, triggered, urgent, created_at = row[:8]
    kind, window_s, cooldown_s, last_fired_at = row[8:]
    return AlertRule(
        id=alert_id,
        chat_id=chat_id,
        target=target,
        direction=Direction(direction),
        amount=money_from_db(amount),
        triggered=bool(triggered),
        urgent=bool(urgent),
        created_at=time_from_db(created_at),
        kind=Kind(kind),
        window=None if window_s is None else timedelta(seconds=window_s),
        cooldown=timedelta(seconds=cooldown_s),
        last_fired_at=optional_time_from_db(last_fired_at),
    )


class AlertExists(Exception):
    """The chat already has an alert that watches the same line: `rule`."""

    def __init__(self, rule: AlertRule) -> None:
        super().__init__(f"the chat already has alert #{rule.id}")
        self.rule = rule


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())


def add_alert(
    conn: sqlite3.Connection,
    chat_id: int,
    spec: AlertSpec,
    *,
    triggered: bool,
    urgent: bool,
    created_at: datetime,
) -> AlertRule:
    """Insert an alert for `chat_id` and return it with its id.

    Raises AlertExists, inserting nothing, when the chat has one that watches the same line.
    """
    for rule in alerts_for_chat(conn, chat_id):
        if same_watch(rule.spec, spec):
            raise AlertExists(rule)
    cursor = conn.execute(
        "INSERT INTO alerts (chat_id, target, direction, amount, triggered, urgent, created_at,"
        " kind, window_s, cooldown_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            chat_id,
            spec.target,
            spec.direction.value,
            money_to_db(spec.amount),
            int(triggered),
            int(urgent),
            time_to_db(created_at),
            spec.kind.value,
            None if spec.window is None else _seconds(spec.window),
            _seconds(spec.cooldown),
        ),
    )
    row = conn.execute(f"{_SELECT} WHERE id = ?", (cursor.lastrowid,)).fetchone()
    return _rule(row)


def alerts_for_chat(conn: sqlite3.Connection, chat_id: int) -> list[AlertRule]:
    """Return the chat's alerts, oldest first."""
    rows = conn.execute(f"{_SELECT} WHERE chat_id = ? ORDER BY id", (chat_id,)).fetchall()
    return [_rule(row) for row in rows]


def all_alerts(conn: sqlite3.Connection) -> list[AlertRule]:
    """Return every chat's alerts, oldest first."""
    return [_rule(row) for row in conn.execute(f"{_SELECT} ORDER BY id").fetchall()]


def remove_alert(conn: sqlite3.Connection, chat_id: int, alert_id: int) -> bool:
    """Delete the alert if it belongs to `chat_id`; return whether it did."""
    cursor = conn.execute("DELETE FROM alerts WHERE id = ? AND chat_id = ?", (alert_id, chat_id))
    return cursor.rowcount > 0


def remove_alerts(conn: sqlite3.Connection, chat_id: int, alert_ids: Sequence[int]) -> list[int]:
    """Delete those of `alert_ids` that belong to `chat_id`; return the ids deleted, in order."""
    return [alert_id for alert_id in alert_ids if remove_alert(conn, chat_id, alert_id)]


def remove_all_alerts(conn: sqlite3.Connection, chat_id: int) -> list[int]:
    """Delete every alert of `chat_id`; return their ids, oldest first."""
    ids = [rule.id for rule in alerts_for_chat(conn, chat_id)]
    conn.execute("DELETE FROM alerts WHERE chat_id = ?", (chat_id,))
    return ids


def count_alerts(conn: sqlite3.Connection) -> int:
    """Return how many alerts exist across all chats."""
    count: int = conn.execute("SELECT count(*) FROM alerts").fetchone()[0]
    return count


def set_triggered(conn: sqlite3.Connection, states: Mapping[int, bool]) -> None:
    """Store each alert's triggered flag; ids of deleted alerts are ignored."""
    conn.executemany(
        "UPDATE alerts SET triggered = ? WHERE id = ?",
        [(int(triggered), alert_id) for alert_id, triggered in states.items()],
    )


def set_fired(conn: sqlite3.Connection, alert_ids: Collection[int], fired_at: datetime) -> None:
    """Record that the alerts fired at `fired_at` (their cooldown starts); ignore deleted ones."""
    stamp = time_to_db(fired_at)
    conn.executemany(
        "UPDATE alerts SET last_fired_at = ? WHERE id = ?",
        [(stamp, alert_id) for alert_id in alert_ids],
    )


def shift_fired(conn: sqlite3.Connection, step: timedelta) -> int:
    """Move every cooldown's start by `step` (the wall clock stepped); return how many."""
    rows = conn.execute("SELECT id, last_fired_at FROM alerts WHERE last_fired_at IS NOT NULL")
    moved = [(time_to_db(time_from_db(at) + step), alert_id) for alert_id, at in rows.fetchall()]
    conn.executemany("UPDATE alerts SET last_fired_at = ? WHERE id = ?", moved)
    return len(moved)
