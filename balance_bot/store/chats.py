"""Queries for chat settings, the daily summary marker and upgraded groups (in a transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from balance_bot.core.notify import Level, Setting, levels_from_db, levels_to_db
from balance_bot.core.quiet import QuietHours
from balance_bot.store.codec import (
    day_to_db,
    optional_day_from_db,
    optional_time_from_db,
    time_to_db,
)
from balance_bot.store.models import ChatSettings

_COLUMNS = frozenset(
    {
        "language",
        "muted_until",
        "last_summary_day",
        "notify",
        "quiet_hours",
        "summary_chart",
        "last_weekly_report",
        "last_monthly_report",
    }
)
REPORT_COLUMNS = {"weekly": "last_weekly_report", "monthly": "last_monthly_report"}
QUIET_OFF = "off"  # stored in quiet_hours when the chat turned them off


def chat_settings(conn: sqlite3.Connection, chat_id: int) -> ChatSettings:
    """Return the chat's settings, or the defaults when none are stored."""
    row = conn.execute(
        "SELECT language, muted_until, last_summary_day, notify, quiet_hours, summary_chart,"
        " last_weekly_report, last_monthly_report FROM chat_settings WHERE chat_id = ?",
        (chat_id,),
    ).fetchone()
    if row is None:
        return ChatSettings(chat_id=chat_id)
    language, muted_until, last_summary_day, notify, quiet, chart, weekly, monthly = row
    return ChatSettings(
        chat_id=chat_id,
        language=language,
        muted_until=optional_time_from_db(muted_until),
        last_summary_day=optional_day_from_db(last_summary_day),
        notify=levels_from_db(notify),
        quiet_hours=_quiet_from_db(quiet),
        quiet_off=quiet == QUIET_OFF,
        summary_chart=None if chart is None else bool(chart),
        last_weekly_report=optional_day_from_db(weekly),
        last_monthly_report=optional_day_from_db(monthly),
    )


def _quiet_from_db(text: str | None) -> QuietHours | None:
    """Read stored quiet hours; "off", nothing or an unreadable span give None."""
    if not text or text == QUIET_OFF:
        return None
    try:
        return QuietHours.parse(text)
    except ValueError:
        return None


def set_notify(conn: sqlite3.Connection, chat_id: int, levels: Mapping[Setting, Level]) -> None:
    """Store the settings the chat chose itself (the others follow the defaults)."""
    _set(conn, chat_id, "notify", levels_to_db(levels))


def set_quiet_hours(
    conn: sqlite3.Connection, chat_id: int, hours: QuietHours | None, *, off: bool = False
) -> None:
    """Store the chat's quiet hours; `off` turns them off; neither restores the default."""
    _set(conn, chat_id, "quiet_hours", QUIET_OFF if off else None if hours is None else str(hours))


def set_summary_chart(conn: sqlite3.Connection, chat_id: int, chart: bool | None) -> None:
    """Store whether the chat's summary comes with a chart; None restores the default."""
    _set(conn, chat_id, "summary_chart", None if chart is None else int(chart))


def set_last_report(conn: sqlite3.Connection, chat_id: int, kind: str, period: date) -> None:
    """Store the start of the last period the chat had a `kind` (weekly, monthly) report for."""
    _set(conn, chat_id, REPORT_COLUMNS[kind], day_to_db(period))


def _set(conn: sqlite3.Connection, chat_id: int, column: str, value: Any) -> None:
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
        "UPDATE outbox SET chat_id = ? WHERE chat_id = ?"
        " AND state IN ('owed', 'held', 'unconfirmed')",
        (new_id, old_id),
    )


def chat_migrations(conn: sqlite3.Connection) -> dict[int, int]:
    """Return every recorded migration, old chat ID to new."""
    rows = conn.execute("SELECT old_id, new_id FROM chat_migrations").fetchall()
    return {old_id: new_id for old_id, new_id in rows}
