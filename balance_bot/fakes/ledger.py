"""The fake account's history: trades, deposits and withdrawals that move its balances.

    exchange.ledger.buy("BTCTRY", "0.5", "3512000", fills=3)
    exchange.ledger.withdraw("USDT", "100", fee="1", pending=True)   # requestFund, no row yet
    exchange.ledger.release_pending()                                # the row appears

Each operation moves the balances at once and writes rows shaped like the real endpoints':
trade rows as the documentation shows them today (amounts, fee and tax as strings, fee and
tax negative, a `preciseAmount` number, ids past 2**53), crypto and fiat rows with JSON
numbers as in the published examples. History can lag the balance, as it does on BTCTurk
(pending deposits are listed only once confirmed): a deposit with `lag=n` stays out of the next
n answers of its endpoint; a pending withdrawal locks its amount in `requestFund` and is listed
only when completed. A lagging row keeps the time its money moved.

Fees: every published trade row has tax = 18 % of the fee; the fee itself depends on the
account's tier, so `FEE_RATE` (0.12 % of the traded value) is a plausible choice, not a fact.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, Protocol

JsonRow = dict[str, Any]
Book = Literal["trades", "crypto", "fiat"]
FEE_RATE = Decimal("0.0012")
TAX_RATE = Decimal("0.18")
FIAT_ASSETS = frozenset({"TRY", "USD", "EUR", "GBP"})
_QUOTES = ("USDT", "TRY", "BTC", "EUR", "USD")
_EIGHT = Decimal("0.00000001")


class Account(Protocol):
    """What the ledger needs of the fake exchange."""

    balances: list[JsonRow]

    def now_ms(self) -> int: ...

    def set_balance(
        self,
        asset: str,
        balance: Decimal | str,
        *,
        locked: Decimal | str = "0",
        request_fund: Decimal | str | None = None,
    ) -> None: ...


@dataclass
class ScratchAccount:
    """An account of its own whose clock a seeding script sets: the ledger's operations run
    on it before its rows are copied into the fake exchange."""

    balances: list[JsonRow]
    at_ms: int = 0

    def now_ms(self) -> int:
        return self.at_ms

    def set_balance(
        self,
        asset: str,
        balance: Decimal | str,
        *,
        locked: Decimal | str = "0",
        request_fund: Decimal | str | None = None,
    ) -> None:
        row = next((r for r in self.balances if r["asset"] == asset), None)
        if row is None:
            row = {"asset": asset}
            self.balances.append(row)
        row.update(balance=str(balance), locked=str(locked), requestFund=str(request_fund or 0))


@dataclass
class _Held:
    """A row not listed yet: for `answers` more answers, or until released."""

    row: JsonRow
    answers: int


@dataclass
class _Pending:
    """A withdrawal requested but not done: its money sits in `requestFund`."""

    asset: str
    amount: Decimal
    fee: Decimal
    tax: Decimal


@dataclass
class Ledger:
    """History rows per endpoint, and the operations that create them."""

    account: Account
    rows: dict[Book, list[JsonRow]] = field(
        default_factory=lambda: {"trades": [], "crypto": [], "fiat": []}
    )
    _held: dict[Book, list[_Held]] = field(
        default_factory=lambda: {"trades": [], "crypto": [], "fiat": []}
    )
    _pending: list[_Pending] = field(default_factory=list)
    _trade_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1181163798924650001))
    _order_ids: Iterator[int] = field(default_factory=lambda: itertools.count(10938696301))
    _transfer_ids: Iterator[int] = field(default_factory=lambda: itertools.count(676962))

    # Operations

    def buy(
        self,
        pair: str,
        amount: Decimal | str,
        price: Decimal | str,
        *,
        fills: int = 1,
        fee_rate: Decimal | str = FEE_RATE,
        tax_rate: Decimal | str = TAX_RATE,
        order_id: int | None = None,
    ) -> list[JsonRow]:
        """Buy `amount` of the pair's numerator at `price` in `fills` fills; return the rows
        (of a new order, or of `order_id`'s)."""
        return self._trade("buy", pair, amount, price, fills, fee_rate, tax_rate, order_id)

    def sell(
        self,
        pair: str,
        amount: Decimal | str,
        price: Decimal | str,
        *,
        fills: int = 1,
        fee_rate: Decimal | str = FEE_RATE,
        tax_rate: Decimal | str = TAX_RATE,
        order_id: int | None = None,
    ) -> list[JsonRow]:
        """Sell `amount` of the pair's numerator at `price` in `fills` fills; return the rows
        (of a new order, or of `order_id`'s)."""
        return self._trade("sell", pair, amount, price, fills, fee_rate, tax_rate, order_id)

    def deposit(self, asset: str, amount: Decimal | str, *, lag: int = 0) -> JsonRow:
        """Credit `amount` now; list the row at once, or after `lag` answers of its endpoint."""
        value = _positive(amount)
        total, locked, request = self._figures(asset)
        self.account.set_balance(asset, total + value, locked=locked, request_fund=request)
        row = self._transfer_row("Deposit", asset, value, Decimal(0), Decimal(0), total + value)
        self._list(_book(asset), row, lag)
        return row

    def withdraw(
        self,
        asset: str,
        amount: Decimal | str,
        *,
        fee: Decimal | str = "0",
        tax: Decimal | str = "0",
        pending: bool = False,
    ) -> JsonRow | None:
        """Take `amount` + fee + tax; a pending one waits in `requestFund` with no row yet."""
        value, cost, levy = _positive(amount), Decimal(fee), Decimal(tax)
        total, locked, request = self._figures(asset)
        needed = value + cost + levy
        if needed > total - locked:
            raise ValueError(f"not enough free {asset} for {needed}")
        if pending:
            self._pending.append(_Pending(asset, value, cost, levy))
            self.account.set_balance(
                asset, total, locked=locked + needed, request_fund=request + needed
            )
            return None
        self.account.set_balance(asset, total - needed, locked=locked, request_fund=request)
        row = self._transfer_row("Withdrawal", asset, value, cost, levy, total - needed)
        self._list(_book(asset), row, 0)
        return row

    def release_pending(self) -> int:
        """List every held row and complete every pending withdrawal; return how many."""
        released = 0
        for book, held in self._held.items():
            self.rows[book].extend(item.row for item in held)
            released += len(held)
            held.clear()
        for pending in self._pending:
            needed = pending.amount + pending.fee + pending.tax
            total, locked, request = self._figures(pending.asset)
            self.account.set_balance(
                pending.asset,
                total - needed,
                locked=locked - needed,
                request_fund=request - needed,
            )
            row = self._transfer_row(
                "Withdrawal",
                pending.asset,
                pending.amount,
                pending.fee,
                pending.tax,
                total - needed,
            )
            self.rows[_book(pending.asset)].append(row)
            released += 1
        self._pending.clear()
        return released

    # Serving

    def answer(self, book: Book, start_ms: int, end_ms: int, cap: int) -> list[JsonRow]:
        """Return the newest `cap` listed rows in [start_ms, end_ms], newest first."""
        inside = [row for row in self.rows[book] if start_ms <= row["timestamp"] <= end_ms]
        inside.sort(key=lambda row: (row["timestamp"], row["id"]), reverse=True)
        self._age(book)
        return inside[:cap]

    @property
    def held(self) -> int:
        """Return how many rows (lagging deposits and pending withdrawals) are not listed yet."""
        return sum(len(items) for items in self._held.values()) + len(self._pending)

    # Internals

    def _trade(
        self,
        side: Literal["buy", "sell"],
        pair: str,
        amount: Decimal | str,
        price: Decimal | str,
        fills: int,
        fee_rate: Decimal | str,
        tax_rate: Decimal | str,
        order_id: int | None = None,
    ) -> list[JsonRow]:
        numerator, denominator = split_pair(pair)
        total, unit = _positive(amount), _positive(price)
        if fills < 1:
            raise ValueError("an order needs at least one fill")
        parts = _split(total, fills)
        fees = [_round(part * unit * Decimal(fee_rate)) for part in parts]
        taxes = [_round(fee * Decimal(tax_rate)) for fee in fees]
        cost = sum((p * unit for p in parts), Decimal(0))
        paid = sum(fees, Decimal(0)) + sum(taxes, Decimal(0))
        base, quote = self._figures(numerator), self._figures(denominator)
        sign = 1 if side == "buy" else -1
        new_base = base[0] + sign * total
        new_quote = quote[0] - sign * cost - paid
        if new_base - base[1] < 0 or new_quote - quote[1] < 0:
            raise ValueError(f"not enough free {denominator if side == 'buy' else numerator}")
        self.account.set_balance(numerator, new_base, locked=base[1], request_fund=base[2])
        self.account.set_balance(denominator, new_quote, locked=quote[1], request_fund=quote[2])
        order_id = next(self._order_ids) if order_id is None else order_id
        now = self.account.now_ms()
        rows = [
            _trade_row(
                next(self._trade_ids),
                order_id,
                now,
                numerator,
                denominator,
                side,
                unit,
                part,
                fee,
                tax,
            )
            for part, fee, tax in zip(parts, fees, taxes, strict=True)
        ]
        self.rows["trades"].extend(rows)
        return rows

    def _transfer_row(
        self, kind: str, asset: str, amount: Decimal, fee: Decimal, tax: Decimal, funds: Decimal
    ) -> JsonRow:
        sign = -1 if kind == "Withdrawal" else 1
        return {
            "balanceType": kind,
            "currencySymbol": asset,
            "id": next(self._transfer_ids),
            "timestamp": self.account.now_ms(),
            "funds": json_number(_round(funds)),  # informational: 8 decimals are enough
            "amount": json_number(sign * amount),
            "fee": json_number(-fee),
            "tax": json_number(-tax),
        }

    def _list(self, book: Book, row: JsonRow, lag: int) -> None:
        if lag > 0:
            self._held[book].append(_Held(row, lag))
        else:
            self.rows[book].append(row)

    def _age(self, book: Book) -> None:
        """Count one answer of `book`: rows whose lag is over are listed from the next one on."""
        keep = []
        for item in self._held[book]:
            item.answers -= 1
            if item.answers <= 0:
                self.rows[book].append(item.row)
            else:
                keep.append(item)
        self._held[book] = keep

    def _figures(self, asset: str) -> tuple[Decimal, Decimal, Decimal]:
        """Return an asset's balance, locked and requestFund (zeros for an asset not held)."""
        row = next((r for r in self.account.balances if r.get("asset") == asset), None)
        if row is None:
            return Decimal(0), Decimal(0), Decimal(0)
        return _read(row.get("balance")), _read(row.get("locked")), _read(row.get("requestFund"))


def split_pair(pair: str) -> tuple[str, str]:
    """Return (numerator, denominator) of "BTCTRY" or "BTC_TRY"."""
    if "_" in pair:
        numerator, _, denominator = pair.partition("_")
        return numerator, denominator
    for quote in _QUOTES:
        if pair.endswith(quote) and len(pair) > len(quote):
            return pair[: -len(quote)], quote
    raise ValueError(f"cannot tell the quote currency of {pair!r}; use one of {_QUOTES}")


def json_number(value: Decimal) -> int | float:
    """Return a JSON number whose text is exactly `value` (an int when whole)."""
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise ValueError(f"{value} has more digits than a JSON number keeps here")
    return number


def _trade_row(
    row_id: int,
    order_id: int,
    at_ms: int,
    numerator: str,
    denominator: str,
    side: str,
    price: Decimal,
    amount: Decimal,
    fee: Decimal,
    tax: Decimal,
) -> JsonRow:
    signed = amount if side == "buy" else -amount
    return {
        "id": row_id,
        "timestamp": at_ms,
        "amount": _text(signed),
        "preciseAmount": json_number(signed),
        "fee": _text(-fee),
        "tax": _text(-tax),
        "price": _text(price),
        "numeratorSymbol": numerator,
        "denominatorSymbol": denominator,
        "orderType": side,
        "orderId": order_id,
        "orderClientId": f"fake-{order_id}",
    }


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """Split `total` into `parts` amounts of 8 decimals that add up to it exactly."""
    share = (total / parts).quantize(_EIGHT, rounding=ROUND_HALF_UP)
    head = [share] * (parts - 1)
    return [*head, total - sum(head, Decimal(0))]


def _round(value: Decimal) -> Decimal:
    return value.quantize(_EIGHT, rounding=ROUND_HALF_UP)


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _positive(value: Decimal | str) -> Decimal:
    amount = _read(value)
    if amount <= 0:
        raise ValueError("the amount must be positive")
    return amount


def _read(value: Any) -> Decimal:
    if value is None:
        return Decimal(0)
    return Decimal(str(value).strip().replace(",", "."))


def _book(asset: str) -> Book:
    return "fiat" if asset in FIAT_ASSETS else "crypto"
