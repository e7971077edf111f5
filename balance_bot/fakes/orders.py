"""The fake account's orders: placed, filled, cancelled and edited, told as BTCTurk's feed does.

    desk = exchange.desk
    feed.publish_frames(desk.place("sell", "BTCTRY", "0.1", "3900000"))   # 451, then 201
    feed.publish_frames(desk.fill(order_id, "0.06"))                      # 441, 423, 201
    feed.publish_frames(desk.cancel(order_id, stale=True))                # 452, then 201

Each operation moves the balances at once (a sell locks what is left of its base, a buy what
is left of its quote, fee and tax included, as `denomLeft` says) and returns the frames the
real feed sends for it, in its shapes (the captured frames of
`tests/fixtures/btcturk/feed/`): 451 and 452 carry no time and write their numbers with
another precision each (`"0.1"`, `"0.1000000000000000"`); a fill is a 441 and a 423 (the
history's row, written to the ledger too); an edit is a 452 then a 451 with a new id (BTCTurk
never sends 453); a market order is a 451, its fills and a 452. Every operation ends with a
201, as the balances changed. A cancel `stale` reports the `numLeft` of before the last
fill, as a cancel queued just before a match does (broker-api-docs #503).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol

from balance_bot.fakes.ledger import FEE_RATE, TAX_RATE, Account, Ledger, split_pair

Frame = tuple[int, dict[str, Any]]
Side = Literal["buy", "sell"]
_METHODS = {"limit": 0, "market": 1, "stop_limit": 2}
_USER = 907818
_SIXTEEN = Decimal("0.0000000000000001")  # a 452's numbers
_TEN = Decimal("0.0000000001")  # a 441's


class Exchange(Account, Protocol):
    """What the desk needs of the fake exchange: the ledger's account, and its ledger."""

    ledger: Ledger


@dataclass
class _Order:
    order_id: int
    side: Side
    pair: str
    method: str
    price: Decimal
    amount: Decimal
    left: Decimal
    left_before_fill: Decimal
    client_id: str


