"""The orders the live feed told of, what their events mean once settled, and their check.

    book = OrderBook(stored_orders)
    book.open(frame, pair, now)        # 451: an order placed
    book.match(match, pair, now)       # 441, and book.trade(fill, now) for 423: its fills
    book.close(frame, pair, now)       # 452: cancelled, filled, or the first half of an edit
    book.settle(upto, now)             # what the events up to `upto` mean: news to tell
    book.fill_stories(trades, …)       # what a balance alert tells of the orders it fills
    book.reconcile(funds, …)           # against the balances' orderFund, at every poll

Each event gets a number. The news of an order is decided only once its events had a moment
to settle (`settle(upto)`, after the watch's short wait): a 452 followed by a 451 on the
same pair, side and amount (or what was left of it) is an edit (BTCTurk never sends 453), an
order filled within the moment is told by its fills alone, and a market order is never told
as placed. Every poll reconciles the open orders with what the balances say is in orders
(`core.order_locks`): an asset with nothing in orders closes its orders, whatever events
were lost ("gone"); an order placed less than GRACE ago is not judged.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, localcontext

from balance_bot.btcturk.models import Fill, Side
from balance_bot.btcturk.orders import OrderFrame, OrderMatch
from balance_bot.core.explain import EXACT, Trade
from balance_bot.core.numbers import quantize
from balance_bot.core.order_locks import Attribution, LockWatch, tolerance
from balance_bot.core.orders import (
    GRACE,
    KEEP_CLOSED,
    Cancelled,
    Close,
    Edited,
    FillStory,
    Gone,
    News,
    Order,
    OrderTerms,
    Placed,
)

_ZERO = Decimal(0)


class OrderBook:
    """The orders the feed told of; what their events mean once settled; the reconciliation."""

    def __init__(self, orders: Iterable[Order] = ()) -> None:
        self.orders: dict[str, Order] = {o.key: o for o in orders}
        self.seq = 0
        self.changed: set[str] = set()  # ids to store
        self.removed: set[str] = set()  # ids to forget
        self._gone: list[Gone] = []  # closed by a reconciliation, told at the next settle
        self.locks = LockWatch()
        self.attribution = Attribution()

    # Events

    def open(self, frame: OrderFrame, pair: tuple[str, str], now: datetime) -> Order:
        """Take a 451: an order placed now (or the second half of an edit)."""
        self.seq += 1
        self.locks.events_flow()
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
        self.locks.events_flow()
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
        """The feed logged in (again): see `LockWatch.logged_in`."""
        self.locks.logged_in()

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
                if new.terms.amount == old.left:  # what was left: the fills before stay its own
                    new.earlier_filled = old.whole_filled
                self._end(old, "replaced", now)
                news.append(Edited(old.whole_terms, new.whole_terms))
            elif old.filled > 0 and (old.complete or old.terms.market):
                self._end(old, "filled", now)  # its fills tell it, in the change alert
            else:
                self._end(old, "cancelled", now)
                seen = old.placed_at is not None
                terms, filled = old.whole_terms, old.whole_filled
                news.append(Cancelled(terms, old.left, filled, seen_placed=seen))
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
        self.attribution = self.locks.check(extra, short, precisions, now, watching=watching)
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

    @property
    def missing_since(self) -> datetime | None:
        """Return since when order events are missing; None while they are not."""
        return self.locks.missing_since

    @property
    def relogin_after(self) -> datetime | None:
        """Return when the feed was asked to log in again for missing events."""
        return self.locks.relogin_after

    def asked_relogin(self, now: datetime) -> bool:
        """Return True once per stretch of missing events: the feed should log in again."""
        return self.locks.asked_relogin(now)

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
        with localcontext(EXACT):
            return FillStory(order.whole_terms, order.earlier_filled + filled, order.complete)

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
        base, quote = pair
        self.locks.stray_fill(None if side is None else base if side == "sell" else quote, now)


def _terms(frame: OrderFrame, pair: tuple[str, str]) -> OrderTerms:
    base, quote = pair
    return OrderTerms(
        frame.order_id, base, quote, frame.side, frame.method, frame.price, frame.amount
    )
