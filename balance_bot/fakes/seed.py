"""The demo account: raw balance and ticker rows shaped exactly like the BTCTurk API's.

Amounts in balance rows are JSON strings (stored with the reference page's comma decimals; the
fake serves them with dots, as every published live answer has them); ticker prices are JSON
numbers. The market has about as many pairs as BTCTurk lists today (365), some of them without
a trade in the last 24 hours. Every function returns a fresh deep copy.
"""

from __future__ import annotations

import copy
import hashlib
from decimal import Decimal
from typing import Any, Final

JsonRow = dict[str, Any]

DEMO_API_KEY: Final = "5a1f0c2e-9b7d-4e3a-8c61-d2f4b7a90e15"
DEMO_API_SECRET: Final = "YnRjdHVyay1kZW1vLXNlY3JldDpub3QtYS1yZWFsLWtleSEh"
DEMO_BOT_TOKEN: Final = "123456789:AAHdEm0FakeTokenForTheDemoBot_x1234"
DEMO_CHAT_ID: Final = 100200300

SEED_TIMESTAMP_MS: Final = 1735866257711


def _balance(
    asset: str, assetname: str, balance: str, locked: str, free: str, precision: int
) -> JsonRow:
    return {
        "asset": asset,
        "assetname": assetname,
        "balance": balance,
        "locked": locked,
        "free": free,
        "orderFund": locked,
        "requestFund": "0",
        "precision": precision,
        "timestamp": SEED_TIMESTAMP_MS,
    }


_BALANCES: Final[list[JsonRow]] = [
    _balance(
        "TRY",
        "Türk Lirası",
        "27223,7283250757643288",
        "4874,3628685722294523",
        "22349,3654565035348765",
        2,
    ),
    _balance("BTC", "Bitcoin", "9,7502186644553258", "3,3109771999999998", "6,439241464455326", 8),
    _balance("USDT", "Tether", "1500,25", "0", "1500,25", 2),
    _balance("ETH", "Ethereum", "0", "0", "0", 8),
    _balance("LTC", "Litecoin", "0", "0", "0", 8),
    _balance("XLM", "Stellar", "0", "0", "0", 4),
    _balance("ADA", "Cardano", "0", "0", "0", 4),
    _balance("DOGE", "Dogecoin", "0", "0", "0", 4),
    _balance("LINK", "Chainlink", "0", "0", "0", 4),
    _balance("DOT", "Polkadot", "0", "0", "0", 4),
    _balance("SOL", "Solana", "0", "0", "0", 6),
    # Dust: each well under 1 TRY at the seeded prices.
    _balance("SHIB", "Shiba Inu", "120,5", "0", "120,5", 2),
    _balance("XRP", "Ripple", "0,0041", "0", "0,0041", 4),
    _balance("AVAX", "Avalanche", "0,0002", "0", "0,0002", 4),
    # Only a USDT pair: valued as GLMRUSDT x USDTTRY.
    _balance("GLMR", "Moonbeam", "250", "0", "250", 2),
    # No pair at all: cannot be valued.
    _balance("ETHW", "EthereumPoW", "0,75", "0", "0,75", 8),
]


