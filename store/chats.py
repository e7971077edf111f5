"""Queries for chat settings, the daily summary marker and upgraded groups (in a transaction)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from store.codec import day_to_db, optional_day_from_db, optional_time_from_db, time_to_db
from store.models import ChatSettings

_COLUMNS = frozenset({"language", "muted_until", "last_summary_day"})


def chat_settings(conn: sqlite3.Connection, chat_id: int) -> ChatSettings:
    """Return the chat's settings, or the defaults when none are stored."""
    row = conn.execute(
        "SELECT language, muted_until, last_summary_day FROM chat_settings WHERE chat_id = ?",
        (chat_id,),
    ).fetchone()
    if row is None:
        return ChatSettings(chat_id=chat_id)
    language, muted_until, last_summary_day = row
    return ChatSettings(
        chat_id=chat_id,
        language=language,
        muted_until=optional_time_from_db(muted_until),
        last_summary_day=optional_day_from_db(last_summary_day),
    )


def _set(conn: sqlite3.Connection, chat_id: int, column: str, value: str | None) -> None:
    assert column in _COLUMNS  # never user text in SQL
    conn.execute(
        f"INSERT INTO chat_settings (chat_id, {column}) VALUES (?, ?)"  # noqa: S608
        f" ON CONFLICT (chat_id) DO UPDATE SET {column} = excluded.{column}",
        (chat_id, value),
    )


def set_language(conn: sqlite3.Connection, chat_id: int, language: str | None) -> None:
    """Store the chat's language; None restores the default."""
    _set(conn, chat_id, "language", language)


def set_muted_until(conn: sqlite3.Connection, chat_id: int, until: datetime | None) -> None:
    """Store until when the chat is muted; None unmutes it."""
    _set(conn, chat_id, "muted_until", None if until is None else time_to_db(until))


def set_last_summary_day(conn: sqlite3.Connection, chat_id: int, day: date) -> None:
    """Store the day of the chat's last daily summary."""
    _set(conn, chat_id, "last_summary_day", day_to_db(day))


def cap_last_summary_day(conn: sqlite3.Connection, day: date) -> int:
    """Move every summary marker later than `day` back to `day`; return how many moved."""
    cursor = conn.execute(
        "UPDATE chat_settings SET last_summary_day = ? WHERE last_summary_day > ?",
        (day_to_db(day), day_to_db(day)),
    )
    return cursor.rowcount


def migrate_chat(conn: sqlite3.Connection, old_id: int, new_id: int, now: datetime) -> None:
    """Record that `old_id` became `new_id`; move its alerts, settings and owed messages."""
    conn.execute(
        "INSERT OR REPLACE INTO chat_migrations (old_id, new_id, migrated_at) VALUES (?, ?, ?)",
        (old_id, new_id, time_to_db(now)),
    )
    conn.execute("UPDATE alerts SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
    conn.execute(
        "UPDATE OR IGNORE chat_settings SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
    )
    conn.execute("DELETE FROM chat_settings WHERE chat_id = ?", (old_id,))
    conn.execute(
        "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND state = 'pending'", (new_id, old_id)
    )


def chat_migrations(conn: sqlite3.Connection) -> dict[int, int]:
    """Return every recorded migration, old chat ID to new."""
    rows = conn.execute("SELECT old_id, new_id FROM chat_migrations").fetchall()
    return {old_id: new_id for old_id, new_id in rows}
