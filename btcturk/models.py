"""Typed, immutable views of what the exchange returns. Money is always `Decimal`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple


class Balance(NamedTuple):
    """One row of `GET /api/v1/users/balances` (a named tuple: cheap to build, immutable)."""

    asset: str
    asset_name: str
    balance: Decimal
    locked: Decimal
    free: Decimal
    order_fund: Decimal
    request_fund: Decimal
    precision: int
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class Ticker:
    """One pair of `GET /api/v2/ticker`; only the fields valuation and summaries use."""

    pair: str
    numerator: str
    denominator: str
    last: Decimal
    daily_percent: Decimal
    timestamp: datetime
