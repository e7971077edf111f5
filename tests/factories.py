"""Small builders for the exchange's models: the old import path of tests/kit/account.py."""

from __future__ import annotations

from tests.kit.account import AS_OF, balance, documented_balances, documented_tickers, ticker

__all__ = ["AS_OF", "balance", "documented_balances", "documented_tickers", "ticker"]