@dataclass
class OrderDesk:
    """The open orders of the fake account, and the frames each operation sends."""

    exchange: Exchange
    orders: dict[int, _Order] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(25338392433))

    def place(
        self,
        side: Side,
        pair: str,
        amount: Decimal | str,
        price: Decimal | str,
        *,
        method: str = "limit",
    ) -> list[Frame]:
        """Place a resting order: lock its money; 451, 201."""
        order = self._new(side, pair, Decimal(amount), Decimal(price), method)
        self._lock(order, order.amount)
        self.orders[order.order_id] = order
        return [(451, self._body(451, order)), _balance_update()]

    def fill(self, order_id: int, amount: Decimal | str, *, fills: int = 1) -> list[Frame]:
        """Fill `amount` of an open order in `fills` fills: 441 and 423 per fill, 201."""
        order = self.orders[order_id]
        part = Decimal(amount)
        if not 0 < part <= order.left:
            raise ValueError(f"order {order_id} has {order.left} left to fill")
        self._lock(order, -part)
        order.left_before_fill, order.left = order.left, order.left - part
        frames = self._fills(order, part, fills)
        if order.left == 0:
            del self.orders[order_id]
        return [*frames, _balance_update()]

    def cancel(self, order_id: int, *, stale: bool = False) -> list[Frame]:
        """Cancel an open order: unlock what is left; 452 (its `numLeft` stale), 201."""
        order = self.orders.pop(order_id)
        reported = order.left_before_fill if stale else order.left
        self._lock(order, -order.left)
        return [(452, self._body(452, order, left=reported)), _balance_update()]

    def edit(
        self,
        order_id: int,
        *,
        price: Decimal | str | None = None,
        amount: Decimal | str | None = None,
    ) -> list[Frame]:
        """Edit an open order as BTCTurk does: delete it and insert it anew (new id, what was
        left of it unless `amount` says otherwise); 452, 451, 201."""
        old = self.orders.pop(order_id)
        self._lock(old, -old.left)
        new = self._new(
            old.side,
            old.pair,
            old.left if amount is None else Decimal(amount),
            old.price if price is None else Decimal(price),
            old.method,
        )
        self._lock(new, new.amount)
        self.orders[new.order_id] = new
        return [(452, self._body(452, old)), (451, self._body(451, new)), _balance_update()]

    def market(
        self, side: Side, pair: str, amount: Decimal | str, price: Decimal | str, *, fills: int = 1
    ) -> list[Frame]:
        """A market order filled at once at `price` in `fills` fills: 451, the fills, 452,
        201."""
        order = self._new(side, pair, Decimal(amount), Decimal(price), "market")
        opened = (451, self._body(451, order))
        frames = self._fills(order, order.amount, fills)
        order.left = Decimal(0)
        return [opened, *frames, (452, self._body(452, order)), _balance_update()]

    # Internals

    def _new(self, side: Side, pair: str, amount: Decimal, price: Decimal, method: str) -> _Order:
        if amount <= 0 or price < 0 or method not in _METHODS:
            raise ValueError("an order needs an amount, a price and a method")
        split_pair(pair)  # a pair the fake knows
        order_id = next(self._ids)
        return _Order(order_id, side, pair, method, price, amount, amount, amount, f"c{order_id}")

    def _fills(self, order: _Order, amount: Decimal, fills: int) -> list[Frame]:
        trade = self.exchange.ledger.buy if order.side == "buy" else self.exchange.ledger.sell
        rows = trade(order.pair, amount, order.price, fills=fills, order_id=order.order_id)
        frames: list[Frame] = []
        for row in rows:
            match = {
                "type": 441,
                "id": order.order_id,
                "user": _USER,
                "isBid": order.side == "buy",
                "method": _METHODS[order.method],
                "pair": 0,
                "symbol": order.pair,
                "amount": _text(abs(_figure(row["amount"])), _TEN),
                "price": _text(order.price, _TEN),
                "clientId": order.client_id,
                "timestamp": str(row["timestamp"]),
            }
            frames += [(441, match), (423, {**row, "type": 423})]
        return frames

    def _lock(self, order: _Order, amount: Decimal) -> None:
        """Lock (or unlock, negative) what `amount` of the order holds."""
        asset, held = self._held(order, amount)
        row = next((r for r in self.exchange.balances if r.get("asset") == asset), {})
        total = _figure(row.get("balance"))
        locked = _figure(row.get("locked")) + held
        if locked > total:
            raise ValueError(f"not enough free {asset}")
        self.exchange.set_balance(asset, total, locked=max(locked, Decimal(0)))

    def _held(self, order: _Order, amount: Decimal) -> tuple[str, Decimal]:
        """Return the asset an order locks and what `amount` of it holds there."""
        base, quote = split_pair(order.pair)
        if order.side == "sell":
            return base, amount
        return quote, _worth(amount, order.price)

    def _body(self, kind: int, order: _Order, *, left: Decimal | None = None) -> dict[str, Any]:
        """Return a 451 or a 452 as the feed writes them: a 452's numbers with 16 decimals."""
        left = order.left if left is None else left
        step = None if kind == 451 else _SIXTEEN
        return {
            "type": kind,
            "pairId": 0,
            "symbol": order.pair,
            "id": order.order_id,
            "method": _METHODS[order.method],
            "userId": _USER,
            "orderType": 0 if order.side == "buy" else 1,
            "price": _text(order.price, step),
            "amount": _text(order.amount, step),
            "numLeft": _text(left, step),
            "denomLeft": _text(_worth(left, order.price), _SIXTEEN),
            "newOrderClientId": order.client_id,
        }


def _worth(amount: Decimal, price: Decimal) -> Decimal:
    """Return what a buy of `amount` at `price` holds of its quote: fee and tax included."""
    return (amount * price * (1 + FEE_RATE * (1 + TAX_RATE))).quantize(_SIXTEEN)


def _figure(value: Any) -> Decimal:
    """Return an amount of a balance row (dot or comma decimals; none is 0)."""
    return Decimal(0) if value is None else Decimal(str(value).replace(",", "."))


def _balance_update() -> Frame:
    return 201, {"type": 201}


def _text(value: Decimal, step: Decimal | None) -> str:
    """Return a number as the feed writes it: as typed, or to a fixed number of decimals."""
    if step is not None:
        return format(value.quantize(step), "f")
    return format(value.normalize(), "f") if value else "0"
