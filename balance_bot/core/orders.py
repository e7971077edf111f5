"""The account's orders as BTCTurk's live feed tells them, and what the owner hears of them.

    book = OrderBook(stored_orders)
    book.open(frame, pair, now)        # 451: an order placed
    book.match(match, pair, now)       # 441, and book.trade(fill, now) for 423: its fills
    book.close(frame, pair, now)       # 452: cancelled, filled, or the first half of an edit
    book.settle(upto)                  # what the events up to `upto` mean: News to tell
    book.reconcile(funds, now)         # against the balances' orderFund, at every poll

Each event gets a number. The news of an order is decided only once its events had a moment
to settle (`settle(upto)`, after the watch's short wait): a 452 followed by a 451 on the
same pair, side and amount is an edit (BTCTurk never sends 453), an order filled within the
moment is told by its fill alone, and a market order is never told as placed (its fills tell
it). An order's filled amount is the sum of its fills: its 441s or its 423s (the same fills,
so the larger sum, never both), and what the alerts told of it from the history; a 452's
`numLeft` is never read as filled (it can be stale). Amounts are Decimal, compared as
numbers: the feed writes one figure with different precisions.

The feed is not trusted alone (events have stopped after a reconnect while fills went on):
every poll reconciles the open orders with what the balances say is in orders
(`orderFund`): a sell locks what is left of its base, a buy what is left of its quote
(`denomLeft`, fee included), with FEE_TOLERANCE. An asset with nothing in orders closes its
orders, whatever events were lost ("gone"); a remainder no order explains is shown, never
guessed (`Attribution`). Order events are taken as missing when a fill or a growth of
`orderFund` has no 451 behind it, and it lasted past GRACE (a 451 may come a moment after
the balance).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, localcontext
from enum import Enum
from typing import Literal

from balance_bot.btcturk.models import Fill, Side
from balance_bot.btcturk.orders import OrderFrame, OrderMatch, OrderMethod
from balance_bot.core.explain import EXACT, Trade
from balance_bot.core.numbers import quantize

FEE_TOLERANCE = Decimal("0.01")  # BTCTurk's highest fee with its tax is well under 1 %
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


@dataclass(frozen=True, slots=True)
class Attribution:
    """Per asset, what is in orders that the open orders do not explain, and the reverse.

    `before`: more in orders than the open orders lock, as it was when the feed logged in
    (orders placed before the bot connected); `unseen`: more than that, grown since (events
    lost); `short`: less than the orders lock (one may have ended unseen).
    """

    before: Mapping[str, Decimal] = field(default_factory=dict)
    unseen: Mapping[str, Decimal] = field(default_factory=dict)
    short: Mapping[str, Decimal] = field(default_factory=dict)


def split_symbol(symbol: str, known: Collection[str] = ()) -> tuple[str, str] | None:
    """Return (base, quote) of a pair like "ARPAUSDT", preferring a base the account lists."""
    found = [
        (symbol[: -len(quote)], quote)
        for quote in QUOTES
        if symbol.endswith(quote) and len(symbol) > len(quote)
    ]
    listed = [pair for pair in found if pair[0] in known]
    return next(iter(listed or found), None)


def tolerance(expected: Decimal, precision: int) -> Decimal:
    """Return how far what is in orders may be from what the orders lock: the fee, at least
    one unit of the asset's last decimal."""
    return expected * FEE_TOLERANCE + Decimal(1).scaleb(-precision)


