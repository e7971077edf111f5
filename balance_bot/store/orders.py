"""The orders the live feed told of, kept across restarts until each closed and was told.

One row per order, its state as JSON with amounts as exact decimal text. What a round of
order news owes the chats and the orders it changed are written in one transaction, so a
restart neither repeats an order's news nor loses it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from balance_bot.btcturk.models import Side
from balance_bot.btcturk.orders import OrderMethod
from balance_bot.core.orders import Close, Order, OrderTerms
from balance_bot.store import outbox
from balance_bot.store.codec import money_from_db, money_to_db, time_from_db, time_to_db
from balance_bot.store.database import Database
from balance_bot.store.models import NewNotification


def order_to_db(order: Order) -> str:
    """Return the JSON text of an order."""
    terms = order.terms
    record: dict[str, Any] = {
        "id": terms.order_id,
        "base": terms.base,
        "quote": terms.quote,
        "side": terms.side,
        "method": terms.method,
        "price": money_to_db(terms.price),
        "amount": money_to_db(terms.amount),
        "placed_at": _time(order.placed_at),
        "denom_left": _money(order.denom_left),
        "opened_seq": order.opened_seq,
        "closing_seq": order.closing_seq,
        "matched": money_to_db(order.matched),
        "matched_cost": money_to_db(order.matched_cost),
        "trades": {key: money_to_db(value) for key, value in order.trades.items()},
        "told_placed": order.told_placed,
        "told_filled": money_to_db(order.told_filled),
        "closed": order.closed,
        "closed_at": _time(order.closed_at),
        "aside": order.aside,
        "earlier_filled": money_to_db(order.earlier_filled),
    }
    return json.dumps(record, separators=(",", ":"))


def order_from_db(text: str) -> Order:
    """Return the order stored as `text`.

    Event numbers start again at each start-up: an order kept from before counts as told
    and settled (its numbers are dropped).
    """
    record = json.loads(text)
    terms = OrderTerms(
        order_id=record["id"],
        base=record["base"],
        quote=record["quote"],
        side=cast("Side | None", record["side"]),
        method=cast("OrderMethod | None", record["method"]),
        price=money_from_db(record["price"]),
        amount=money_from_db(record["amount"]),
    )
    return Order(
        terms,
        placed_at=_from_time(record["placed_at"]),
        denom_left=_from_money(record["denom_left"]),
        opened_seq=None if record["opened_seq"] is None else 0,
        closing_seq=None if record["closing_seq"] is None else 0,
        matched=money_from_db(record["matched"]),
        matched_cost=money_from_db(record["matched_cost"]),
        trades={key: money_from_db(value) for key, value in record["trades"].items()},
        told_placed=record["told_placed"],
        told_filled=money_from_db(record["told_filled"]),
        closed=cast("Close | None", record["closed"]),
        closed_at=_from_time(record["closed_at"]),
        aside=record["aside"],
        earlier_filled=money_from_db(record.get("earlier_filled", "0")),
    )


class OrderStore:
    """The orders kept of the account, on the bot's database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def load(self) -> list[Order]:
        """Return every order kept."""

        def read(conn: sqlite3.Connection) -> list[Order]:
            rows = conn.execute("SELECT state FROM orders ORDER BY key").fetchall()
            return [order_from_db(state) for (state,) in rows]

        return await self.db.run(read)

    async def save(
        self,
        orders: Sequence[Order],
        removed: Collection[str],
        notifications: Sequence[NewNotification] = (),
        *,
        now: datetime,
    ) -> None:
        """Store `orders`, forget the keys `removed` and enqueue `notifications`: all or
        nothing."""
        rows = [(order.key, order_to_db(order)) for order in orders]
        gone = [(key,) for key in removed]
        owed = list(notifications)

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany("DELETE FROM orders WHERE key = ?", gone)
            conn.executemany(
                "INSERT INTO orders (key, state) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET state = excluded.state",
                rows,
            )
            outbox.enqueue(conn, owed, now)

        await self.db.run(write)


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else time_to_db(moment)


def _from_time(text: str | None) -> datetime | None:
    return None if text is None else time_from_db(text)


def _money(value: Any) -> str | None:
    return None if value is None else money_to_db(value)


def _from_money(text: str | None) -> Any:
    return None if text is None else money_from_db(text)
