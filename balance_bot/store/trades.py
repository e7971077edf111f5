"""The account's history kept for profit and loss: fills and transfers by id, daily prices
and the days the chart server answered for good, the prices a check read when it saw a
change, and the price each deposit and withdrawal (and the rate each fill) was valued at.

Each record is stored once per endpoint and id (a window read twice changes nothing), as JSON
with its amounts as exact decimal text. A window's records and the backfill's progress are
written in one transaction, so a restart resumes exactly after the last window kept. A
transfer's price and a fill's rate are recorded once per quote currency and never replaced:
the cost they give does not move unless the history itself changes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from balance_bot.btcturk.models import Fill, History, Transfer
from balance_bot.core.cost_basis import PriceSource, TransferPrice
from balance_bot.core.seen_prices import Seen, SeenWindow
from balance_bot.store import snapshots
from balance_bot.store.codec import day_from_db, day_to_db, money_from_db, money_to_db, time_to_db
from balance_bot.store.database import Database
from balance_bot.store.history import flows_between
from balance_bot.store.models import MoneyFlow

TransferKey = tuple[str, str]  # ("crypto" or "fiat", the exchange's id)
_EVER = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC))

_FILL_MONEY = ("price", "amount", "fee", "tax")
_TRANSFER_MONEY = ("amount", "fee", "tax")


@dataclass(frozen=True, slots=True)
class StoredHistory:
    """Every kept fill and transfer, oldest first."""

    fills: tuple[Fill, ...]
    transfers: tuple[Transfer, ...]


def fill_to_db(fill: Fill) -> str:
    """Return the JSON text of a fill."""
    record: dict[str, Any] = {
        "order_id": fill.order_id,
        "numerator": fill.numerator,
        "denominator": fill.denominator,
        "side": fill.side,
        "fee_currency": fill.fee_currency,
    }
    record |= {name: money_to_db(getattr(fill, name)) for name in _FILL_MONEY}
    return json.dumps(record, separators=(",", ":"))


def fill_from_db(record_id: str, at_ms: int, text: str) -> Fill:
    """Return the fill stored as `text`."""
    record = json.loads(text)
    return Fill(
        id=record_id,
        order_id=record["order_id"],
        at_ms=at_ms,
        numerator=record["numerator"],
        denominator=record["denominator"],
        side=record["side"],
        price=money_from_db(record["price"]),
        amount=money_from_db(record["amount"]),
        fee=money_from_db(record["fee"]),
        tax=money_from_db(record["tax"]),
        fee_currency=record["fee_currency"],
    )


def transfer_to_db(transfer: Transfer) -> str:
    """Return the JSON text of a transfer."""
    record: dict[str, Any] = {"kind": transfer.kind, "asset": transfer.asset}
    record |= {name: money_to_db(getattr(transfer, name)) for name in _TRANSFER_MONEY}
    return json.dumps(record, separators=(",", ":"))


def transfer_from_db(record_id: str, at_ms: int, fiat: bool, text: str) -> Transfer:
    """Return the transfer stored as `text`."""
    record = json.loads(text)
    return Transfer(
        id=record_id,
        kind=record["kind"],
        asset=record["asset"],
        at_ms=at_ms,
        amount=money_from_db(record["amount"]),
        fee=money_from_db(record["fee"]),
        tax=money_from_db(record["tax"]),
        fiat=fiat,
    )


def add_history(conn: sqlite3.Connection, history: History) -> int:
    """Store the window's records not stored yet; return how many were new."""
    rows = [("trades", f.id, f.at_ms, fill_to_db(f)) for f in history.fills]
    rows += [
        ("fiat" if t.fiat else "crypto", t.id, t.at_ms, transfer_to_db(t))
        for t in history.transfers
    ]
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO history_records (book, id, at_ms, record) VALUES (?, ?, ?, ?)",
        rows,
    )
    return conn.total_changes - before


def all_history(conn: sqlite3.Connection) -> StoredHistory:
    """Return every stored record, oldest first."""
    fills, transfers = [], []
    for book, record_id, at_ms, text in conn.execute(
        "SELECT book, id, at_ms, record FROM history_records ORDER BY at_ms"
    ):
        if book == "trades":
            fills.append(fill_from_db(record_id, at_ms, text))
        else:
            transfers.append(transfer_from_db(record_id, at_ms, book == "fiat", text))
    return StoredHistory(tuple(fills), tuple(transfers))


def count_history(conn: sqlite3.Connection) -> int:
    """Return how many records are stored."""
    return int(conn.execute("SELECT count(*) FROM history_records").fetchone()[0])