class OrderBook:
    """The orders the feed told of; what their events mean once settled; the reconciliation."""

    def __init__(self, orders: Iterable[Order] = ()) -> None:
        self.orders: dict[str, Order] = {o.key: o for o in orders}
        self.seq = 0
        self.changed: set[str] = set()  # ids to store
        self.removed: set[str] = set()  # ids to forget
        self._gone: list[Gone] = []  # closed by a reconciliation, told at the next settle
        self._baseline: dict[str, Decimal] | None = None  # unexplained at the first poll
        self._suspects: dict[str, datetime] = {}  # asset -> first poll with something odd
        self.missing_since: datetime | None = None
        self.relogin_after: datetime | None = None  # missing since, and asked to log in again
        self.attribution = Attribution()

    # Events

    def open(self, frame: OrderFrame, pair: tuple[str, str], now: datetime) -> Order:
        """Take a 451: an order placed now (or the second half of an edit)."""
        self.seq += 1
        self._events_flow()
        terms = _terms(frame, pair)
        order = self.orders.get(terms.order_id)
        if order is not None and order.is_open:
            if order.closing_seq is None:
                return order  # the same 451 twice
            self._set_aside(order)  # an edit that kept its id: the old order steps aside
        return self._keep(Order(terms, now, frame.denom_left, opened_seq=self.seq))

    def close(self, frame: OrderFrame, pair: tuple[str, str], now: datetime) -> Order:
        """Take a 452: the order ends; what it means is decided when it settled."""
        self.seq += 1
        self._events_flow()
        terms = _terms(frame, pair)
        order = self.orders.get(terms.order_id)
        if order is None:  # placed before the bot heard of it: the frame says what it was
            order = Order(terms, None, frame.denom_left)
        if order.is_open and order.closing_seq is None:
            order.closing_seq = self.seq
        return self._keep(order)

    def match(self, match: OrderMatch, pair: tuple[str, str], now: datetime) -> Order | None:
        """Take a 441: one fill of an order. Return the order, None when the bot never heard
        of it (and take it as a sign of events lost when no older order could be it)."""
        self.seq += 1
        order = self.orders.get(match.order_id)
        if order is None:
            self._stray_fill(pair, match.side, now)
            return None
        with localcontext(EXACT):
            order.matched += match.amount
            order.matched_cost += match.amount * match.price
        return self._filled(order, now)

    def trade(self, fill: Fill, now: datetime) -> Order | None:
        """Take a 423: one fill of an order, the history's own row (its id counts once)."""
        self.seq += 1
        order = self.orders.get(fill.order_id)
        if order is None:
            self._stray_fill((fill.numerator, fill.denominator), fill.side, now)
            return None
        order.trades[fill.id] = fill.amount
        return self._filled(order, now)

    def logged_in(self) -> None:
        """The feed logged in (again): what is in orders now is the new baseline, unless
        events were missing (what they left unexplained stays so: no order explains it)."""
        if self.missing_since is None:
            self._baseline = None
            self._suspects.clear()

    # What the events mean, once settled

    def settle(self, upto: int, now: datetime) -> list[News]:
        """Return the news of the events numbered up to `upto`, each told once, oldest first."""
        news: list[News] = list(self._gone)
        self._gone.clear()
        fresh = sorted(
            (
                o
                for o in self.orders.values()
                if o.opened_seq is not None and o.opened_seq <= upto and not o.told_placed
            ),
            key=lambda o: o.opened_seq or 0,
        )
        closing = sorted(
            (
                o
                for o in self.orders.values()
                if o.closing_seq is not None and o.closing_seq <= upto and o.is_open
            ),
            key=lambda o: o.closing_seq or 0,
        )
        for old in closing:
            new = self._replacement(old, fresh)
            if new is not None:
                fresh.remove(new)
                new.told_placed = True
                new.placed_at = old.placed_at or new.placed_at  # "since" the owner placed it
                self._end(old, "replaced", now)
                news.append(Edited(old.terms, new.terms))
            elif old.filled > 0 and (old.complete or old.terms.market):
                self._end(old, "filled", now)  # its fills tell it, in the change alert
            else:
                self._end(old, "cancelled", now)
                seen = old.placed_at is not None
                news.append(Cancelled(old.terms, old.left, old.filled, seen_placed=seen))
        for order in fresh:
            order.told_placed = True
            self.changed.add(order.key)
            if order.is_open and not order.terms.market and not order.complete:
                news.append(Placed(order.terms))
        self._prune(now)
        return news

    # The change alert's part

    def fill_stories(
        self, trades: Sequence[Trade], assets: Collection[str], now: datetime
    ) -> dict[str, FillStory]:
        """Return, per order, what a change alert tells of it: the fills the history listed
        (`trades`), else, for an order of a changed asset, the fills the feed told. Each is
        then counted as told."""
        stories: dict[str, FillStory] = {}
        for trade in trades:
            order = self.orders.get(trade.order_id)
            if order is None or trade.order_id in stories:
                continue
            with localcontext(EXACT):
                told = max(order.told_filled + trade.amount, order.filled)
            stories[trade.order_id] = self._story(order, told, now)
        for order in self.orders.values():
            terms = order.terms
            key = order.key
            if key in stories or not ({terms.base, terms.quote} & set(assets)):
                continue
            if order.filled > order.told_filled:
                stories[key] = self._story(order, order.filled, now)
        return stories

    # The reconciliation

    def reconcile(
        self,
        funds: Mapping[str, Decimal],
        precisions: Mapping[str, int],
        now: datetime,
        *,
        watching: bool = True,
    ) -> Attribution:
        """Check the open orders against what the balances say is in orders (`funds`: an
        asset the balances do not say it of is left out); close what cannot be open; say what
        no order explains; notice events lost while `watching` (the feed is up: what happens
        while it is down is no event lost, and becomes the new baseline)."""
        for order in self.orders.values():
            if order.is_open and order.terms.market and order.filled > 0 and self._aged(order, now):
                self._end(order, "filled", now)  # no 452 came: it filled what it could
            asset = order.terms.locks
            if (
                asset is not None
                and order.is_open
                and order.closing_seq is None
                and asset in funds
                and quantize(funds[asset], precisions.get(asset, 8)) <= 0
                and self._aged(order, now)
            ):
                self._end(order, "gone", now)
                self._gone.append(Gone(order.terms, asset))
        expected: dict[str, Decimal] = {}
        aged: dict[str, Decimal] = {}
        with localcontext(EXACT):
            for order in self.orders.values():
                asset = order.terms.locks
                if asset is None or not order.is_open or order.closing_seq is not None:
                    continue
                expected[asset] = expected.get(asset, _ZERO) + order.lock()
                if self._aged(order, now):
                    aged[asset] = aged.get(asset, _ZERO) + order.lock()
            extra: dict[str, Decimal] = {}
            short: dict[str, Decimal] = {}
            for asset, fund in funds.items():
                locked = expected.get(asset, _ZERO)
                margin = tolerance(locked, precisions.get(asset, 8))
                if fund - locked > margin:
                    extra[asset] = fund - locked
                if aged.get(asset, _ZERO) - fund > margin:
                    short[asset] = aged[asset] - fund
        if not watching and self.missing_since is None:
            self.logged_in()
        self.attribution = self._watch(extra, short, precisions, now)
        return self.attribution

    @property
    def has_news(self) -> bool:
        """Tell whether a reconciliation closed orders the next round tells of."""
        return bool(self._gone)

    @property
    def unsettled(self) -> bool:
        """Tell whether some order's news was not told yet (a restart came first)."""
        return any(
            (o.opened_seq is not None and not o.told_placed)
            or (o.closing_seq is not None and o.is_open)
            for o in self.orders.values()
        )

    @property
    def open_orders(self) -> list[Order]:
        """Return the orders open as far as the bot knows, oldest first."""
        known = [o for o in self.orders.values() if o.is_open and o.closing_seq is None]
        return sorted(known, key=lambda o: (o.placed_at is None, o.placed_at, o.terms.order_id))

    def asked_relogin(self, now: datetime) -> bool:
        """Return True once per stretch of missing events: the feed should log in again."""
        if self.missing_since is None or self.relogin_after is not None:
            return False
        self.relogin_after = now
        return True

    # Internals

    def _keep(self, order: Order) -> Order:
        key = order.key
        self.orders[key] = order
        self.changed.add(key)
        self.removed.discard(key)
        return order

    def _set_aside(self, order: Order) -> None:
        """Keep `order` under a key of its own: a new order took its id (an edit)."""
        key = order.key
        del self.orders[key]
        self.changed.discard(key)
        self.removed.add(key)
        order.aside = order.closing_seq
        self._keep(order)

    def _filled(self, order: Order, now: datetime) -> Order:
        if order.is_open and order.complete:
            self._end(order, "filled", now)
        self.changed.add(order.key)
        return order

    def _end(self, order: Order, close: Close, now: datetime) -> None:
        order.closed, order.closed_at = close, now
        self.changed.add(order.key)

    def _story(self, order: Order, filled: Decimal, now: datetime) -> FillStory:
        order.told_filled = max(order.told_filled, filled)
        self._filled(order, now)
        return FillStory(order.terms, filled, order.complete)

    def _replacement(self, old: Order, fresh: Sequence[Order]) -> Order | None:
        """Return the 451 that makes `old`'s 452 an edit: after it, same pair, side and
        amount (or what was left of it)."""
        terms = old.terms
        for new in fresh:
            other = new.terms
            if (
                (new.opened_seq or 0) > (old.closing_seq or 0)
                and (other.base, other.quote, other.side) == (terms.base, terms.quote, terms.side)
                and other.amount in (terms.amount, old.left)
                and new is not old
            ):
                return new
        return None

    def _prune(self, now: datetime) -> None:
        """Forget closed orders whose news and fills were told, or that closed long ago."""
        for key, order in list(self.orders.items()):
            if order.is_open or order.closed_at is None:
                continue
            told = order.told_filled >= order.filled or order.filled == 0
            if told or now - order.closed_at >= KEEP_CLOSED:
                del self.orders[key]
                self.changed.discard(key)
                self.removed.add(key)

    def _aged(self, order: Order, now: datetime) -> bool:
        """Tell whether the order is old enough for the balances to show it."""
        return order.placed_at is None or now - order.placed_at >= GRACE

    def _stray_fill(self, pair: tuple[str, str], side: Side | None, now: datetime) -> None:
        """A fill of an order the bot never heard of: events were lost, unless an order placed
        before the bot connected (something in orders no order explained) can be it."""
        base, quote = pair
        asset = None if side is None else base if side == "sell" else quote
        if self._baseline is None or asset is None:
            return
        if self._baseline.get(asset, _ZERO) <= 0:
            self._lost(now)

    def _watch(
        self,
        extra: dict[str, Decimal],
        short: dict[str, Decimal],
        precisions: Mapping[str, int],
        now: datetime,
    ) -> Attribution:
        """Split what no order explains into older orders and growth; notice events lost."""
        if self._baseline is None:
            self._baseline = dict(extra)
        before: dict[str, Decimal] = {}
        unseen: dict[str, Decimal] = {}
        for asset in set(extra) | set(short) | set(self._baseline):
            found, base = extra.get(asset, _ZERO), self._baseline.get(asset, _ZERO)
            margin = tolerance(base, precisions.get(asset, 8))
            grown = found - base > margin
            if grown or asset in short:
                first = self._suspects.setdefault(asset, now)
                if now - first >= GRACE:
                    self._lost(first)  # since the poll that first saw it
            else:
                self._suspects.pop(asset, None)
                self._baseline[asset] = min(base, found)  # an older order closed
            held = min(found, self._baseline.get(asset, _ZERO))
            if held > 0:
                before[asset] = held
            if found - held > 0:
                unseen[asset] = found - held
        return Attribution(before, unseen, short)

    def _lost(self, now: datetime) -> None:
        if self.missing_since is None:
            self.missing_since = now

    def _events_flow(self) -> None:
        """A 451 or a 452 arrived: after a new login, the events flow again."""
        if self.relogin_after is not None:
            self.missing_since = self.relogin_after = None
            self._suspects.clear()
            self._baseline = None


def _terms(frame: OrderFrame, pair: tuple[str, str]) -> OrderTerms:
    base, quote = pair
    return OrderTerms(
        frame.order_id, base, quote, frame.side, frame.method, frame.price, frame.amount
    )


def order_funds(
    positions: Iterable[tuple[str, Decimal | None, Decimal | None, Decimal]],
    listed: Collection[str],
) -> dict[str, Decimal]:
    """Return what the balances say is in orders, per asset: `orderFund`, else `locked` less
    what waits for a withdrawal when the row said that; an asset listed and not held has
    nothing in orders; one whose row says neither is left out.

    `positions`: (asset, order_fund, request_fund, locked) of each holding.
    """
    funds = dict.fromkeys(listed, _ZERO)
    for asset, order_fund, request_fund, locked in positions:
        if order_fund is not None:
            funds[asset] = order_fund
        elif request_fund is not None:
            funds[asset] = locked - request_fund
        else:
            funds.pop(asset, None)
    return funds
