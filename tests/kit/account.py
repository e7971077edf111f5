"""The documented account, once: BTCTurk's documented balances as the fake serves them, and
as unit tests value them.

fakes/seed.py holds the raw rows (the documented TRY and BTC rows, USDT, zero rows, three dust
rows, GLMR valued through USDT and ETHW with no price). Unit tests take its TRY, BTC, USDT and
ETH rows and its prices as models, and add one dust row of their own, 1,000 SHIB at 0.0004:

    BTC   9.7502186644553258 x 3,500,000                 = 34,125,765.3255936
    TRY   27,223.7283250757643288                        =     27,223.7283250757643288
    USDT  1,500.25 x 41.5                                =     62,260.375
  the unit tests' account (DOCUMENTED_TOTAL) adds
    SHIB  1,000 x 0.0004                                 =          0.4
  the fake's account (SEEDED_TOTAL) adds instead
    GLMR  250 x 0.0821 x 41.5                            =        851.7875
    dust  SHIB 0.1102575 + XRP 0.390361 + AVAX 0.2101     =          0.7107185
    ETHW  no price, not in the total
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Final

from balance_bot.btcturk.models import Balance, Ticker
from balance_bot.fakes.seed import JsonRow, account_tickers, demo_balances

AS_OF: Final = datetime(2026, 11, 25, 11, 32, tzinfo=UTC)  # 14:32 in Istanbul
SEEDED_TOTAL: Final = "34,216,101.93"  # the fake exchange's account, as /balance shows it
DOCUMENTED_TOTAL: Final = "34,215,249.83"  # documented_balances() at documented_tickers()
SEEDED_ASSETS: Final = ("TRY", "BTC", "USDT", "ETH")  # the rows both accounts share


def balance(asset: str, total: str, locked: str = "0", precision: int = 8) -> Balance:
    """Return a balance row as the client would parse it."""
    amount, held = Decimal(total), Decimal(locked)
    return Balance(
        asset=asset,
        asset_name=f"{asset} coin",
        balance=amount,
        locked=held,
        free=amount - held,
        request_fund=Decimal(0),
        precision=precision,
    )


def ticker(numerator: str, denominator: str, last: str) -> Ticker:
    """Return a ticker row for one pair."""
    return Ticker(
        pair=numerator + denominator,
        numerator=numerator,
        denominator=denominator,
        last=Decimal(last),
    )


def _amount(row: JsonRow, name: str) -> str:
    """Return a seeded amount as decimal text (the seed keeps the reference page's commas)."""
    return str(row[name]).replace(",", ".")


def documented_balances() -> list[Balance]:
    """Return the seed's TRY, BTC, USDT and ETH rows, plus 1,000 SHIB of dust."""
    rows = {row["asset"]: row for row in demo_balances()}
    seeded = [
        balance(
            asset,
            _amount(rows[asset], "balance"),
            _amount(rows[asset], "locked"),
            precision=rows[asset]["precision"],
        )
        for asset in SEEDED_ASSETS
    ]
    return [*seeded, balance("SHIB", "1000", precision=2)]


def documented_tickers() -> list[Ticker]:
    """Return the seed's prices of those rows (BTCTRY 3,500,000, USDTTRY 41.5), SHIB at 0.0004."""
    wanted = {f"{asset}TRY" for asset in SEEDED_ASSETS}
    seeded = [
        ticker(row["numeratorSymbol"], row["denominatorSymbol"], str(row["last"]))
        for row in account_tickers()
        if row["pair"] in wanted
    ]
    return [*seeded, ticker("SHIB", "TRY", "0.0004")]