def _number(value: Decimal) -> int | float:
    """Return a JSON number for `value`: an int when whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def ticker_row(
    numerator: str,
    denominator: str,
    last: Decimal | str | float,
    *,
    digits: int = 2,
    volume: Decimal | str = "1000",
    order: int = 1000,
    timestamp: int = SEED_TIMESTAMP_MS,
) -> JsonRow:
    """Build one plausible ticker row around `last`, rounded to `digits` decimals."""
    price = Decimal(str(last))
    quantum = Decimal(1).scaleb(-digits)

    def rounded(value: Decimal) -> Decimal:
        return value.quantize(quantum)

    open_ = rounded(price / Decimal("1.012"))
    daily = price - open_
    daily_percent = (daily / open_ * 100).quantize(Decimal("0.01")) if open_ else Decimal(0)
    return {
        "pair": f"{numerator}{denominator}",
        "pairNormalized": f"{numerator}_{denominator}",
        "timestamp": timestamp,
        "last": _number(price),
        "high": _number(rounded(price * Decimal("1.021"))),
        "low": _number(rounded(price * Decimal("0.974"))),
        "bid": _number(rounded(price - quantum)),
        "ask": _number(rounded(price + quantum)),
        "open": _number(open_),
        "volume": _number(Decimal(volume)),
        "average": _number(rounded((price + open_) / 2)),
        "daily": _number(daily),
        "dailyPercent": _number(daily_percent),
        "denominatorSymbol": denominator,
        "numeratorSymbol": numerator,
        "order": order,
    }


_TICKERS: Final[list[JsonRow]] = [
    ticker_row("BTC", "TRY", "3500000", digits=0, volume="184.37213", order=1000),
    ticker_row("USDT", "TRY", "41.5", digits=2, volume="9821455.12", order=1001),
    ticker_row("ETH", "TRY", "131250", digits=0, volume="1571.2291", order=1002),
    ticker_row("XRP", "TRY", "95.21", digits=2, volume="2841775.4", order=1003),
    ticker_row("SHIB", "TRY", "0.000915", digits=6, volume="98211457781", order=1004),
    ticker_row("AVAX", "TRY", "1050.5", digits=1, volume="10471.33", order=1005),
    ticker_row("BTC", "USDT", "84337", digits=0, volume="31.0457", order=2000),
    ticker_row("ETH", "USDT", "3162.7", digits=1, volume="402.117", order=2001),
    ticker_row("GLMR", "USDT", "0.0821", digits=4, volume="1275410", order=2002),
]


MARKET_PAIRS: Final = 365
# Other coins of the market, none held by the demo account (GLMR and ETHW must keep their
# routes: through USDT only, and none at all).
_MARKET_COIN_NAMES: Final = (
    "AAVE ALGO ANKR APE API3 ARB ATOM AUDIO AXS BAL BAND BAT BCH BNB CHZ COMP CRV CVC DASH "
    "EGLD ENJ EOS ETC FET FIL FLOKI FTM GALA GRT HBAR HOT ICP IMX INJ IOTA JASMY KAVA KSM LDO "
    "LPT LRC MANA MASK MATIC MINA MKR NEAR NEO OCEAN OMG ONE OP PEPE QNT RAD RNDR RUNE SAND "
    "SNX STORJ STX SUI SUSHI THETA TRX UMA UNI VET WAVES XTZ YFI ZIL ZRX BONK WIF JUP PYTH "
    "TIA SEI STRK MEME ORDI BLUR CFX CELO CKB DYDX ENS FLOW GMT GNO HNT ICX IOST KNC LUNA "
    "MAGIC MOVR NMR OGN PENDLE POL RSR SKL SLP SSV SXP T TRB TURBO W WLD XEC XEM ZEC"
)
_MARKET_COINS: Final = tuple(_MARKET_COIN_NAMES.split())
_MARKET_QUOTES: Final = ("TRY", "USDT", "BTC", "EUR")


def _market_fillers(count: int) -> list[JsonRow]:
    """Return `count` plausible pairs of other coins; every seventh has no trade in 24 h."""
    rows = []
    for index in range(count):
        coin = _MARKET_COINS[index % len(_MARKET_COINS)]
        quote = _MARKET_QUOTES[index // len(_MARKET_COINS)]
        price = Decimal(int(hashlib.sha256(coin.encode()).hexdigest()[:6], 16) % 90_000 + 100)
        price = price / 100 if quote == "TRY" else price / 10_000
        volume = "0" if index % 7 == 3 else str(index * 37 + 11)
        rows.append(ticker_row(coin, quote, price, digits=4, volume=volume, order=3000 + index))
    return rows


def demo_balances() -> list[JsonRow]:
    """Return the demo account's raw balance rows."""
    return copy.deepcopy(_BALANCES)


_MARKET: Final[list[JsonRow]] = _TICKERS + _market_fillers(MARKET_PAIRS - len(_TICKERS))


def demo_tickers() -> list[JsonRow]:
    """Return the demo market's raw ticker rows: the account's pairs and the rest, 365 in all."""
    return copy.deepcopy(_MARKET)


def account_tickers() -> list[JsonRow]:
    """Return only the pairs that value the demo account (for tests that list every row)."""
    return copy.deepcopy(_TICKERS)
