"""Queries for the outbox of owed messages (run inside a transaction).

A row is owed (`owed`, `held` by quiet hours or a mute, or `unconfirmed` after a send Telegram
did not answer) until it is finished: `sent`, `dropped` (never delivered; `last_error` says
why) or `assumed_sent` (sent twice without an answer). Finished rows are kept a while for
inspection and then pruned. The kind is stored by name and read back as a NotificationKind; a
row of a kind this version does not know is dropped, not delivered to everyone.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from balance_bot.core.notify import NotificationKind
from balance_bot.store.codec import time_from_db, time_to_db
from balance_bot.store.models import NewNotification, OutboxItem, OutboxState

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 500
UNKNOWN_KIND = "a kind this version does not know"  # last_error of such a row, with the kind

_SELECT = (
    "SELECT id, chat_id, kind, text, created_at, attempts, next_attempt_at, photo, state,"
    " edit_of, edit_text FROM outbox"
)


def _item(row: tuple[Any, ...]) -> OutboxItem:
    item_id, chat_id, kind, text, created_at, attempts, next_attempt_at, photo = row[:8]
    state, edit_of, edit_text = row[8:]
    return OutboxItem(
        id=item_id,
        chat_id=chat_id,
        kind=NotificationKind(kind),
        text=text,
        created_at=time_from_db(created_at),
        attempts=attempts,
        next_attempt_at=time_from_db(next_attempt_at),
        photo=None if photo is None else bytes(photo),
        state=OutboxState(state),
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
            (n.chat_id, n.kind.stored, n.text, n.photo, moment, moment, n.edit_of, n.edit_text),
        )
        assert cursor.lastrowid is not None
        ids.append(cursor.lastrowid)
    return ids


def due_notifications(
    conn: sqlite3.Connection, now: datetime, limit: int, chat_id: int | None = None
) -> list[OutboxItem]:
    """Return owed items due at `now` (for one chat, or all), oldest first.

    Rows of a kind this version does not know (a newer one wrote them) are dropped and logged:
    no setting says who wants them.
    """
    while True:
        rows = conn.execute(
            f"{_SELECT} WHERE state IN ('owed', 'held', 'unconfirmed') AND next_attempt_at <= ?"
            " AND (? IS NULL OR chat_id = ?) ORDER BY id LIMIT ?",
            (time_to_db(now), chat_id, chat_id, limit),
        ).fetchall()
        unknown = [(row[0], row[1], row[2]) for row in rows if not _known(row[2])]
        if not unknown:
            return [_item(row) for row in rows]
        for item_id, chat, kind in unknown:
            log.warning(
                "message %d to chat %d is of a kind this version does not know (%r): dropped",
                item_id, chat, kind,
            )  # fmt: skip
            _finish(conn, item_id, OutboxState.DROPPED, now, f"{UNKNOWN_KIND}: {kind}")


def _known(kind: str) -> bool:
    try:
        NotificationKind(kind)
    except ValueError:
        return False
    return True


def due_chats(conn: sqlite3.Connection, now: datetime) -> list[int]:
    """Return the chats that have owed items due at `now`, the longest waiting first."""
    rows = conn.execute(
        "SELECT chat_id FROM outbox WHERE state IN ('owed', 'held', 'unconfirmed')"
        " AND next_attempt_at <= ? GROUP BY chat_id ORDER BY min(id)",
        (time_to_db(now),),
    ).fetchall()
    return [chat_id for (chat_id,) in rows]


def _finish(
    conn: sqlite3.Connection,
    item_id: int,
    state: OutboxState,
    now: datetime,
    error: str | None,
    message_id: int | None = None,
) -> None:
    conn.execute(
        "UPDATE outbox SET state = ?, finished_at = ?, last_error = coalesce(?, last_error),"
        " message_id = ? WHERE id = ? AND state IN ('owed', 'held', 'unconfirmed')",
        (
            state.value,
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
    _finish(conn, item_id, OutboxState.SENT, now, None, message_id)


def sent_message_id(conn: sqlite3.Connection, item_id: int) -> int | None:
    """Return the Telegram message id the item was delivered as; None if unknown or unsent."""
    row = conn.execute(
        "SELECT message_id FROM outbox WHERE id = ? AND state = 'sent'", (item_id,)
    ).fetchone()
    return None if row is None else row[0]


def mark_dropped(conn: sqlite3.Connection, item_id: int, reason: str, now: datetime) -> None:
    """Record that the item will never be delivered, and why."""
    _finish(conn, item_id, OutboxState.DROPPED, now, reason)


def mark_assumed_sent(conn: sqlite3.Connection, item_id: int, error: str, now: datetime) -> None:
    """Record that the item went out twice unanswered: it probably arrived, and is not retried."""
    _finish(conn, item_id, OutboxState.ASSUMED_SENT, now, error)


def mark_retry(
    conn: sqlite3.Connection,
    item_id: int,
    next_attempt_at: datetime,
    error: str,
    *,
    unconfirmed: bool = False,
) -> None:
    """Count a failed attempt and schedule the next one; `unconfirmed`: Telegram may have it."""
    state = OutboxState.UNCONFIRMED if unconfirmed else OutboxState.OWED
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, state = ?,"
        " last_error = ? WHERE id = ? AND state IN ('owed', 'held', 'unconfirmed')",
        (time_to_db(next_attempt_at), state.value, error[:MAX_ERROR_LENGTH], item_id),
    )


def hold(conn: sqlite3.Connection, item_ids: list[int], until: datetime) -> None:
    """Postpone items (quiet hours, mute) to `until` without counting an attempt."""
    conn.executemany(
        "UPDATE outbox SET next_attempt_at = ?, state = 'held'"
        " WHERE id = ? AND state IN ('owed', 'held', 'unconfirmed')",
        [(time_to_db(until), item_id) for item_id in item_ids],
    )


def held_chats(conn: sqlite3.Connection) -> list[int]:
    """Return the chats with items held by quiet hours or a mute."""
    rows = conn.execute("SELECT DISTINCT chat_id FROM outbox WHERE state = 'held'").fetchall()
    return [chat_id for (chat_id,) in rows]


def reschedule_held(conn: sqlite3.Connection, chat_id: int, due: datetime) -> int:
    """Make a chat's held items due at `due` (now, or the new end of its hold: the chat's
    quiet hours or mute changed); return how many."""
    cursor = conn.execute(
        "UPDATE outbox SET next_attempt_at = ? WHERE chat_id = ? AND state = 'held'",
        (time_to_db(due), chat_id),
    )
    return cursor.rowcount


def shift_due(conn: sqlite3.Connection, step: timedelta) -> int:
    """Move the due time of every owed item not held on purpose by `step` (the wall clock
    stepped: a retry stays due as long after its failure as it was); return how many."""
    rows = conn.execute(
        "SELECT id, next_attempt_at FROM outbox WHERE state IN ('owed', 'unconfirmed')"
    ).fetchall()
    moved = [(time_to_db(time_from_db(due) + step), item_id) for item_id, due in rows]
    conn.executemany("UPDATE outbox SET next_attempt_at = ? WHERE id = ?", moved)
    return len(moved)


def pending_count(conn: sqlite3.Connection) -> int:
    """Return how many items are still owed."""
    count: int = conn.execute(
        "SELECT count(*) FROM outbox WHERE state IN ('owed', 'held', 'unconfirmed')"
    ).fetchone()[0]
    return count


def prune(conn: sqlite3.Connection, finished_before: datetime) -> int:
    """Delete finished items finished before the given time; return how many."""
    cursor = conn.execute(
        "DELETE FROM outbox WHERE state NOT IN ('owed', 'held', 'unconfirmed') AND finished_at < ?",
        (time_to_db(finished_before),),
    )
    return cursor.rowcount