def first_at_ms(conn: sqlite3.Connection) -> int | None:
    """Return the time of the oldest stored record, None when there is none."""
    value = conn.execute("SELECT min(at_ms) FROM history_records").fetchone()[0]
    return None if value is None else int(value)


def add_prices(conn: sqlite3.Connection, pair: str, closes: Mapping[date, Decimal]) -> None:
    """Store (or replace) daily closing prices of `pair`."""
    conn.executemany(
        "INSERT OR REPLACE INTO daily_prices (pair, day, close) VALUES (?, ?, ?)",
        [(pair, day_to_db(day), money_to_db(close)) for day, close in closes.items()],
    )


def prices_of(conn: sqlite3.Connection, pairs: Iterable[str]) -> dict[str, dict[date, Decimal]]:
    """Return the stored daily closes of each of `pairs`."""
    found: dict[str, dict[date, Decimal]] = {}
    for pair in pairs:
        rows = conn.execute("SELECT day, close FROM daily_prices WHERE pair = ?", (pair,))
        found[pair] = {day_from_db(day): money_from_db(close) for day, close in rows}
    return found


def add_candle_read(conn: sqlite3.Connection, pair: str, first: date, last: date) -> None:
    """Keep that the chart server answered `pair` from `first` to `last` for good, merged with
    the spans kept before (adjacent or overlapping spans become one)."""
    spans = candle_reads_of(conn, [pair]).get(pair, [])
    merged = merge_spans([*spans, (first, last)])
    conn.execute("DELETE FROM candle_reads WHERE pair = ?", (pair,))
    conn.executemany(
        "INSERT INTO candle_reads (pair, first_day, last_day) VALUES (?, ?, ?)",
        [(pair, day_to_db(start), day_to_db(end)) for start, end in merged],
    )


def candle_reads_of(
    conn: sqlite3.Connection, pairs: Iterable[str]
) -> dict[str, list[tuple[date, date]]]:
    """Return the spans of days the chart server answered for good, per pair, in order."""
    found: dict[str, list[tuple[date, date]]] = {}
    for pair in pairs:
        rows = conn.execute(
            "SELECT first_day, last_day FROM candle_reads WHERE pair = ? ORDER BY first_day",
            (pair,),
        )
        spans = [(day_from_db(first), day_from_db(last)) for first, last in rows]
        if spans:
            found[pair] = spans
    return found


def merge_spans(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Return `spans` of days merged where they overlap or touch, in order."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def add_transfer_prices(
    conn: sqlite3.Connection,
    quote: str,
    prices: Mapping[TransferKey, TransferPrice],
    now: datetime,
) -> None:
    """Record the prices of transfers in `quote`; one recorded before is kept as it was."""
    conn.executemany(
        "INSERT OR IGNORE INTO transfer_prices (book, id, quote, unit, source, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (book, record_id, quote, money_to_db(price.unit), price.source, time_to_db(now))
            for (book, record_id), price in prices.items()
        ],
    )


def transfer_prices_of(conn: sqlite3.Connection, quote: str) -> dict[TransferKey, TransferPrice]:
    """Return the recorded prices of transfers in `quote`."""
    rows = conn.execute(
        "SELECT book, id, unit, source FROM transfer_prices WHERE quote = ?", (quote,)
    )
    return {
        (book, record_id): TransferPrice(money_from_db(unit), cast(PriceSource, source))
        for book, record_id, unit, source in rows
    }


def add_fill_rates(
    conn: sqlite3.Connection, quote: str, rates: Mapping[str, TransferPrice], now: datetime
) -> None:
    """Record the rates of fills in `quote`; one recorded before is kept as it was."""
    conn.executemany(
        "INSERT OR IGNORE INTO fill_rates (id, quote, unit, source, recorded_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (fill_id, quote, money_to_db(rate.unit), rate.source, time_to_db(now))
            for fill_id, rate in rates.items()
        ],
    )


def fill_rates_of(conn: sqlite3.Connection, quote: str) -> dict[str, TransferPrice]:
    """Return the recorded rates of fills in `quote`, by fill id."""
    rows = conn.execute("SELECT id, unit, source FROM fill_rates WHERE quote = ?", (quote,))
    return {
        fill_id: TransferPrice(money_from_db(unit), cast(PriceSource, source))
        for fill_id, unit, source in rows
    }


def add_seen_window(conn: sqlite3.Connection, window: SeenWindow) -> None:
    """Keep the prices a check read when it saw a change (a window kept before stays)."""
    conn.executemany(
        "INSERT OR IGNORE INTO seen_prices (end_ms, start_ms, quote, asset, unit, change)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                window.end_ms,
                window.start_ms,
                window.quote,
                asset,
                money_to_db(seen.unit),
                money_to_db(seen.change),
            )
            for asset, seen in window.prices.items()
        ],
    )


