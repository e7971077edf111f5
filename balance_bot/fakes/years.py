"""Years of an account's life: history rows, the daily candles behind them, the balances they
end at. For the tests and the benchmark of the value history, and any fake that wants a past.

    history = seed_years(exchange, years=2, fills=5000, assets=20)

Lira deposits and withdrawals, buys and sells on TRY pairs (each trade one fill, at a price
near its day's close), USDT bought and spent on USDT pairs, crypto deposited from outside and
withdrawn, and one pair delisted half-way (`DELISTED`: its candles stop; the coin stays held).
USDTTRY climbs as the lira loses value. Every amount is exact and every balance is what the
rows leave, so the history accounts for each asset held. Seeded: the same arguments give the
same account.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Protocol

from balance_bot.fakes.graph import Candles
from balance_bot.fakes.ledger import Book, JsonRow, Ledger, ScratchAccount, json_number

DAY_MS = 86_400_000
DELISTED = "LUNA"  # its TRY pair's candles stop half-way; no other pair of it has any
TRY_ASSETS = ("BTC", "ETH", "XRP", "AVAX", "SOL", "ADA", "DOGE", "DOT", "LINK", "ATOM", "LTC",
              "TRX", "SHIB", "APE", "NEAR", "FET", "INJ", "ARB")  # fmt: skip
USDT_ASSETS = ("GLMR", "RENDER")  # priced through USDT: no TRY pair
START_PRICES = {"BTC": "1200000", "ETH": "80000", "SHIB": "0.00045", "DOGE": "3.1", "TRX": "2.4"}


class Exchange(Protocol):
    """What seeding needs of the fake exchange."""

    ledger: Ledger
    candles: Candles

    def now_ms(self) -> int: ...

    def set_balance(self, asset: str, balance: Decimal | str) -> None: ...


@dataclass(frozen=True)
class YearsHistory:
    """The rows per endpoint, each pair's closes, the balances the rows end at."""

    rows: dict[Book, list[JsonRow]]
    closes: dict[str, dict[date, Decimal]]
    balances: dict[str, Decimal]
    first: date
    delisted_after: date  # the last day of the delisted pair's candles


def seed_years(
    exchange: Exchange, *, years: int = 2, fills: int = 5000, assets: int = 20, seed: int = 25
) -> YearsHistory:
    """Give `exchange` the account's history, its candles and the balances it ends at."""
    history = years_history(exchange.now_ms(), years=years, fills=fills, assets=assets, seed=seed)
    for book, rows in history.rows.items():
        exchange.ledger.rows[book].extend(rows)
    for pair, closes in history.closes.items():
        for day, close in closes.items():
            exchange.candles.set_close(pair, day, close)
    for asset, balance in history.balances.items():
        exchange.set_balance(asset, balance)
    return history


