"""The demo's seeded history accounts exactly for the seeded balances."""

from __future__ import annotations

import copy
from decimal import Decimal

from balance_bot.demo import demo_environment
from balance_bot.fakes.demo_history import demo_history, seed_demo_history
from balance_bot.fakes.exchange import FakeBtcTurk
from balance_bot.fakes.seed import demo_balances

NOW_MS = 1_795_000_000_000


def _units(rows: dict[str, list[dict[str, object]]]) -> dict[str, Decimal]:
    """Add up every row's effect on each asset, as the exchange's history tells it."""
    units: dict[str, Decimal] = {}

    def add(asset: str, amount: Decimal) -> None:
        units[asset] = units.get(asset, Decimal(0)) + amount

    for row in rows["trades"]:
        amount, price = Decimal(str(row["amount"])), Decimal(str(row["price"]))
        paid = Decimal(str(row["fee"])) + Decimal(str(row["tax"]))  # both negative
        add(str(row["numeratorSymbol"]), amount)
        add(str(row["denominatorSymbol"]), -amount * price + paid)
    for book in ("crypto", "fiat"):
        for row in rows[book]:
            fees = Decimal(str(row["fee"])) + Decimal(str(row["tax"]))
            add(str(row["currencySymbol"]), Decimal(str(row["amount"])) + fees)
    return units


def test_the_history_accounts_for_every_seeded_balance_at_its_precision() -> None:
    history = demo_history(NOW_MS)
    units = _units(history.rows)  # type: ignore[arg-type]
    for row in demo_balances():
        held = Decimal(row["balance"].replace(",", "."))
        if not held or row["asset"] == "ETHW":  # ETHW has no price: left without history
            continue
        step = Decimal(1).scaleb(-row["precision"])
        assert units[row["asset"]].quantize(step) == held.quantize(step), row["asset"]
    assert "ETHW" not in units


def test_the_history_has_a_sell_a_crypto_deposit_and_candles_for_every_row() -> None:
    history = demo_history(NOW_MS)
    assert any(row["orderType"] == "sell" for row in history.rows["trades"])
    assert [row["currencySymbol"] for row in history.rows["crypto"]] == ["BTC"]
    assert all(row["timestamp"] < NOW_MS for book in history.rows.values() for row in book)
    for row in history.rows["trades"]:
        pair = f"{row['numeratorSymbol']}{row['denominatorSymbol']}"
        assert pair in history.closes


def test_seeding_adds_rows_and_closes_but_moves_no_balance() -> None:
    exchange = FakeBtcTurk()
    before = copy.deepcopy(exchange.balances)

    history = seed_demo_history(exchange)

    assert exchange.balances == before
    assert exchange.ledger.rows == history.rows
    day, close = next(iter(history.closes["USDTTRY"].items()))
    assert exchange.candles.closes["USDTTRY"][day] == close


def test_the_demo_reads_its_history_at_once_unless_told_otherwise() -> None:
    env = demo_environment({}, "http://t", "http://x", "data")
    kept = demo_environment(
        {"HISTORY_BACKFILL_DELAY_SECONDS": "30"}, "http://t", "http://x", "data"
    )

    assert env["HISTORY_BACKFILL_DELAY_SECONDS"] == "1"
    assert env["HISTORY_BACKFILL_PACE_SECONDS"] == "0"
    assert kept["HISTORY_BACKFILL_DELAY_SECONDS"] == "30"
