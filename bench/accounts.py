"""Accounts for the bench: the demo account grown to a given number of assets."""

from __future__ import annotations

import itertools
import string
from decimal import Decimal

from balance_bot.fakes.seed import (
    SEED_TIMESTAMP_MS,
    JsonRow,
    demo_balances,
    demo_tickers,
    ticker_row,
)


def synthetic_assets() -> itertools.chain[str]:
    """Yield asset codes no real listing uses: XAA, XAB, ..."""
    letters = string.ascii_uppercase
    return itertools.chain(f"X{a}{b}" for a in letters for b in letters)


def account(assets: int) -> tuple[list[JsonRow], list[JsonRow]]:
    """Return balance and ticker rows of the demo account grown to `assets` balances.

    Every added asset holds a non-zero amount and has a TRY pair, so it is valued.
    """
    balances, tickers = demo_balances(), demo_tickers()
    if assets < len(balances):
        raise ValueError(f"the demo account already has {len(balances)} assets")
    codes = synthetic_assets()
    for index in range(assets - len(balances)):
        code = next(codes)
        amount = f"{index + 1},{(index * 37) % 100:02d}"
        balances.append(
            {
                "asset": code,
                "assetname": f"Bench coin {code}",
                "balance": amount,
                "locked": "0",
                "free": amount,
                "orderFund": "0",
                "requestFund": "0",
                "precision": 4,
                "timestamp": SEED_TIMESTAMP_MS,
            }
        )
        price = Decimal(index + 2) * Decimal("3.25")
        tickers.append(ticker_row(code, "TRY", price, digits=2, order=3000 + index))
    return balances, tickers