def coins(assets: int) -> list[str]:
    """Return the `assets` coins of the account, besides TRY: USDT, the delisted one, the rest."""
    if assets < 3:
        raise ValueError("an account of years holds at least USDT, the delisted coin and one more")
    rest = [*TRY_ASSETS, *USDT_ASSETS]
    if assets - 2 > len(rest):
        raise ValueError(f"at most {len(rest) + 2} assets")
    picked = rest[: max(1, assets - 2 - min(len(USDT_ASSETS), (assets - 2) // 4))]
    picked += list(USDT_ASSETS[: assets - 2 - len(picked)])
    return ["USDT", DELISTED, *picked]


def pair_of(asset: str) -> str:
    """Return the pair an asset of the account trades on."""
    return f"{asset}USDT" if asset in USDT_ASSETS else f"{asset}TRY"


def years_history(now_ms: int, *, years: int, fills: int, assets: int, seed: int) -> YearsHistory:
    """Return the history of `years` up to yesterday that `seed_years` gives."""
    rng = random.Random(seed)  # a generated account, not a secret
    today = datetime.fromtimestamp(now_ms / 1000, UTC).date()
    first = today - timedelta(days=365 * years)
    held = coins(assets)
    closes = _closes(rng, held, first, today)
    delisted_after = first + timedelta(days=(today - first).days // 2)
    closes[pair_of(DELISTED)] = {
        d: c for d, c in closes[pair_of(DELISTED)].items() if d <= delisted_after
    }
    script = _Script(rng, ScratchAccount([]), closes, first, today, delisted_after)
    script.play(held, fills)
    balances = {row["asset"]: Decimal(row["balance"]) for row in script.account.balances}
    return YearsHistory(script.ledger.rows, closes, balances, first, delisted_after)


def _closes(
    rng: random.Random, held: list[str], first: date, today: date
) -> dict[str, dict[date, Decimal]]:
    """Return a random walk of daily closes per pair, and USDTTRY climbing with the lira."""
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    found: dict[str, dict[date, Decimal]] = {}
    usdt = Decimal(27)
    found["USDTTRY"] = {}
    for day in days:
        usdt *= Decimal(1) + Decimal(rng.randrange(-4, 12)) / 10_000
        found["USDTTRY"][day] = usdt.quantize(Decimal("0.01"))
    for asset in held[1:]:
        price = Decimal(START_PRICES.get(asset, str(rng.randrange(2, 2000))))
        if asset in USDT_ASSETS:
            price = (price / 30).quantize(Decimal("0.0001"))
        series = {}
        for day in days:
            price *= Decimal(1) + Decimal(rng.randrange(-400, 420)) / 10_000
            series[day] = _significant(price)
        found[pair_of(asset)] = series
    return found


def _significant(value: Decimal, digits: int = 6) -> Decimal:
    """Return `value` to `digits` significant digits, as a pair's price is quoted."""
    return value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1), rounding=ROUND_HALF_UP)


@dataclass
class _Script:
    """Plays the account's life on a scratch account, one operation at a time."""

    rng: random.Random
    account: ScratchAccount
    closes: dict[str, dict[date, Decimal]]
    first: date
    today: date
    delisted_after: date
    ledger: Ledger = field(init=False)
    transfer_ids: Iterator[int] = field(default_factory=lambda: itertools.count(560001))

    def __post_init__(self) -> None:
        self.ledger = Ledger(
            self.account,
            _trade_ids=itertools.count(1181163798700000001),
            _order_ids=itertools.count(10937000001),
        )

    def play(self, held: list[str], fills: int) -> None:
        """Deposit lira on the first day, then trade and move money until `fills` are made."""
        span_ms = ((self.today - self.first).days - 1) * DAY_MS
        start_ms = _ms(self.first) + 3_600_000
        self.at(start_ms)
        self.transfer("TRY", Decimal(2_000_000), Decimal(0))
        made = 0
        steps = sorted(self.rng.randrange(start_ms + 60_000, start_ms + span_ms) for _ in
                       range(fills * 11 // 10))  # fmt: skip
        for at_ms in steps:
            self.at(at_ms)
            roll = self.rng.random()
            if roll < 0.02:
                self.fiat(deposit=self.rng.random() < 0.7)
            elif roll < 0.04:
                self.crypto(held, deposit=self.rng.random() < 0.5)
            elif made < fills:
                made += self.trade(held)
        tries = 0
        while made < fills and tries < 100 * fills:  # the rest on the last day
            tries += 1
            self.at(start_ms + span_ms + tries)
            made += self.trade(held)

    def at(self, at_ms: int) -> None:
        self.account.at_ms = at_ms

    def day(self) -> date:
        return datetime.fromtimestamp(self.account.at_ms / 1000, UTC).date()

    def held(self, asset: str) -> Decimal:
        row = next((r for r in self.account.balances if r["asset"] == asset), None)
        return Decimal(0) if row is None else Decimal(row["balance"])

    def price(self, pair: str) -> Decimal:
        close = self.closes[pair][self.day()]
        return _significant(close * (1 + Decimal(self.rng.randrange(-50, 51)) / 10_000))

    def trade(self, held: list[str]) -> int:
        """Buy or sell one coin on its pair, within what is held; return the fills made."""
        asset = self.rng.choice(held)
        pair = pair_of(asset)
        if asset == DELISTED and self.day() > self.delisted_after:
            return 0
        quote = "USDT" if asset in USDT_ASSETS else "TRY"
        price = self.price(pair)
        owned = self.held(asset)
        if owned > 0 and self.rng.random() < 0.45:
            amount = _units(owned * Decimal(self.rng.randrange(5, 60)) / 100)
            if amount > 0:
                self.ledger.sell(pair, amount, price)
                return 1
        budget = self.held(quote) * Decimal(self.rng.randrange(2, 15)) / 100
        amount = _units(budget / price / Decimal("1.01"))
        if amount <= 0:
            return 0
        self.ledger.buy(pair, amount, price)
        return 1

    def fiat(self, *, deposit: bool) -> None:
        if deposit:
            self.transfer("TRY", Decimal(self.rng.randrange(10, 500)) * 1000, Decimal(0))
            return
        amount = (self.held("TRY") * Decimal("0.1")).quantize(Decimal(1), rounding=ROUND_DOWN)
        if amount > 10:
            self.transfer("TRY", -amount, Decimal(5))

    def crypto(self, held: list[str], *, deposit: bool) -> None:
        asset = self.rng.choice([a for a in held if a != DELISTED])
        if deposit:
            worth = Decimal(self.rng.randrange(1000, 200_000))
            amount = _units(worth / self.price(pair_of(asset)))
            if amount > 0:
                self.transfer(asset, amount, Decimal(0))
            return
        amount = _units(self.held(asset) * Decimal("0.2"))
        fee = _units(amount / 100)
        if amount > 0 and fee > 0:
            self.transfer(asset, -amount, fee)

    def transfer(self, asset: str, amount: Decimal, fee: Decimal) -> None:
        """Move `amount` (negative: out, `fee` on top) and list its row, as BTCTurk does."""
        balance = self.held(asset) + amount - fee
        self.account.set_balance(asset, balance)
        book: Book = "fiat" if asset == "TRY" else "crypto"
        self.ledger.rows[book].append(
            {
                "balanceType": "Withdrawal" if amount < 0 else "Deposit",
                "currencySymbol": asset,
                "id": next(self.transfer_ids),
                "timestamp": self.account.at_ms,
                "funds": json_number(_significant(balance, 12) if balance else balance),
                "amount": json_number(amount),
                "fee": json_number(-fee),
                "tax": 0,
            }
        )


def _units(amount: Decimal) -> Decimal:
    """Return an amount of a coin as BTCTurk keeps it: 8 decimals, at most 15 digits."""
    units = amount.quantize(Decimal("0.00000001"), rounding=ROUND_DOWN)
    return units if units.adjusted() < 7 else units.quantize(Decimal(1), rounding=ROUND_DOWN)


def _ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000
