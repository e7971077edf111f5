"""An order as BTCTurk's live feed tells it, and the news the owner hears of it. Pure.

`OrderTerms` is what an order asks (pair, side, method, price, amount); `Order` how far its
fills and its news have gone; `Placed`, `Edited`, `Cancelled` and `Gone` are its news, and
`FillStory` what a balance alert tells of it. An order's filled amount is the sum of its
fills: its 441s or its 423s (the same fills, so the larger sum, never both), or what the
alerts told of it from the history; a 452's `numLeft` is never read as filled (it can be
stale). Amounts are Decimal, compared as numbers: the feed writes one figure with different
precisions. The book that keeps them is `core.order_book`, the check against the balances
`core.order_locks`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, localcontext
from enum import Enum
from typing import Literal

from balance_bot.btcturk.models import Side
from balance_bot.btcturk.orders import OrderMethod
from balance_bot.core.explain import EXACT

GRACE = timedelta(seconds=10)  # a 451 may arrive a moment after the balance shows its lock
KEEP_CLOSED = timedelta(minutes=15)  # a closed order's fills may still reach an alert
QUOTES = ("TRY", "USDT", "USDC", "BTC", "ETH", "EUR", "USD", "GBP")  # BTCTurk's quote assets
_ZERO = Decimal(0)
Close = Literal["cancelled", "filled", "gone", "replaced"]


class FeedHealth(Enum):
    """Where /orders stands with the live feed its orders come from."""

    LIVE = "live"  # logged in and heard from
    DOWN = "down"  # reconnecting: events meanwhile are lost
    REFUSED = "refused"  # its login refused (the WebSocket permission)
    KEY_REFUSED = "key_refused"  # its login refused as BTCTurk refuses the key itself
    OFF = "off"  # WEBSOCKET=off


@dataclass(frozen=True, slots=True)
class OrderTerms:
    """What an order asks: the pair, the side, how, at what price and how much."""

    order_id: str
    base: str
    quote: str
    side: Side | None  # None: an older frame without `orderType`
    method: OrderMethod | None
    price: Decimal  # in `quote`; 0 for a market order
    amount: Decimal  # of `base`

    @property
    def market(self) -> bool:
        """Tell a market order (it fills at once, or not at all) from a resting one."""
        return self.method == "market"

    @property
    def kind(self) -> str:
        """Return how the order is placed, as its texts name it: limit, stop_limit, market."""
        return self.method or "limit"

    @property
    def locks(self) -> str | None:
        """Return the asset the order locks: a sell its base, a buy its quote."""
        if self.side is None:
            return None
        return self.base if self.side == "sell" else self.quote


@dataclass(slots=True)
class Order:
    """One order the feed told of, and how far its fills and its news have gone."""

    terms: OrderTerms
    placed_at: datetime | None  # when its 451 arrived; None: placed before the bot heard
    denom_left: Decimal | None = None  # a buy's lock at the 451 (its quote, fee included)
    opened_seq: int | None = None  # its 451's number; None: no 451 seen
    closing_seq: int | None = None  # a 452's number, waiting for the moment to settle
    matched: Decimal = _ZERO  # the sum of its 441s
    matched_cost: Decimal = _ZERO  # their price x amount
    trades: dict[str, Decimal] = field(default_factory=dict)  # 423 fill id -> amount
    told_placed: bool = False
    told_filled: Decimal = _ZERO  # what the alerts said was filled
    closed: Close | None = None
    closed_at: datetime | None = None
    aside: int | None = None  # an edit gave its id to a new order: the 452's number
    earlier_filled: Decimal = _ZERO  # filled before an edit re-inserted what was left of it

    @property
    def key(self) -> str:
        """Return the order's key in the book (its id, unless a new order took it)."""
        order_id = self.terms.order_id
        return order_id if self.aside is None else f"{order_id}@{self.aside}"

    @property
    def filled(self) -> Decimal:
        """Return how much of the order filled, as far as the feed and the alerts know.

        441 and 423 tell the same fills: the larger sum counts, and a sum beyond the order's
        amount (a 441 once reported 5,700 of a 4,800 order) is not believed while another
        source stays within it.
        """
        with localcontext(EXACT):
            sums = (self.matched, sum(self.trades.values(), _ZERO), self.told_filled)
        amount = self.terms.amount
        believed = [s for s in sums if self.terms.market or s <= amount]
        return max(believed) if believed else amount

    @property
    def whole_terms(self) -> OrderTerms:
        """Return the order as the owner placed it: an edit that re-inserted what was left
        of it (its own `terms`) keeps the part filled before in its amount."""
        if not self.earlier_filled:
            return self.terms
        with localcontext(EXACT):
            return replace(self.terms, amount=self.terms.amount + self.earlier_filled)

    @property
    def whole_filled(self) -> Decimal:
        """Return how much of the order as the owner placed it filled, before edits too."""
        with localcontext(EXACT):
            return self.filled + self.earlier_filled

    @property
    def left(self) -> Decimal:
        """Return what is left to fill (nothing, for a market order: it does not rest)."""
        if self.terms.market:
            return _ZERO
        return max(self.terms.amount - self.filled, _ZERO)

    @property
    def complete(self) -> bool:
        """Tell whether its fills reached its amount (a market order: once its 452 came, with
        any fill)."""
        reached = self.terms.amount > 0 and self.filled >= self.terms.amount
        if self.terms.market:
            ended = self.closed == "filled" or self.closing_seq is not None
            return reached or (ended and self.filled > 0)
        return reached

    @property
    def is_open(self) -> bool:
        """Tell whether the order rests on the book as far as the bot knows."""
        return self.closed is None

    def lock(self) -> Decimal:
        """Return what the order holds in orders now, in the asset it `locks`."""
        terms, left = self.terms, self.left
        if terms.side == "sell" or left == 0:
            return left
        with localcontext(EXACT):
            if self.denom_left is not None and terms.amount > 0:
                return self.denom_left * left / terms.amount
            return left * terms.price


@dataclass(frozen=True, slots=True)
class Placed:
    """An order placed (and not filled at once)."""

    terms: OrderTerms


@dataclass(frozen=True, slots=True)
class Edited:
    """An order edited: BTCTurk deleted it and inserted `after` (452 then 451) on the same
    pair and side, for its amount or what was left of it: its price changed, if anything."""

    before: OrderTerms
    after: OrderTerms


@dataclass(frozen=True, slots=True)
class Cancelled:
    """An order cancelled; `left` of it never filled."""

    terms: OrderTerms
    left: Decimal
    filled: Decimal
    seen_placed: bool  # False: placed before the bot connected


@dataclass(frozen=True, slots=True)
class Gone:
    """An order no longer open, though no event said so: nothing is in `asset`'s orders."""

    terms: OrderTerms
    asset: str


News = Placed | Edited | Cancelled | Gone


@dataclass(frozen=True, slots=True)
class FillStory:
    """An order whose fills a change alert tells: how much of it is filled with them."""

    terms: OrderTerms
    filled: Decimal
    complete: bool


def split_symbol(symbol: str, known: Collection[str] = ()) -> tuple[str, str] | None:
    """Return (base, quote) of a pair like "ARPAUSDT", preferring a base the account lists."""
    found = [
        (symbol[: -len(quote)], quote)
        for quote in QUOTES
        if symbol.endswith(quote) and len(symbol) > len(quote)
    ]
    listed = [pair for pair in found if pair[0] in known]
    return next(iter(listed or found), None)
