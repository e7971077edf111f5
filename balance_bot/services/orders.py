"""The account's orders, as BTCTurk's live feed tells them: their news, and /orders.

    orders = OrderWatch(feed, OrderStore(db), views, roster.chat_ids, clock=…, sleep=…)
    orders.start()  # with the jobs; await orders.stop() at the end

The feed hands every event to the watch (`FeedWatch.listen`) before it wakes the poll: 451,
452, 441 and 423 go into the `OrderBook`, kept in SQLite as they come. A round of news waits
SETTLE_S after the first event that opened it, so a 452 and the 451 of an edit, or an order
and its fills, are read together; then each chat gets one message of NotificationKind.ORDER
(placed, edited, cancelled, gone), stored in the same transaction as the orders it told of.
Fills are no message of their own: the poll's change alert tells them (`fill_stories`),
one story per order. No REST request is made for an event: the balances are read by the
poll the feed wakes anyway (201), and each poll hands its reading to `polled`, which checks
the book against the balances' `orderFund`. When order events go missing, /status says so
(`missing_since`) and the feed logs in again, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Final

from balance_bot.btcturk.feed_messages import (
    ORDER_DELETED,
    ORDER_INSERTED,
    ORDER_MATCH,
    Connected,
    FeedEvent,
    OrderEvent,
    Reconnected,
    UserTrade,
)
from balance_bot.btcturk.orders import OrderFrame, order_event
from balance_bot.core.changes import BalanceChange
from balance_bot.core.explain import Explanation, Trade
from balance_bot.core.notify import NotificationKind
from balance_bot.core.order_book import OrderBook
from balance_bot.core.order_locks import order_funds
from balance_bot.core.orders import FeedHealth, FillStory, split_symbol
from balance_bot.core.texts.orders import OpenOrder, OrdersFacts, order_news
from balance_bot.core.valuation import Portfolio
from balance_bot.services.chats import ChatViews
from balance_bot.services.feed import FeedWatch
from balance_bot.store.database import StoreError
from balance_bot.store.models import NewNotification
from balance_bot.store.orders import OrderStore

log = logging.getLogger(__name__)

SETTLE_S: Final = 1.0  # a round of news waits this long after its first event
_KINDS: Final = {"inserted": ORDER_INSERTED, "deleted": ORDER_DELETED, "match": ORDER_MATCH}


class OrderWatch:
    """Keep the orders the feed tells of, tell their news, and check them at every poll."""

    def __init__(
        self,
        feed: FeedWatch,
        store: OrderStore,
        views: ChatViews,
        chats: Callable[[], list[int]],
        *,
        clock: Callable[[], datetime],
        sleep: Callable[[float], Awaitable[None]],
        on_queued: Callable[[], None] | None = None,
        settle_s: float = SETTLE_S,
    ) -> None:
        """`sleep` waits out a round's SETTLE_S; `on_queued` is told when news was queued."""
        self._feed = feed
        self._store = store
        self._views = views
        self._chats = chats
        self._clock = clock
        self._sleep = sleep
        self._on_queued = on_queued
        self._settle_s = settle_s
        self.book = OrderBook()
        self._loaded = False
        self._round = asyncio.Event()  # an event came: a round of news is due
        self._task: asyncio.Task[None] | None = None
        self._known: frozenset[str] = frozenset()  # the assets the exchange lists
        self._precisions: dict[str, int] = {}
        self.checked_at: datetime | None = None  # the balances the book was last checked with
        self.funds_known = True
        self.in_orders: dict[str, Decimal] = {}  # what the balances say is in orders
        self._last_event_at: datetime | None = None
        feed.listen(self._on_event)
        feed.accounted_by(self.accounts_for_hints)

    @property
    def feed(self) -> FeedWatch:
        """Return the live feed the orders come from."""
        return self._feed

    @property
    def tells_orders(self) -> bool:
        """Tell whether orders placed or cancelled are told by the feed's events (else the
        poll tells the money moving between free and locked, as without the feed)."""
        return self._feed.healthy and self.book.missing_since is None

    def accounts_for_hints(self) -> bool:
        """Tell whether order events of the last moment account for a balance update whose
        poll found nothing: they came within SETTLE_S, and every fill they told was told by an
        alert (a fill not told yet is money the balances should show: look again)."""
        at = self._last_event_at
        if at is None or (self._clock() - at).total_seconds() > self._settle_s:
            return False
        return all(order.filled <= order.told_filled for order in self.book.orders.values())

    def start(self) -> None:
        """Start telling the news of each round."""
        self._task = asyncio.get_running_loop().create_task(self._rounds(), name="orders")

    async def stop(self) -> None:
        """Stop telling; what was not told yet is told after the next start."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def tell(self) -> int:
        """Tell the news of every event so far; return how many messages were queued."""
        await self._load()
        now = self._clock()
        news = self.book.settle(self.book.seq, now)
        owed: list[NewNotification] = []
        chats = self._chats()
        if news and chats:
            precisions = dict(self._precisions)
            owed = await self._views.notifications(
                chats, NotificationKind.ORDER, lambda view: order_news(news, view, precisions)
            )
        await self._save(owed)
        if owed and self._on_queued is not None:
            self._on_queued()
        return len(owed)

    def fill_stories(
        self, explanation: Explanation | None, changes: Sequence[BalanceChange], now: datetime
    ) -> dict[str, FillStory]:
        """Return what a change alert tells of the orders whose fills moved its balances."""
        trades = (
            [] if explanation is None else [i for i in explanation.items if isinstance(i, Trade)]
        )
        return self.book.fill_stories(trades, {c.asset for c in changes}, now)

    async def polled(self, portfolio: Portfolio, now: datetime) -> None:
        """Check the orders against a poll's balances; tell what closed unseen."""
        await self._load()
        self._known = frozenset(portfolio.known_assets)
        self._precisions = dict(portfolio.precisions)
        positions = [(p.asset, p.order_fund, p.request_fund, p.locked) for p in portfolio.positions]
        funds = order_funds(positions, portfolio.known_assets)
        self.funds_known = all(p.asset in funds for p in portfolio.positions if p.locked)
        self.in_orders = {p.asset: p.in_orders for p in portfolio.positions if p.in_orders}
        self.book.reconcile(funds, self._precisions, now, watching=self._feed.healthy)
        self.checked_at = portfolio.as_of
        await self._save()
        if self.book.has_news:
            self._round.set()
        self._relogin(now)

    def facts(self) -> OrdersFacts:
        """Return what /orders shows now."""
        state = self._feed.state
        feed = FeedHealth.LIVE if self._feed.healthy else FeedHealth.DOWN
        if state.refused or state.stopped:
            feed = FeedHealth.REFUSED
        if state.refused and self._feed.refused_with_key:  # not the WebSocket permission
            feed = FeedHealth.KEY_REFUSED
        orders = [
            OpenOrder(o.whole_terms, o.left, o.whole_filled, o.placed_at)
            for o in self.book.open_orders
        ]
        return OrdersFacts(
            orders=orders,
            feed=feed,
            attribution=self.book.attribution,
            precisions=dict(self._precisions),
            in_orders=dict(self.in_orders),
            funds_known=self.funds_known,
            missing_since=self.book.missing_since,
            as_of=self.checked_at,
        )

    async def _on_event(self, event: FeedEvent) -> None:
        """Take one event of the feed into the book, and keep it."""
        await self._load()
        now = self._clock()
        book = self.book
        if isinstance(event, Connected | Reconnected):
            book.logged_in()
            return
        if isinstance(event, UserTrade):
            if event.fill is None:
                return
            book.trade(event.fill, now)
        elif isinstance(event, OrderEvent) and event.kind in _KINDS:
            read = order_event(_KINDS[event.kind], event.body)
            pair = None if read is None else split_symbol(read.symbol, self._known)
            if read is None or pair is None:
                log.warning("an order event the bot cannot read was skipped (%s)", event.kind)
                return
            if isinstance(read, OrderFrame):
                (book.open if read.opened else book.close)(read, pair, now)
            else:
                book.match(read, pair, now)
        else:
            return
        self._last_event_at = now
        await self._save()
        self._round.set()
        self._relogin(now)

    async def _rounds(self) -> None:
        """Tell each round's news SETTLE_S after the event that opened it."""
        await self._load()
        if self.book.unsettled:
            self._round.set()  # news not told before a restart
        while True:
            await self._round.wait()
            await self._sleep(self._settle_s)
            self._round.clear()
            try:
                await self.tell()
            except StoreError as error:
                log.error("the orders' news could not be kept: %s", error)

    def _relogin(self, now: datetime) -> None:
        if self.book.asked_relogin(now):
            log.warning("order events stopped coming from the live feed: logging in again")
            self._feed.relogin()

    async def _load(self) -> None:
        if not self._loaded:
            self.book = OrderBook(await self._store.load())
            self._loaded = True

    async def _save(self, owed: Sequence[NewNotification] = ()) -> None:
        """Keep the orders the book changed, forget those it removed, queue `owed`."""
        book = self.book
        changed = [book.orders[key] for key in sorted(book.changed) if key in book.orders]
        removed = set(book.removed)
        book.changed.clear()
        book.removed.clear()
        if changed or removed or owed:
            await self._store.save(changed, removed, owed, now=self._clock())
