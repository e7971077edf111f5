"""The fake exchange's `GET /api/v2/server/exchangeinfo`: a real answer, and switches.

The body starts from a captured real answer (exchangeinfo_2022.json, beside this module: the
test fixture `test/fixtures/public/exchange_info.json` of the Ruby client nejdetkadir/btc-turk,
commit ab40be3, July 2022; 140 symbols, 60 currencies, 64 blocks, `Sgb` twice, networks
`LBtc`, `LUsdt`, `Trc20Usdt`, `Arc20Usdt`), kept byte for byte. The fake adds, in the same shape,
the pairs of its ticker list and the coins of its balances the 2022 answer lacks (GLMR, ETHW
…), once, at the first request: a pair that later leaves the ticker list (no trade in 24 h)
stays listed here, as on BTCTurk.

Switches, as the demo's `!suspend`, `!resume`, `!halt`, `!delist` and `!newpair` use them:

    info.close("USDT", "withdrawal", network="TRC20")   the Trc20Usdt row says closed
    info.close("USDT", "withdrawal", duplicate=True)    a second Usdt row, closed (the first open)
    info.reopen("USDT", "withdrawal", network="TRC20")   open again (a row added stays, open)
    info.networks("USDT")          ["ARC20", "L", "TRC20"]: the networks the list names
    info.halt("BTCTRY")            status HALT (GUESS: no halted answer is published)
    info.trade("BTCTRY")           TRADING again (and listed again after `remove`)
    info.remove("BTCTRY")          left out of the list
    info.add_pair("GLMRTRY")       a new pair, TRADING
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final, Literal

from balance_bot.fakes.seed import JsonRow

Operation = Literal["withdrawal", "deposit"]
FIXTURE: Final = Path(__file__).with_name("exchangeinfo_2022.json")
HALTED: Final = "HALT"
_FIELDS: Final[dict[Operation, str]] = {
    "withdrawal": "withdrawalDisabled",
    "deposit": "depositDisabled",
}
_QUOTES: Final = ("USDT", "TRY", "BTC", "EUR", "USD")


@functools.cache
def captured_answer() -> bytes:
    """Return the captured 2022 answer, as BTCTurk sent it."""
    return FIXTURE.read_bytes()


def block_symbol(coin: str, network: str = "") -> str:
    """Return a block row's symbol as BTCTurk writes it: `Usdt`, `Trc20Usdt`, `LBtc`."""
    return network.capitalize() + coin.capitalize()


