"""Queries for daily portfolio values, one row per day (run inside a transaction).

Each asset's value is kept as a JSON object of Decimal strings, so it stays exact.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from balance_bot.store.codec import day_from_db, day_to_db, money_from_db, money_to_db
from balance_bot.store.models import DailyPortfolio

_SELECT = "SELECT day, total, asset_values FROM daily_portfolio"


def _portfolio(row: tuple[Any, ...]) -> DailyPortfolio:
    day, total, asset_values = row
    values = {asset: money_from_db(text) for asset, text in json.loads(asset_values).items()}
    return DailyPortfolio(day=day_from_db(day), total=money_from_db(total), values=values)


def save_daily_portfolio(conn: sqlite3.Connection, portfolio: DailyPortfolio) -> None:
    """Store the day's portfolio, replacing one already stored for that day."""
    values = {asset: money_to_db(value) for asset, value in portfolio.values.items()}
    conn.execute(
        "INSERT INTO daily_portfolio (day, total, asset_values) VALUES (?, ?, ?)"
        " ON CONFLICT (day) DO UPDATE"
        " SET total = excluded.total, asset_values = excluded.asset_values",
        (
            day_to_db(portfolio.day),
            money_to_db(portfolio.total),
            json.dumps(values, sort_keys=True),
        ),
    )


def portfolio_before(conn: sqlite3.Connection, day: date) -> DailyPortfolio | None:
    """Return the latest portfolio stored strictly before `day`, or None."""
    row = conn.execute(
        f"{_SELECT} WHERE day < ? ORDER BY day DESC LIMIT 1", (day_to_db(day),)
    ).fetchone()
    return None if row is None else _portfolio(row)


def portfolio_history(conn: sqlite3.Connection, since: date) -> list[DailyPortfolio]:
    """Return the portfolios stored from `since` on, oldest first."""
    rows = conn.execute(f"{_SELECT} WHERE day >= ? ORDER BY day", (day_to_db(since),)).fetchall()
    return [_portfolio(row) for row in rows]