def seen_windows_of(
    conn: sqlite3.Connection, quote: str, spans: Iterable[tuple[int, int]]
) -> list[SeenWindow]:
    """Return the windows in `quote` whose end is within one of `spans` (merged, in order),
    by their end."""
    windows: dict[int, tuple[int, dict[str, Seen]]] = {}
    for low, high in spans:
        rows = conn.execute(
            "SELECT end_ms, start_ms, asset, unit, change FROM seen_prices"
            " WHERE quote = ? AND end_ms BETWEEN ? AND ? ORDER BY end_ms, asset",
            (quote, low, high),
        )
        for end_ms, start_ms, asset, unit, change in rows:
            _, prices = windows.setdefault(end_ms, (start_ms, {}))
            prices[asset] = Seen(money_from_db(unit), money_from_db(change))
    return [SeenWindow(quote, start, end, prices) for end, (start, prices) in windows.items()]


class TradeStore:
    """The history cache behind an async facade; every method is one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def save_window(self, history: History, progress: Mapping[str, str | None]) -> int:
        """Store a window's records and the backfill's progress together; return new records."""
        progress = dict(progress)

        def write(conn: sqlite3.Connection) -> int:
            added = add_history(conn, history)
            for key, value in progress.items():
                snapshots.set_meta(conn, key, value)
            return added

        return await self.db.run(write)

    async def progress(self, keys: Iterable[str]) -> dict[str, str | None]:
        """Return the stored values of `keys` (None where absent)."""
        wanted = list(keys)
        return await self.db.run(lambda conn: {k: snapshots.get_meta(conn, k) for k in wanted})

    async def history(self) -> StoredHistory:
        """Return every stored fill and transfer, oldest first."""
        return await self.db.run(all_history)

    async def count(self) -> int:
        """Return how many records are stored."""
        return await self.db.run(count_history)

    async def first_at_ms(self) -> int | None:
        """Return the time of the oldest stored record, None when there is none."""
        return await self.db.run(first_at_ms)

    async def add_prices(self, pair: str, closes: Mapping[date, Decimal]) -> None:
        """Store daily closes of `pair`."""
        kept = dict(closes)
        await self.db.run(lambda conn: add_prices(conn, pair, kept))

    async def prices(self, pairs: Iterable[str]) -> dict[str, dict[date, Decimal]]:
        """Return the stored daily closes of each pair."""
        wanted = list(pairs)
        return await self.db.run(lambda conn: prices_of(conn, wanted))

    async def add_candle_read(self, pair: str, first: date, last: date) -> None:
        """Keep that the chart server answered `pair` from `first` to `last` for good."""
        await self.db.run(lambda conn: add_candle_read(conn, pair, first, last))

    async def candle_reads(self, pairs: Iterable[str]) -> dict[str, list[tuple[date, date]]]:
        """Return the spans of days the chart server answered for good, per pair."""
        wanted = list(pairs)
        return await self.db.run(lambda conn: candle_reads_of(conn, wanted))

    async def transfer_prices(self, quote: str) -> dict[TransferKey, TransferPrice]:
        """Return the recorded prices of transfers in `quote`."""
        return await self.db.run(lambda conn: transfer_prices_of(conn, quote))

    async def add_transfer_prices(
        self, quote: str, prices: Mapping[TransferKey, TransferPrice], now: datetime
    ) -> None:
        """Record transfers' prices in `quote`, never replacing one recorded before."""
        kept = dict(prices)
        await self.db.run(lambda conn: add_transfer_prices(conn, quote, kept, now))

    async def fill_rates(self, quote: str) -> dict[str, TransferPrice]:
        """Return the recorded rates of fills in `quote`, by fill id."""
        return await self.db.run(lambda conn: fill_rates_of(conn, quote))

    async def add_fill_rates(
        self, quote: str, rates: Mapping[str, TransferPrice], now: datetime
    ) -> None:
        """Record fills' rates in `quote`, never replacing one recorded before."""
        kept = dict(rates)
        await self.db.run(lambda conn: add_fill_rates(conn, quote, kept, now))

    async def seen_windows(self, quote: str, spans: Iterable[tuple[int, int]]) -> list[SeenWindow]:
        """Return the prices checks read when they saw a change, in the windows whose end is
        within one of `spans` (merged, in order), oldest first."""
        wanted = list(spans)
        return await self.db.run(lambda conn: seen_windows_of(conn, quote, wanted))

    async def seen_flows(self) -> list[MoneyFlow]:
        """Return every deposit and withdrawal the change alerts explained, with its value."""
        return await self.db.run(lambda conn: flows_between(conn, *_EVER))
