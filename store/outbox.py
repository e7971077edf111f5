"""Queries for the outbox of owed messages (run inside a transaction).

A row is `pending` until delivered (`sent`) or given up (`dropped`); finished rows are kept a
while for inspection and then pruned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from store.codec import time_from_db, time_to_db
from store.models import NewNotification, OutboxItem

MAX_ERROR_LENGTH = 500
HELD = "held"  # last_error of an item postponed on purpose, not after a failure
UNCONFIRMED = "unconfirmed: "  # last_error's start after a send Telegram did not answer

_SELECT = (
    "SELECT id, chat_id, kind, text, created_at, attempts, next_attempt_at, photo,"
    " last_error IS ?, coalesce(last_error LIKE ?, 0), edit_of, edit_text FROM outbox"
)


def _item(row: tuple[Any, ...]) -> OutboxItem:
    item_id, chat_id, kind, text, created_at, attempts, next_attempt_at, photo = row[:8]
    held, unsure, edit_of, edit_text = row[8:]
    return OutboxItem(
        id=item_id,
        chat_id=chat_id,
        kind=kind,
        text=text,
        created_at=time_from_db(created_at),
        attempts=attempts,
        next_attempt_at=time_from_db(next_attempt_at),
        photo=None if photo is None else bytes(photo),
        held=bool(held),
        unconfirmed=bool(unsure),
        edit_of=edit_of,
        edit_text=edit_text,
    )


def enqueue(
    conn: sqlite3.Connection, notifications: Sequence[NewNotification], now: datetime
) -> list[int]:
    """Add the notifications, due at `now`; return their ids in order."""
    moment = time_to_db(now)
    ids: list[int] = []
    for n in notifications:
        cursor = conn.execute(
            "INSERT INTO outbox"
            " (chat_id, kind, text, photo, created_at, next_attempt_at, edit_of, edit_text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (n.chat_id, n.kind, n.text, n.photo, moment, moment, n.edit_of, n.edit_text),
        )
        assert cursor.lastrowid is not None
        ids.append(cursor.lastrowid)
    return ids


def due_notifications(
    conn: sqlite3.Connection, now: datetime, limit: int, chat_id: int | None = None
) -> list[OutboxItem]:
    """Return pending items due at `now` (for one chat, or all), oldest first."""
    rows = conn.execute(
        f"{_SELECT} WHERE state = 'pending' AND next_attempt_at <= ?"
        " AND (? IS NULL OR chat_id = ?) ORDER BY id LIMIT ?",
        (HELD, f"{UNCONFIRMED}%", time_to_db(now), chat_id, chat_id, limit),
    ).fetchall()
    return [_item(row) for row in rows]


def due_chats(conn: sqlite3.Connection, now: datetime) -> list[int]:
    """Return the chats that have pending items due at `now`, the longest waiting first."""
    rows = conn.execute(
        "SELECT chat_id FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
        " GROUP BY chat_id ORDER BY min(id)",
        (time_to_db(now),),
    ).fetchall()
    return [chat_id for (chat_id,) in rows]


def _finish(
    conn: sqlite3.Connection,
    item_id: int,
    state: str,
    now: datetime,
    error: str | None,
    message_id: int | None = None,
) -> None:
    conn.execute(
        "UPDATE outbox SET state = ?, finished_at = ?, last_error = coalesce(?, last_error),"
        " message_id = ? WHERE id = ? AND state = 'pending'",
        (
            state,
            time_to_db(now),
            None if error is None else error[:MAX_ERROR_LENGTH],
            message_id,
            item_id,
        ),
    )


def mark_sent(
    conn: sqlite3.Connection, item_id: int, now: datetime, message_id: int | None = None
) -> None:
    """Record that the item was delivered, as Telegram's message `message_id` if known."""
    _finish(conn, item_id, "sent", now, None, message_id)


def sent_message_id(conn: sqlite3.Connection, item_id: int) -> int | None:
    """Return the Telegram message id the item was delivered as; None if unknown or unsent."""
    row = conn.execute(
        "SELECT message_id FROM outbox WHERE id = ? AND state = 'sent'", (item_id,)
    ).fetchone()
    return None if row is None else row[0]


def mark_dropped(conn: sqlite3.Connection, item_id: int, reason: str, now: datetime) -> None:
    """Record that the item will never be delivered, and why."""
    _finish(conn, item_id, "dropped", now, reason)


def mark_retry(
    conn: sqlite3.Connection, item_id: int, next_attempt_at: datetime, error: str
) -> None:
    """Count a failed attempt and schedule the next one."""
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
        " WHERE id = ? AND state = 'pending'",
        (time_to_db(next_attempt_at), error[:MAX_ERROR_LENGTH], item_id),
    )


def hold(conn: sqlite3.Connection, item_ids: list[int], until: datetime) -> None:
    """Postpone items (quiet hours, mute) to `until` without counting an attempt."""
    conn.executemany(
        "UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'pending'",
        [(time_to_db(until), HELD, item_id) for item_id in item_ids],
    )


def release_held(conn: sqlite3.Connection, chat_id: int, now: datetime) -> int:
    """Make a chat's held items due now; return how many."""
    cursor = conn.execute(
        "UPDATE outbox SET next_attempt_at = ? WHERE chat_id = ? AND state = 'pending'"
        " AND last_error = ? AND next_attempt_at > ?",
        (time_to_db(now), chat_id, HELD, time_to_db(now)),
    )
    return cursor.rowcount


def shift_due(conn: sqlite3.Connection, step: timedelta) -> int:
    """Move the due time of every pending item not held on purpose by `step` (the wall clock
    stepped: a retry stays due as long after its failure as it was); return how many."""
    rows = conn.execute(
        "SELECT id, next_attempt_at FROM outbox WHERE state = 'pending' AND last_error IS NOT ?",
        (HELD,),
    ).fetchall()
    moved = [(time_to_db(time_from_db(due) + step), item_id) for item_id, due in rows]
    conn.executemany("UPDATE outbox SET next_attempt_at = ? WHERE id = ?", moved)
    return len(moved)


def pending_count(conn: sqlite3.Connection) -> int:
    """Return how many items are still owed."""
    count: int = conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    return count


def prune(conn: sqlite3.Connection, finished_before: datetime) -> int:
    """Delete sent and dropped items finished before the given time; return how many."""
    cursor = conn.execute(
        "DELETE FROM outbox WHERE state <> 'pending' AND finished_at < ?",
        (time_to_db(finished_before),),
    )
    return cursor.rowcount
