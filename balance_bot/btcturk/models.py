"""Typed, immutable views of what the exchange returns. Money is always `Decimal`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, NamedTuple


class Balance(NamedTuple):
    """One row of `GET /api/v1/users/balances` (a named tuple: cheap to build, immutable).

    Only `asset` and `balance` are always sent; `free`/`locked` are derived from each other when
    one is missing, `precision` takes a default, and `request_fund` is None when the row lacks
    it. `order_fund` (the part of `locked` in orders, what /orders reconciles its open orders
    with) is None when the row lacks it, and is read without a note: the older shapes lack it,
    and /orders says when it cannot check. The row's `timestamp` is not read.
    """

    asset: str
    asset_name: str
    balance: Decimal
    locked: Decimal
    free: Decimal
    request_fund: Decimal | None
    precision: int
    order_fund: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Ticker:
    """One pair of `GET /api/v2/ticker`; only the fields valuation and summaries use."""

    pair: str
    numerator: str
    denominator: str
    last: Decimal


NoteKind = Literal["missing", "defaulted", "derived", "type", "skipped"]
NoteEndpoint = Literal["balances", "tickers", "trades", "crypto", "fiat", "exchangeinfo"]


@dataclass(frozen=True, slots=True)
class DataNote:
    """Something an answer held that the documentation does not lead one to expect.

    `kind`: an optional field was missing, a default was taken, an amount was derived from the
    others, a field came in another JSON type, or the whole row was skipped.
    """

    endpoint: NoteEndpoint
    kind: NoteKind
    field: str
    subject: str  # the asset or pair, "" when the row did not say


Side = Literal["buy", "sell"]
TransferKind = Literal["deposit", "withdrawal"]


@dataclass(frozen=True, slots=True)
class Fill:
    """One row of `GET /api/v1/users/transactions/trade`: an order filled, wholly or in part.

    Amounts are magnitudes: the exchange's signs (a negative amount for a sell, negative fee
    and tax) are carried by `side` and by the fact that a fee is always paid.
    """

    id: str
    order_id: str
    at_ms: int
    numerator: str
    denominator: str
    side: Side
    price: Decimal
    amount: Decimal  # units of `numerator` bought or sold
    fee: Decimal  # paid, in `fee_currency`
    tax: Decimal  # paid, in `fee_currency`
    fee_currency: str  # the denominator on ordinary pairs


@dataclass(frozen=True, slots=True)
class Transfer:
    """One row of `GET /api/v1/users/transactions/crypto` or `/fiat`: money in or out.

    `amount` is a magnitude (the exchange sends withdrawals negative); `fee` and `tax` are
    what the transfer cost, in `asset`.
    """

    id: str
    kind: TransferKind
    asset: str
    at_ms: int
    amount: Decimal
    fee: Decimal
    tax: Decimal
    fiat: bool  # from `/fiat` (TRY), else `/crypto`


@dataclass(frozen=True, slots=True)
class History:
    """The fills and transfers of one time window, each once, oldest first."""

    fills: tuple[Fill, ...] = ()
    transfers: tuple[Transfer, ...] = ()
