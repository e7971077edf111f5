"""Typed, immutable views of what the exchange returns. Money is always `Decimal`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal, NamedTuple


class Balance(NamedTuple):
    """One row of `GET /api/v1/users/balances` (a named tuple: cheap to build, immutable).

    Only `asset` and `balance` are always sent; `free`/`locked` are derived from each other when
    one is missing, `precision` takes a default, and the rest is None when the row lacks it.
    """

    asset: str
    asset_name: str
    balance: Decimal
    locked: Decimal
    free: Decimal
    order_fund: Decimal | None
    request_fund: Decimal | None
    precision: int
    timestamp: datetime | None


@dataclass(frozen=True, slots=True)
class Ticker:
    """One pair of `GET /api/v2/ticker`; only the fields valuation and summaries use."""

    pair: str
    numerator: str
    denominator: str
    last: Decimal
    daily_percent: Decimal | None
    timestamp: datetime | None


NoteKind = Literal["missing", "defaulted", "derived", "type", "skipped"]


@dataclass(frozen=True, slots=True)
class DataNote:
    """Something an answer held that the documentation does not lead one to expect.

    `kind`: an optional field was missing, a default was taken, an amount was derived from the
    others, a field came in another JSON type, or the whole row was skipped.
    """

    endpoint: Literal["balances", "tickers"]
    kind: NoteKind
    field: str
    subject: str  # the asset or pair, "" when the row did not say
