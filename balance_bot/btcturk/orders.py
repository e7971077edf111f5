"""Read the order events of BTCTurk's private feed: 451 opened, 452 closed, 441 a fill. Pure.

    order_event(451, body)   # OrderFrame(opened=True, order_id="25338392433", …) or None

Frames come in the shapes users captured (BTCTrader/broker-api-docs #452, #592, #601, #604):
`id` is the order's id in all three; `orderType` 0 is a buy and 1 a sell (441 says `isBid`);
`method` 0 limit, 1 market, 2 stop-limit; `numLeft` the base amount left and `denomLeft` its
worth in the quote. Numbers are strings whose precision differs between two events of one
order (`"0.04573"`, `"0.0457300000000000"`): read as `Decimal`, compared as numbers. 451 and
452 carry no time (the caller stamps them on arrival); a 441 may carry `timestamp` (2025) or
not (2020). Older 451s lack `orderType` (2021): the side is then None, not guessed. A frame
without an id, a symbol or a readable amount is None: the caller skips it.

The 423 fill is the REST trade row (`feed_messages.parse_fill`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from balance_bot.btcturk.fields import number, whole
from balance_bot.btcturk.models import Side

OrderMethod = Literal["limit", "market", "stop_limit"]
ORDER_OPENED = 451
ORDER_CLOSED = 452
ORDER_MATCHED = 441
_METHODS: dict[int, OrderMethod] = {0: "limit", 1: "market", 2: "stop_limit"}
_SIDES: dict[int, Side] = {0: "buy", 1: "sell"}
_MAX_MS = 10**14


@dataclass(frozen=True, slots=True)
class OrderFrame:
    """An order opened (451) or closed (452), as the frame says it."""

    opened: bool
    order_id: str
    symbol: str  # the pair, "ARPAUSDT"
    side: Side | None
    method: OrderMethod | None
    price: Decimal  # 0 for a market order
    amount: Decimal  # of the base
    num_left: Decimal | None  # of the base; a 452's may be stale (#503): never the fills
    denom_left: Decimal | None  # its worth in the quote: what a buy locks, fee included


@dataclass(frozen=True, slots=True)
class OrderMatch:
    """One fill of an order (441): how much of the base, at what price."""

    order_id: str
    symbol: str
    side: Side | None
    method: OrderMethod | None
    amount: Decimal
    price: Decimal
    at_ms: int | None  # the exchange's time, when the frame gives it


def order_event(kind: int, body: dict[str, Any]) -> OrderFrame | OrderMatch | None:
    """Return what a 451, 452 or 441 frame's body says; None for another type or a body that
    lacks the order's id, its symbol or a readable amount."""
    order_id, symbol = whole(body.get("id")), body.get("symbol")
    if order_id is None or type(symbol) is not str or not symbol.strip():
        return None
    amount, price = number(body.get("amount")), number(body.get("price"))
    if amount is None or amount < 0 or price is None or price < 0:
        return None
    method_code = whole(body.get("method"))
    method = None if method_code is None else _METHODS.get(method_code)
    if kind == ORDER_MATCHED:
        is_bid = body.get("isBid")
        side: Side | None = None if type(is_bid) is not bool else "buy" if is_bid else "sell"
        at_ms = whole(body.get("timestamp"))
        at_ms = at_ms if at_ms is not None and 0 < at_ms < _MAX_MS else None
        return OrderMatch(str(order_id), symbol.strip().upper(), side, method, amount, price, at_ms)
    if kind not in (ORDER_OPENED, ORDER_CLOSED):
        return None
    order_type = whole(body.get("orderType"))
    return OrderFrame(
        opened=kind == ORDER_OPENED,
        order_id=str(order_id),
        symbol=symbol.strip().upper(),
        side=None if order_type is None else _SIDES.get(order_type),
        method=method,
        price=price,
        amount=amount,
        num_left=_left(body.get("numLeft")),
        denom_left=_left(body.get("denomLeft")),
    )


def _left(value: Any) -> Decimal | None:
    figure = number(value)
    return figure if figure is not None and figure >= 0 else None
