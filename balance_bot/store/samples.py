"""Queries for the values seen that move alerts compare with (run inside a transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from datetime import datetime

from balance_bot.core.samples import Seen
from balance_bot.store.codec import money_from_db, money_to_db, time_from_db, time_to_db


def add_samples(conn: sqlite3.Connection, target: str, values: Iterable[Seen]) -> None:
    """Store values seen of `target` (a second one at the same time wins)."""
    conn.executemany(
        "INSERT INTO value_samples (target, taken_at, value) VALUES (?, ?, ?)"
        " ON CONFLICT (target, taken_at) DO UPDATE SET value = excluded.value",
        [(target, time_to_db(seen.at), money_to_db(seen.value)) for seen in values],
    )


def prune_samples(
    conn: sqlite3.Connection, before: datetime, targets: Collection[str] | None = None
) -> int:
    """Delete the values seen before `before`, and those of targets not in `targets` (when
    given); return how many."""
    cursor = conn.execute("DELETE FROM value_samples WHERE taken_at < ?", (time_to_db(before),))
    deleted = cursor.rowcount
    if targets is not None:
        stored = conn.execute("SELECT DISTINCT target FROM value_samples").fetchall()
        for (target,) in stored:
            if target not in targets:
                cursor = conn.execute("DELETE FROM value_samples WHERE target = ?", (target,))
                deleted += cursor.rowcount
    return deleted


def samples_since(conn: sqlite3.Connection, since: datetime) -> dict[str, list[Seen]]:
    """Return, per target, the values seen at or after `since`, oldest first."""
    rows = conn.execute(
        "SELECT target, taken_at, value FROM value_samples WHERE taken_at >= ?"
        " ORDER BY target, taken_at",
        (time_to_db(since),),
    ).fetchall()
    found: dict[str, list[Seen]] = {}
    for target, taken_at, value in rows:
        found.setdefault(target, []).append(Seen(time_from_db(taken_at), money_from_db(value)))
    return found
