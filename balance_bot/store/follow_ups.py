"""Queries for follow-ups: what a sent alert left unexplained, kept until the history lists it.

A follow-up is written in the transaction that enqueues its alert, with the ids of the alert's
outbox items, so a crash loses neither the alert nor what is still to be explained about it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from balance_bot.core.explain import Remainder
from balance_bot.store.codec import money_from_db, money_to_db, time_from_db, time_to_db
from balance_bot.store.models import AlertMessage, FollowUp, NewFollowUp

_SELECT = "SELECT id, since, sent_at, remainders, outbox_ids, looks, next_at, until FROM follow_ups"


def remainders_to_db(remainders: Sequence[Remainder]) -> str:
    """Return the column text of remainders (amounts and prices as exact decimal text)."""
    return json.dumps(
        [
            [
                r.asset,
                r.precision,
                money_to_db(r.amount),
                money_to_db(r.raw),
                None if r.unit is None else money_to_db(r.unit),
            ]
            for r in remainders
        ]
    )


def remainders_from_db(text: str) -> tuple[Remainder, ...]:
    """Return the remainders stored as `text` (rows stored without a price have none)."""
    rows: list[list[Any]] = json.loads(text)
    return tuple(
        Remainder(
            str(row[0]),
            int(row[1]),
            money_from_db(row[2]),
            money_from_db(row[3]),
            None if len(row) < 5 or row[4] is None else money_from_db(row[4]),
        )
        for row in rows
    )


def add_follow_up(conn: sqlite3.Connection, new: NewFollowUp, outbox_ids: Sequence[int]) -> int:
    """Store a follow-up of the alert whose outbox items are `outbox_ids`; return its id."""
    cursor = conn.execute(
        "INSERT INTO follow_ups (since, sent_at, remainders, outbox_ids, next_at, until)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            time_to_db(new.since),
            time_to_db(new.sent_at),
            remainders_to_db(new.remainders),
            json.dumps(list(outbox_ids)),
            time_to_db(new.next_at),
            time_to_db(new.until),
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def open_follow_ups(conn: sqlite3.Connection) -> list[FollowUp]:
    """Return every follow-up still open, oldest first."""
    rows = conn.execute(f"{_SELECT} ORDER BY id").fetchall()
    return [
        FollowUp(
            id=row[0],
            since=time_from_db(row[1]),
            sent_at=time_from_db(row[2]),
            remainders=remainders_from_db(row[3]),
            outbox_ids=tuple(int(i) for i in json.loads(row[4])),
            looks=row[5],
            next_at=time_from_db(row[6]),
            until=time_from_db(row[7]),
        )
        for row in rows
    ]


def update_follow_up(
    conn: sqlite3.Connection,
    follow_up_id: int,
    remainders: Sequence[Remainder],
    looks: int,
    next_at: datetime,
) -> None:
    """Store what is still open and when to look next."""
    conn.execute(
        "UPDATE follow_ups SET remainders = ?, looks = ?, next_at = ? WHERE id = ?",
        (remainders_to_db(remainders), looks, time_to_db(next_at), follow_up_id),
    )


def close_follow_up(conn: sqlite3.Connection, follow_up_id: int) -> None:
    """Forget a follow-up: all explained, or looked for long enough."""
    conn.execute("DELETE FROM follow_ups WHERE id = ?", (follow_up_id,))


def alert_messages(conn: sqlite3.Connection, outbox_ids: Sequence[int]) -> list[AlertMessage]:
    """Return each chat's message of an alert, with its text after the edits queued so far.

    A chat whose alert took several messages is given its last one (it is replied to).
    """
    by_chat: dict[int, list[tuple[int, str]]] = {}
    for outbox_id in outbox_ids:
        row = conn.execute("SELECT chat_id, text FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
        if row is not None:
            by_chat.setdefault(row[0], []).append((outbox_id, row[1]))
    messages = []
    for chat_id, parts in by_chat.items():
        outbox_id, text = parts[-1]
        edited = conn.execute(
            "SELECT edit_text FROM outbox WHERE edit_of = ? AND edit_text IS NOT NULL"
            " ORDER BY id DESC LIMIT 1",
            (outbox_id,),
        ).fetchone()
        messages.append(
            AlertMessage(outbox_id, chat_id, text if edited is None else edited[0], len(parts))
        )
    return messages
