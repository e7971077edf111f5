"""Queries for what the history explained: transaction ids, and the money moved in or out.

A transaction's id is stored in the poll's own transaction when it is explained, so none is
explained twice, across restarts. Deposits and withdrawals are kept with their value in the
quote currency at the time, for the summary's split of market movement from money moved.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from balance_bot.store.codec import money_from_db, money_to_db, time_from_db, time_to_db
from balance_bot.store.models import MoneyFlow, TransactionKey


def explained_among(
    conn: sqlite3.Connection, keys: Iterable[TransactionKey]
) -> set[TransactionKey]:
    """Return which of `keys` were explained before."""
    query = "SELECT 1 FROM explained WHERE kind = ? AND id = ?"
    return {key for key in keys if conn.execute(query, key).fetchone() is not None}


def mark_explained(conn: sqlite3.Connection, keys: Iterable[TransactionKey], now: datetime) -> None:
    """Remember `keys` as explained."""
    conn.executemany(
        "INSERT OR IGNORE INTO explained (kind, id, explained_at) VALUES (?, ?, ?)",
        [(kind, tx_id, time_to_db(now)) for kind, tx_id in keys],
    )


def add_flows(conn: sqlite3.Connection, flows: Sequence[MoneyFlow]) -> None:
    """Store the deposits and withdrawals the history explained."""
    conn.executemany(
        "INSERT INTO money_flows (at, kind, asset, amount, value) VALUES (?, ?, ?, ?, ?)",
        [
            (
                time_to_db(f.at),
                f.kind,
                f.asset,
                money_to_db(f.amount),
                None if f.value is None else money_to_db(f.value),
            )
            for f in flows
        ],
    )


def flows_between(conn: sqlite3.Connection, start: datetime, end: datetime) -> list[MoneyFlow]:
    """Return the flows stored with `start` < at <= `end`, oldest first."""
    rows = conn.execute(
        "SELECT at, kind, asset, amount, value FROM money_flows"
        " WHERE at > ? AND at <= ? ORDER BY at, id",
        (time_to_db(start), time_to_db(end)),
    ).fetchall()
    return [
        MoneyFlow(
            at=time_from_db(at),
            kind=kind,
            asset=asset,
            amount=money_from_db(amount),
            value=None if value is None else money_from_db(value),
        )
        for at, kind, asset, amount, value in rows
    ]


def prune_history(conn: sqlite3.Connection, before: datetime) -> int:
    """Forget explained ids and flows older than `before`; return how many rows went."""
    cutoff = time_to_db(before)
    gone = conn.execute("DELETE FROM explained WHERE explained_at < ?", (cutoff,)).rowcount
    return gone + conn.execute("DELETE FROM money_flows WHERE at < ?", (cutoff,)).rowcount
