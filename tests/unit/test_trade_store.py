"""The P&L's own tables: a transfer's price recorded once, and the migration that added them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

from balance_bot.btcturk.models import History, Transfer
from balance_bot.core.cost_basis import TransferPrice
from balance_bot.store.database import Database
from balance_bot.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from balance_bot.store.trades import TradeStore

D = Decimal
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


async def test_a_transfer_price_is_recorded_once_and_never_replaced(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        trades = TradeStore(db)
        key = ("crypto", "77")
        await trades.add_transfer_prices("TRY", {key: TransferPrice(D("3600000"), "seen")}, NOW)
        await trades.add_transfer_prices("TRY", {key: TransferPrice(D("3100000"), "close")}, NOW)
        await trades.add_transfer_prices("USDT", {key: TransferPrice(D("90000"), "close")}, NOW)
        assert await trades.transfer_prices("TRY") == {key: TransferPrice(D("3600000"), "seen")}
        assert await trades.transfer_prices("USDT") == {key: TransferPrice(D("90000"), "close")}


async def test_the_migration_keeps_the_history_and_the_prices_stored_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.sqlite3"
    conn = sqlite3.connect(path)
    for statements in MIGRATIONS[:6]:  # the schema before transfer prices were recorded
        for statement in statements:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO history_records VALUES ('crypto', '77', 1772377200000, ?)",
        ('{"kind":"deposit","asset":"BTC","amount":"0.01","fee":"0","tax":"0"}',),
    )
    conn.execute("INSERT INTO daily_prices VALUES ('BTCTRY', '2026-03-01', '3000000')")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()

    async with await Database.open(path) as db:
        version = await db.run(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
        assert version == SCHEMA_VERSION
        trades = TradeStore(db)
        stored = await trades.history()
        assert stored.transfers == (
            Transfer("77", "deposit", "BTC", 1772377200000, D("0.01"), D(0), D(0), False),
        )
        assert await trades.prices(["BTCTRY"]) == {"BTCTRY": {date(2026, 3, 1): D(3000000)}}
        assert await trades.transfer_prices("TRY") == {}
        assert await trades.save_window(History(), {}) == 0


async def test_a_fill_rate_is_recorded_once_and_the_seen_prices_are_read_by_span(
    tmp_path: Path,
) -> None:
    from balance_bot.core.seen_prices import Seen, SeenWindow
    from balance_bot.store.trades import add_seen_window

    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        trades = TradeStore(db)
        await trades.add_fill_rates("TRY", {"F1": TransferPrice(D("34"), "seen")}, NOW)
        await trades.add_fill_rates("TRY", {"F1": TransferPrice(D("35"), "close")}, NOW)
        assert await trades.fill_rates("TRY") == {"F1": TransferPrice(D("34"), "seen")}
        assert await trades.fill_rates("USDT") == {}
        windows = [
            SeenWindow("TRY", 1_000, 61_000, {"BTC": Seen(D("3600000"), D("0.01"))}),
            SeenWindow("TRY", 61_000, 121_000, {"USDT": Seen(D("34.1"), D("-100"))}),
            SeenWindow("USDT", 61_000, 121_000, {"TRY": Seen(D("0.029"), D("0"))}),
        ]
        for window in windows:
            await db.run(partial(add_seen_window, window=window))
        assert await trades.seen_windows("TRY", [(0, 70_000), (100_000, 200_000)]) == windows[:2]
        assert await trades.seen_windows("TRY", [(62_000, 100_000)]) == []
        assert await trades.seen_windows("USDT", [(0, 200_000)]) == windows[2:]
