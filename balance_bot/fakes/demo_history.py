"""The demo account's past: three months of history that ends exactly at the seeded balances.

    seed_demo_history(exchange)   # rows in exchange.ledger, closes in exchange.candles

Two TRY deposits, buys of every priced asset held (GLMR through USDT), a BTC deposit from another
wallet, and sells that realize a profit (BTC) and leave dust (XRP, AVAX, SHIB). The ledger's own
operations run on a scratch account, so fees, taxes and rows are exactly the ledger's; only the
rows are copied, and the seeded balances do not move. The TRY deposited (in kuruş) and the USDT
bought are solved so that every asset ends at its seeded balance, at the asset's precision.
ETHW has no price and no history: /pnl shows it as incomplete, honestly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from balance_bot.fakes.graph import Candles
from balance_bot.fakes.ledger import Book, JsonRow, Ledger, ScratchAccount
from balance_bot.fakes.seed import demo_balances

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
DAYS_BACK = 90
# pair: (close DAYS_BACK days ago, close today, decimals); the days between lie on a line.
PRICE_PATHS: dict[str, tuple[str, str, int]] = {
    "BTCTRY": ("2950000", "3500000", 0),
    "USDTTRY": ("39.60", "41.5", 2),
    "GLMRUSDT": ("0.0954", "0.0821", 4),
    "XRPTRY": ("84.10", "95.21", 2),
    "AVAXTRY": ("1180.0", "1050.5", 1),
    "SHIBTRY": ("0.000810", "0.000915", 6),
}
BTC_BOUGHT = (Decimal(6), Decimal(4))
BTC_DEPOSITED = Decimal("0.25")
DUST_BOUGHT = {"XRP": Decimal(150), "AVAX": Decimal(2), "SHIB": Decimal(1_000_000)}
FIRST_DEPOSIT = Decimal(20_000_000)  # TRY; the second deposit tops up to the solved total
_FIRST_TRY = Decimal(40_000_000)  # enough for every buy; replaced by the solved total
_FIRST_USDT = Decimal(1500)


class Exchange(Protocol):
    """What seeding needs of the fake exchange."""

    ledger: Ledger
    candles: Candles

    def now_ms(self) -> int: ...


@dataclass(frozen=True)
class DemoHistory:
    """The rows per endpoint, the daily closes behind them, and the balances they end at."""

    rows: dict[Book, list[JsonRow]]
    closes: dict[str, dict[date, Decimal]]
    balances: dict[str, Decimal]


def seed_demo_history(exchange: Exchange) -> DemoHistory:
    """Add the demo history's rows and daily closes to `exchange`; its balances stay."""
    history = demo_history(exchange.now_ms())
    for book, rows in history.rows.items():
        exchange.ledger.rows[book].extend(rows)
    for pair, closes in history.closes.items():
        for day, close in closes.items():
            exchange.candles.set_close(pair, day, close)
    return history


def demo_history(now_ms: int) -> DemoHistory:
    """Return the history ending at `now_ms` that accounts for the seeded balances."""
    closes = _closes(now_ms)
    targets = _targets()
    glmr_cost = _run(now_ms, closes, _FIRST_TRY, _FIRST_USDT)
    usdt = _FIRST_USDT + targets["USDT"] - glmr_cost.balances["USDT"]
    first = _run(now_ms, closes, _FIRST_TRY, usdt)
    fiat = (_FIRST_TRY + targets["TRY"] - first.balances["TRY"]).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    history = _run(now_ms, closes, fiat, usdt)
    return DemoHistory(history.rows, closes, history.balances)


def _targets() -> dict[str, Decimal]:
    """Return the seeded balances the history must reach (TRY to the kuruş)."""
    held = _seeded()
    return {"TRY": held["TRY"].quantize(Decimal("0.01")), "USDT": held["USDT"]}


def _run(
    now_ms: int, closes: dict[str, dict[date, Decimal]], fiat: Decimal, usdt: Decimal
) -> DemoHistory:
    """Play the script on a scratch account with `fiat` TRY deposited in all, `usdt` bought."""
    account = ScratchAccount([])
    ledger = Ledger(
        account,
        _trade_ids=itertools.count(1181163798900000001),  # older than the live rows' ids
        _order_ids=itertools.count(10938000001),
        _transfer_ids=itertools.count(670001),
    )

    def at(days_ago: int, hour: int = 10) -> None:
        """Move the clock to `days_ago` at `hour` UTC (and some seconds)."""
        day_start = (now_ms - days_ago * DAY_MS) // DAY_MS * DAY_MS
        account.at_ms = day_start + hour * HOUR_MS + 17_000 * days_ago

    def close(pair: str) -> Decimal:
        return closes[pair][datetime.fromtimestamp(account.at_ms / 1000, UTC).date()]

    at(88)
    ledger.deposit("TRY", FIRST_DEPOSIT)
    at(86)
    ledger.buy("BTCTRY", BTC_BOUGHT[0], close("BTCTRY"), fills=3)
    at(75, 14)
    ledger.deposit("BTC", BTC_DEPOSITED)
    at(70)
    ledger.buy("USDTTRY", usdt, close("USDTTRY"), fills=2)
    at(64, 16)
    ledger.buy("GLMRUSDT", "250", close("GLMRUSDT"))
    targets = _seeded()
    at(58, 15)
    btc_kept = targets["BTC"].quantize(Decimal("0.00000001"))
    btc_sold = sum(BTC_BOUGHT, BTC_DEPOSITED) - btc_kept
    ledger.sell("BTCTRY", btc_sold, close("BTCTRY"), fills=2)
    at(53, 9)
    ledger.deposit("TRY", fiat - FIRST_DEPOSIT)
    at(52)
    ledger.buy("BTCTRY", BTC_BOUGHT[1], close("BTCTRY"), fills=2)
    at(40, 12)
    for asset, amount in DUST_BOUGHT.items():
        ledger.buy(f"{asset}TRY", amount, close(f"{asset}TRY"))
    targets = _seeded()
    at(18, 11)
    for asset, amount in DUST_BOUGHT.items():
        ledger.sell(f"{asset}TRY", amount - targets[asset], close(f"{asset}TRY"))
    balances = {row["asset"]: Decimal(row["balance"]) for row in account.balances}
    return DemoHistory(ledger.rows, closes, balances)


def _seeded() -> dict[str, Decimal]:
    """Return the seeded balance of every asset."""
    return {row["asset"]: Decimal(row["balance"].replace(",", ".")) for row in demo_balances()}


def _closes(now_ms: int) -> dict[str, dict[date, Decimal]]:
    """Return each pair's daily close from DAYS_BACK days ago to today, on a straight line."""
    today = datetime.fromtimestamp(now_ms / 1000, UTC).date()
    closes: dict[str, dict[date, Decimal]] = {}
    for pair, (start, end, digits) in PRICE_PATHS.items():
        first, last = Decimal(start), Decimal(end)
        step = Decimal(1).scaleb(-digits)
        closes[pair] = {
            date.fromordinal(today.toordinal() - back): (
                last + (first - last) * back / DAYS_BACK
            ).quantize(step, rounding=ROUND_HALF_UP)
            for back in range(DAYS_BACK + 1)
        }
    return closes
