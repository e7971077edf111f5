"""Queries for the value samples move alerts compare with (run inside a transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from store.codec import money_from_db, money_to_db, time_from_db, time_to_db


def add_samples(
    conn: sqlite3.Connection, values: Mapping[str, Decimal], taken_at: datetime
) -> None:
    """Store one sample: each target's value at `taken_at` (a second one at that time wins)."""
    stamp = time_to_db(taken_at)
    conn.executemany(
        "INSERT INTO value_samples (target, taken_at, value) VALUES (?, ?, ?)"
        " ON CONFLICT (target, taken_at) DO UPDATE SET value = excluded.value",
        [(target, stamp, money_to_db(value)) for target, value in values.items()],
    )


def prune_samples(conn: sqlite3.Connection, before: datetime) -> int:
    """Delete the samples taken before `before`; return how many."""
    cursor = conn.execute("DELETE FROM value_samples WHERE taken_at < ?", (time_to_db(before),))
    return cursor.rowcount


def sample_at_or_before(
    conn: sqlite3.Connection, target: str, moment: datetime
) -> tuple[datetime, Decimal] | None:
    """Return the newest sample of `target` taken at or before `moment`, or None."""
    row = conn.execute(
        "SELECT taken_at, value FROM value_samples WHERE target = ? AND taken_at <= ?"
        " ORDER BY taken_at DESC LIMIT 1",
        (target, time_to_db(moment)),
    ).fetchone()
    return None if row is None else (time_from_db(row[0]), money_from_db(row[1]))


def last_sample_time(conn: sqlite3.Connection) -> datetime | None:
    """Return when the newest sample was taken, or None before the first."""
    row = conn.execute("SELECT max(taken_at) FROM value_samples").fetchone()
    return None if row[0] is None else time_from_db(row[0])
