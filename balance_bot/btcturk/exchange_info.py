"""BTCTurk's public status of its pairs and coins, `GET /api/v2/server/exchangeinfo`. Pure.

    data.symbols[]                  name BTCTRY, numerator BTC, denominator TRY, status TRADING
    data.currencies[]               symbol BTC (upper case)
    data.currencyOperationBlocks[]  currencySymbol Btc, LBtc, Trc20Usdt; withdrawalDisabled,
                                    depositDisabled

What real answers do (orders-and-exchangeinfo.md, a captured 2022 answer in
fakes/exchangeinfo_2022.json): block symbols are title case and may start with a network
(`LBtc` Liquid, `Trc20Usdt`); a symbol may come twice (`Sgb`), and is closed when any of its
rows says so; the block list and the currency list differ in length, so rows are matched by
symbol, never by position; `message` is "" rather than null. GUESS: a halted or delisted pair
either changes its `status` or leaves the list; the caller handles both.

Tolerant as the other readers: a row without what it needs is skipped and noted; the answer
fails only without a usable pair. An answer without a block list is not a list of open coins:
`blocks` is None then, and nothing is compared on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from balance_bot.btcturk.errors import BadResponse
from balance_bot.btcturk.models import DataNote

EXCHANGE_INFO_PATH = "/api/v2/server/exchangeinfo"
TRADING = "TRADING"


@dataclass(frozen=True, slots=True)
class PairInfo:
    """One pair the exchange lists, and whether it trades."""

    name: str  # BTCTRY
    numerator: str  # BTC
    denominator: str  # TRY
    status: str | None  # TRADING; None when the row does not say

    @property
    def trading(self) -> bool:
        """Tell whether the pair trades (a row that does not say is not taken as halted)."""
        return self.status is None or self.status.upper() == TRADING


@dataclass(frozen=True, slots=True)
class OperationRow:
    """One row of the block list: a coin, maybe on one network, and what is closed on it."""

    symbol: str  # as sent: Btc, LBtc, Trc20Usdt
    withdrawal_closed: bool | None  # None: the row does not say
    deposit_closed: bool | None


@dataclass(frozen=True, slots=True)
class ExchangeInfo:
    """The pairs, the coins and the block list of one answer."""

    pairs: tuple[PairInfo, ...]
    blocks: tuple[OperationRow, ...] | None  # None: the answer holds no block list
    currencies: frozenset[str]  # the coins' symbols, upper case


def parse_exchange_info(data: Any, notes: list[DataNote] | None = None) -> ExchangeInfo:
    """Return the usable pairs, blocks and coins of `exchangeinfo` data."""
    sink: list[DataNote] = [] if notes is None else notes
    if not isinstance(data, dict):
        raise BadResponse("BTCTurk exchange info is not an object")
    pairs = tuple(pair for row in _objects(data.get("symbols"), sink) if (pair := _pair(row, sink)))
    if not pairs:
        raise BadResponse("BTCTurk exchange info holds no usable pair")
    raw_blocks = data.get("currencyOperationBlocks")
    blocks = None
    if isinstance(raw_blocks, list):
        blocks = tuple(block for row in _objects(raw_blocks, sink) if (block := _block(row, sink)))
    else:
        sink.append(DataNote("exchangeinfo", "missing", "currencyOperationBlocks", ""))
    currencies = frozenset(
        row["symbol"].upper()
        for row in _objects(data.get("currencies"), sink)
        if type(row.get("symbol")) is str and row["symbol"]
    )
    return ExchangeInfo(pairs=pairs, blocks=blocks, currencies=currencies)


def _objects(value: Any, notes: list[DataNote]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    rows = [row for row in value if isinstance(row, dict)]
    if len(rows) != len(value):
        notes.append(DataNote("exchangeinfo", "skipped", "row", ""))
    return rows


def _text(row: dict[str, Any], name: str) -> str | None:
    value = row.get(name)
    return value.strip() if type(value) is str and value.strip() else None


def _pair(row: dict[str, Any], notes: list[DataNote]) -> PairInfo | None:
    name = _text(row, "name")
    numerator, denominator = _text(row, "numerator"), _text(row, "denominator")
    normalized = _text(row, "nameNormalized")
    if (numerator is None or denominator is None) and normalized and normalized.count("_") == 1:
        numerator, denominator = normalized.split("_")
    if name is None and numerator and denominator:
        name = numerator + denominator
    if name is None or not numerator or not denominator:
        notes.append(DataNote("exchangeinfo", "skipped", "name", name or ""))
        return None
    status = _text(row, "status")
    if status is None:
        notes.append(DataNote("exchangeinfo", "missing", "status", name))
    return PairInfo(name.upper(), numerator.upper(), denominator.upper(), status)


def _block(row: dict[str, Any], notes: list[DataNote]) -> OperationRow | None:
    symbol = _text(row, "currencySymbol")
    if symbol is None:
        notes.append(DataNote("exchangeinfo", "skipped", "currencySymbol", ""))
        return None
    withdrawal, deposit = row.get("withdrawalDisabled"), row.get("depositDisabled")
    for name, value in (("withdrawalDisabled", withdrawal), ("depositDisabled", deposit)):
        if type(value) is not bool:
            notes.append(DataNote("exchangeinfo", "missing", name, symbol))
    return OperationRow(
        symbol,
        withdrawal if type(withdrawal) is bool else None,
        deposit if type(deposit) is bool else None,
    )
