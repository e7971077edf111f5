"""Small builders for the exchange's models, shared by the unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from btcturk.models import Balance, Ticker

AS_OF = datetime(2026, 11, 25, 11, 32, tzinfo=UTC)  # 14:32 in Istanbul


def balance(asset: str, total: str, locked: str = "0", precision: int = 8) -> Balance:
    """Return a balance row as the client would parse it."""
    amount, held = Decimal(total), Decimal(locked)
    return Balance(
        asset=asset,
        asset_name=f"{asset} coin",
        balance=amount,
        locked=held,
        free=amount - held,
        order_fund=held,
        request_fund=Decimal(0),
        precision=precision,
        timestamp=AS_OF,
    )


def ticker(numerator: str, denominator: str, last: str) -> Ticker:
    """Return a ticker row for one pair."""
    return Ticker(
        pair=numerator + denominator,
        numerator=numerator,
        denominator=denominator,
        last=Decimal(last),
        daily_percent=Decimal(0),
        timestamp=AS_OF,
    )


def documented_balances() -> list[Balance]:
    """Return the balances of the API documentation plus USDT, a zero row and dust."""
    return [
        balance("TRY", "27223.7283250757643288", "4874.3628685722294523", precision=2),
        balance("BTC", "9.7502186644553258", "3.3109771999999998", precision=8),
        balance("USDT", "1500.25", precision=2),
        balance("ETH", "0", precision=8),
        balance("SHIB", "1000", precision=2),
    ]


def documented_tickers() -> list[Ticker]:
    """Return the prices of the message sketches: BTCTRY 3,500,000 and USDTTRY 41.5."""
    return [
        ticker("BTC", "TRY", "3500000"),
        ticker("USDT", "TRY", "41.5"),
        ticker("ETH", "TRY", "120000"),
        ticker("SHIB", "TRY", "0.0004"),
    ]
