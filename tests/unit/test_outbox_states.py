"""Outbox states in a column of their own, and the migration that reads the old encodings.

Before schema 9 an owed row was `pending`, and `last_error` said more: "held" (quiet hours or a
mute) or a prefix "unconfirmed: " (Telegram did not answer the send). A row sent twice without
an answer was `dropped` with that prefix. The migration turns each into its state and leaves
`last_error` only the error's text.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from balance_bot.core.notify import NotificationKind
from balance_bot.store.codec import time_to_db
from balance_bot.store.database import Database
from balance_bot.store.models import OWED_STATES, NewNotification, OutboxState
from balance_bot.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from balance_bot.store.store import Store
from tests.kit.clocks import FakeClock

PREVIOUS = 8  # the last schema that encoded states in last_error
CHAT = 100
T0 = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)
MORNING = T0 + timedelta(hours=2)  # when the held row is due
TIMED_OUT = "Timed out"

# id, kind, text, state, attempts, next_attempt_at, finished_at, last_error, message_id
OLD_ROWS = [
    (1, "change", "owed", "pending", 0, T0, None, None, None),
    (2, "change", "failed once", "pending", 1, T0, None, "Bad Gateway", None),
    (3, "threshold", "held", "pending", 0, MORNING, None, "held", None),
    (4, "order", "not answered", "pending", 1, T0, None, f"unconfirmed: {TIMED_OUT}", None),
    (5, "change", "sent", "sent", 0, T0, T0, None, 41),
    (6, "status", "sent after a hold", "sent", 0, T0, T0, "held", 42),
    (7, "change", "sent on the retry", "sent", 1, T0, T0, f"unconfirmed: {TIMED_OUT}", 43),
    (8, "change", "blocked", "dropped", 0, T0, T0, "Forbidden: bot was blocked by the user", None),
    (9, "change", "twice unanswered", "dropped", 1, T0, T0, f"unconfirmed: {TIMED_OUT}", None),
]
# id, state, last_error: what the migration makes of each
NEW_ROWS = [
    (1, "owed", None),
    (2, "owed", "Bad Gateway"),
    (3, "held", None),
    (4, "unconfirmed", TIMED_OUT),
    (5, "sent", None),
    (6, "sent", None),
    (7, "sent", TIMED_OUT),
    (8, "dropped", "Forbidden: bot was blocked by the user"),
    (9, "assumed_sent", TIMED_OUT),
]
PRUNED_ID = 12  # the highest id ever given, though its row is gone


def write_previous_schema(path: Path) -> None:
    """Write a database as schema 8 left it, with a row in each state it could encode."""
    conn = sqlite3.connect(path)
    for statements in MIGRATIONS[:PREVIOUS]:
        for statement in statements:
            conn.execute(statement)
    for row_id, kind, text, state, attempts, due, finished, error, message_id in OLD_ROWS:
        conn.execute(
            "INSERT INTO outbox (id, chat_id, kind, text, created_at, attempts, next_attempt_at,"
            " state, finished_at, last_error, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row_id,
                CHAT,
                kind,
                text,
                time_to_db(T0),
                attempts,
                time_to_db(due),
                state,
                None if finished is None else time_to_db(finished),
                error,
                message_id,
            ),
        )
    conn.execute(
        "INSERT INTO outbox (id, chat_id, kind, text, photo, created_at, next_attempt_at, edit_of,"
        " edit_text) VALUES (?, ?, 'change', 'caption', x'00ff', ?, ?, 5, 'edited')",
        (PRUNED_ID - 1, CHAT, time_to_db(T0), time_to_db(T0)),
    )
    conn.execute(
        "INSERT INTO outbox (id, chat_id, kind, text, created_at, next_attempt_at)"
        " VALUES (?, ?, 'change', 'pruned', ?, ?)",
        (PRUNED_ID, CHAT, time_to_db(T0), time_to_db(T0)),
    )
    conn.execute("DELETE FROM outbox WHERE id = ?", (PRUNED_ID,))
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {PREVIOUS}")
    conn.commit()
    conn.close()


async def test_the_migration_turns_each_old_encoding_into_its_state(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    write_previous_schema(path)

    async with await Database.open(path) as db:
        version = await db.run(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
        rows = await db.run(
            lambda c: c.execute(
                "SELECT id, state, last_error FROM outbox WHERE id < ? ORDER BY id",
                (PRUNED_ID - 1,),
            ).fetchall()
        )
        assert version == SCHEMA_VERSION
        assert [tuple(row) for row in rows] == NEW_ROWS

        store = Store(db, clock=FakeClock(T0))
        due = await store.due_notifications(MORNING, limit=100)
        assert [(item.id, item.state) for item in due] == [
            (1, OutboxState.OWED),
            (2, OutboxState.OWED),
            (3, OutboxState.HELD),
            (4, OutboxState.UNCONFIRMED),
            (PRUNED_ID - 1, OutboxState.OWED),
        ]
        assert [item.id for item in due if item.held] == [3]
        assert [item.id for item in due if item.unconfirmed] == [4]
        kept = due[-1]
        assert (kept.photo, kept.edit_of, kept.edit_text) == (b"\x00\xff", 5, "edited")
        assert await store.sent_message_id(7) == 43
        assert await store.pending_count() == 5
        assert await store.reschedule_held(CHAT, T0) == 1  # the held row is still known as held
        [new_id] = await store.enqueue([NewNotification(CHAT, NotificationKind.CHANGE, "after")])
        assert new_id == PRUNED_ID + 1  # no id is given twice, also across the migration


async def test_the_state_column_refuses_a_state_it_does_not_know(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        store = Store(db, clock=FakeClock(T0))
        [item_id] = await store.enqueue([NewNotification(CHAT, NotificationKind.CHANGE, "owed")])
        with pytest.raises(sqlite3.IntegrityError):
            await db.run(
                lambda c: c.execute("UPDATE outbox SET state = 'pending' WHERE id = ?", (item_id,))
            )
        indexes = await db.run(
            lambda c: {
                row[0]
                for row in c.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'outbox'")
            }
        )
        assert {"outbox_due", "outbox_edits"} <= indexes


async def test_the_store_owes_exactly_the_owed_states_and_prunes_the_others(
    tmp_path: Path,
) -> None:
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        store = Store(db, clock=FakeClock(T0))
        states = list(OutboxState)
        ids = await store.enqueue(
            [NewNotification(CHAT, NotificationKind.CHANGE, state.value) for state in states]
        )
        await db.run(
            lambda c: c.executemany(
                "UPDATE outbox SET state = ?, finished_at = ? WHERE id = ?",
                [(s.value, time_to_db(T0), i) for s, i in zip(states, ids, strict=True)],
            )
        )

        due = await store.due_notifications(T0, limit=100)
        assert {item.state for item in due} == OWED_STATES
        assert await store.due_chats(T0) == [CHAT]
        assert await store.pending_count() == len(OWED_STATES)
        assert await store.prune(T0 + timedelta(days=1), keep=timedelta(0)) == len(states) - len(
            OWED_STATES
        )
        assert await store.pending_count() == len(OWED_STATES)
