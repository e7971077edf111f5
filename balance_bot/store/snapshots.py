"""Queries for the last balance snapshot and the meta key/value table (run inside a transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime

from balance_bot.core.changes import Holding
from balance_bot.store.codec import money_from_db, money_to_db, time_from_db, time_to_db


def last_snapshot(conn: sqlite3.Connection) -> tuple[dict[str, Holding], datetime] | None:
    """Return the stored snapshot and when it was taken, or None before the first poll."""
    row = conn.execute("SELECT taken_at FROM snapshot WHERE id = 1").fetchone()
    if row is None:
        return None
    rows = conn.execute(
        "SELECT asset, total, free, locked, precision FROM holdings ORDER BY asset"
    ).fetchall()
    holdings = {
        asset: Holding(
            asset=asset,
            total=money_from_db(total),
            free=money_from_db(free),
            locked=money_from_db(locked),
            precision=precision,
        )
        for asset, total, free, locked, precision in rows
    }
    return holdings, time_from_db(row[0])


def replace_snapshot(
    conn: sqlite3.Connection, snapshot: Mapping[str, Holding], taken_at: datetime
) -> None:
    """Replace the stored snapshot with `snapshot`."""
    conn.execute("DELETE FROM holdings")
    conn.executemany(
        "INSERT INTO holdings (asset, total, free, locked, precision) VALUES (?, ?, ?, ?, ?)",
        [
            (
                asset,
                money_to_db(h.total),
                money_to_db(h.free),
                money_to_db(h.locked),
                h.precision,
            )
            for asset, h in snapshot.items()
        ],
    )
    conn.execute(
        "INSERT INTO snapshot (id, taken_at) VALUES (1, ?)"
        " ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at",
        (time_to_db(taken_at),),
    )


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """Return the value stored under `key`, or None."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    """Store `value` under `key`; None deletes the key."""
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