class FakeExchangeInfo:
    """The list of pairs and coins the fake serves, with what is closed or halted."""

    def __init__(self, pairs: Callable[[], Iterable[str]], coins: Callable[[], Iterable[str]]):
        """`pairs` and `coins` name what the fake trades and holds (read at the first request)."""
        self._pairs_of_fake = pairs
        self._coins_of_fake = coins
        self._data: dict[str, Any] | None = None
        self._body: bytes | None = None
        self._closed: dict[tuple[str, str], set[Operation]] = {}  # (coin, network) -> closed
        self._duplicates: set[tuple[str, str]] = set()
        self._status: dict[str, str] = {}  # pair -> a status other than TRADING
        self._removed: set[str] = set()

    # Switches

    def close(
        self, coin: str, operation: Operation, *, network: str = "", duplicate: bool = False
    ) -> None:
        """Close `operation` of `coin` (on `network`): its row says so, or a second row does."""
        key = (coin.upper(), network.upper())
        self._closed.setdefault(key, set()).add(operation)
        if duplicate:
            self._duplicates.add(key)
        self._body = None

    def reopen(self, coin: str, operation: Operation, *, network: str = "") -> None:
        """Open `operation` of `coin` (on `network`) again."""
        key = (coin.upper(), network.upper())
        self._closed.get(key, set()).discard(operation)
        self._body = None

    def halt(self, pair: str, status: str = HALTED) -> bool:
        """List `pair` with a status other than TRADING; False when it is not listed."""
        if not self._listed(pair):
            return False
        self._status[pair.upper()] = status
        self._body = None
        return True

    def trade(self, pair: str) -> bool:
        """Let `pair` trade again (listed again when it was removed); False when unknown."""
        name = pair.upper()
        known = self._listed(name) or name in self._removed
        self._status.pop(name, None)
        self._removed.discard(name)
        self._body = None
        return known

    def remove(self, pair: str) -> bool:
        """Leave `pair` out of the list; False when it is not listed."""
        if not self._listed(pair):
            return False
        self._removed.add(pair.upper())
        self._body = None
        return True

    def add_pair(self, pair: str) -> bool:
        """List a new pair, trading; False when it is listed already."""
        name = pair.upper()
        if self._listed(name):
            return False
        data = self._built()
        numerator, denominator = split_pair(name)
        data["symbols"].append(_symbol_row(data["symbols"][0], name, numerator, denominator))
        self._removed.discard(name)
        self._body = None
        return True

    def networks(self, coin: str) -> list[str]:
        """Return the networks the list's block rows name for `coin` (`Trc20Usdt`: TRC20)."""
        data = self._built()
        coins = {row["symbol"].upper() for row in data["currencies"]}
        name = coin.lower()
        found = set()
        for row in data["currencyOperationBlocks"]:
            symbol: str = row["currencySymbol"]
            lowered = symbol.lower()
            if lowered.endswith(name) and lowered != name and symbol.upper() not in coins:
                found.add(symbol[: -len(name)].upper())
        return sorted(found)

    def listed(self) -> list[str]:
        """Return the pairs the list holds now."""
        return [row["name"] for row in self._built()["symbols"] if self._kept(row)]

    # The answer

    def body(self) -> bytes:
        """Return the answer's JSON, as it stands now."""
        if self._body is None:
            data = self._built()
            answer = {
                "data": {
                    "timeZone": data["timeZone"],
                    "serverTime": data["serverTime"],
                    "symbols": [self._symbol(row) for row in data["symbols"] if self._kept(row)],
                    "currencies": data["currencies"],
                    "currencyOperationBlocks": self._blocks(data["currencyOperationBlocks"]),
                },
                "success": True,
                "message": "",
                "code": 0,
            }
            self._body = json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
        return self._body

    def _built(self) -> dict[str, Any]:
        """Return the list: the captured answer and, once, the fake's own pairs and coins."""
        if self._data is not None:
            return self._data
        data: dict[str, Any] = json.loads(captured_answer())["data"]
        template, currency = data["symbols"][0], data["currencies"][1]
        names = {row["name"] for row in data["symbols"]}
        for pair in sorted(set(self._pairs_of_fake()) - names):
            try:
                numerator, denominator = split_pair(pair)
            except ValueError:
                continue
            data["symbols"].append(_symbol_row(template, pair, numerator, denominator))
        coins = {row["symbol"] for row in data["currencies"]}
        for coin in sorted({c.upper() for c in self._coins_of_fake()} - coins):
            data["currencies"].append(copy.deepcopy(currency) | {"symbol": coin, "name": coin})
            data["currencyOperationBlocks"].append(
                {
                    "currencySymbol": block_symbol(coin),
                    "withdrawalDisabled": False,
                    "depositDisabled": False,
                }
            )
        self._data = data
        return data

    def _listed(self, pair: str) -> bool:
        name = pair.upper()
        return name not in self._removed and any(
            row["name"] == name for row in self._built()["symbols"]
        )

    def _kept(self, row: JsonRow) -> bool:
        return row["name"] not in self._removed

    def _symbol(self, row: JsonRow) -> JsonRow:
        status = self._status.get(row["name"])
        return row if status is None else row | {"status": status}

    def _blocks(self, rows: list[JsonRow]) -> list[JsonRow]:
        """Return the block rows with what is closed: on its row, or on a row added for it."""
        served: list[JsonRow] = []
        shown: set[tuple[str, str]] = set()
        by_symbol = {block_symbol(*key).lower(): key for key in self._closed}
        for row in rows:
            key = by_symbol.get(row["currencySymbol"].lower())
            if key is None or key in self._duplicates or key in shown:
                served.append(row)
                continue
            shown.add(key)
            served.append(row | {_FIELDS[op]: True for op in self._closed[key]})
        for key, closed in sorted(self._closed.items()):
            if key in shown:  # a row added for a closure stays, open once reopened
                continue
            row = {
                "currencySymbol": block_symbol(*key),
                "withdrawalDisabled": False,
                "depositDisabled": False,
            }
            served.append(row | {_FIELDS[op]: True for op in closed})
        return served


def split_pair(pair: str) -> tuple[str, str]:
    """Return a pair's two coins, its quote one of BTCTurk's quote currencies."""
    for quote in _QUOTES:
        if pair.endswith(quote) and len(pair) > len(quote):
            return pair[: -len(quote)], quote
    raise ValueError(f"cannot tell the quote currency of {pair!r}; use one of {_QUOTES}")


def _symbol_row(template: JsonRow, pair: str, numerator: str, denominator: str) -> JsonRow:
    """Return a symbol row in the captured answer's shape, for `pair`."""
    row = copy.deepcopy(template)
    row.update(
        id=1000 + sum(map(ord, pair)),
        name=pair,
        nameNormalized=f"{numerator}_{denominator}",
        status="TRADING",
        numerator=numerator,
        denominator=denominator,
        isNew=False,
    )
    return row
