"""Build the bot's services from its settings: one function, every clock and sleep a parameter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

import aiohttp
from telegram import Bot

from btcturk.client import BtcTurkClient
from core.settings import Settings
from services.backfill import Backfill
from services.chats import ChatViews
from services.clock_steps import WallSteps, boot_time
from services.context import Services
from services.daily_prices import DailyPrices
from services.delivery import Deliverer
from services.explainer import Explainer
from services.export_waits import ExportWaits
from services.feed import FeedWatch
from services.history import HistoryAccess
from services.monitor import Monitor
from services.moves import MoveWatch
from services.pnl import ProfitAndLoss
from services.portfolio import PortfolioService
from services.quiet import QuietPolicy
from services.recheck import CheckAgain
from services.roster import Roster
from services.summaries import Summaries
from store.database import Database
from store.store import Store, utc_now
from store.trades import TradeStore

BALANCE_CACHE_S = 5.0
FOLLOW_UP_PERIOD_S = 60.0  # after its first looks, a follow-up looks at each poll, or each minute


@dataclass(frozen=True, slots=True)
class Clocks:
    """Where the bot reads the time and waits; a test passes its own."""

    wall: Callable[[], datetime] = utc_now  # stamps, the day of a summary, quiet hours
    cache: Callable[[], float] = time.monotonic  # the age of the cached balances
    boot: Callable[[], float] = boot_time  # a day that passed, suspended or not
    elapsed: Callable[[], float] = boot_time  # real time, to tell the wall clock's steps
    exchange_time: Callable[[], float] = time.time  # the exchange requests' stamps
    auth: Callable[[], float] = time.monotonic  # a refused key's pauses, permission re-checks
    backoff: Callable[[float], Awaitable[None]] = asyncio.sleep  # between exchange retries
    guard: Callable[[], float] = time.monotonic  # the strangers' refusal budget
    token_retry: Callable[[float], Awaitable[None]] = asyncio.sleep  # a refused token, again
    charts: Callable[[], float] = time.monotonic  # the chart server's budget, pace and backoff


SYSTEM_CLOCKS: Final = Clocks()  # the host's clocks, and a sleep that waits


async def build_services(
    settings: Settings,
    bot: Bot,
    database: Database,
    roster: Roster,
    *,
    clocks: Clocks = SYSTEM_CLOCKS,
    congested: Callable[[int], bool] = lambda chat_id: False,
) -> Services:
    """Return the services the bot's handlers and jobs share, built on `clocks`.

    What can fail (reading the database) comes before the HTTP session is opened: a failed
    build leaves no session open.
    """
    store = Store(database, clock=clocks.wall)
    await roster.load(store)
    last_day = await store.portfolio_before(date.max)  # what had a value before a restart
    timeout = aiohttp.ClientTimeout(
        total=settings.btcturk_timeout_s, connect=min(5.0, settings.btcturk_timeout_s)
    )
    session = aiohttp.ClientSession(timeout=timeout)
    client = BtcTurkClient(
        session,
        base_url=settings.btcturk_api_url,
        api_key=settings.btcturk_api_key,
        api_secret=settings.btcturk_api_secret,
        timeout=timeout,
        key_retry_s=settings.key_retry_s,
        sleep=clocks.backoff,
        time_source=clocks.exchange_time,
        auth_clock=clocks.auth,
    )
    portfolio = PortfolioService(
        client,
        settings.quote_currency,
        max_age_s=BALANCE_CACHE_S,
        monotonic=clocks.cache,
        wall_clock=clocks.wall,
    )
    if last_day is not None:
        portfolio.remember_priced(last_day.values)
    views = ChatViews(store, settings.language, settings.timezone, clocks.wall)
    history = HistoryAccess(client, store)
    explaining = history if settings.explain_changes else None
    explainer = None
    if explaining is not None:
        explainer = Explainer(
            history,
            store,
            views,
            roster.chat_ids,
            clock=clocks.wall,
            quote=settings.quote_currency,
            period_s=min(settings.poll_interval_s, FOLLOW_UP_PERIOD_S),
        )
    quiet = QuietPolicy(
        store, settings.quiet_hours, settings.timezone, order_changes=settings.notify_order_changes
    )
    feed = None
    if settings.websocket:
        feed = FeedWatch(
            session,
            client,
            settings.btcturk_ws_url,
            settings.btcturk_api_key,
            settings.btcturk_api_secret,
            safety_poll_s=settings.feed_poll_interval_s,
            time_source=clocks.exchange_time,
        )
    deliverer = Deliverer(
        store,
        bot,
        clocks.wall,
        quiet,
        views,
        congested=congested,
        migrate=roster.migrate,
        steps=WallSteps(clocks.wall, clocks.elapsed),
    )
    moves = MoveWatch(store)
    trades = TradeStore(database)
    backfill = Backfill(client, trades, clocks.wall, pace_s=settings.history_backfill_pace_s)
    pnl = ProfitAndLoss(
        trades,
        DailyPrices(
            session,
            settings.btcturk_graph_url,
            trades,
            settings.quote_currency,
            timeout_s=settings.btcturk_timeout_s / 2,  # one candles request
            budget_s=settings.btcturk_timeout_s,  # all the requests a command may wait for
            monotonic=clocks.charts,
            sleep=clocks.backoff,
        ),
        backfill,
        quote=settings.quote_currency,
        method="fifo" if settings.cost_basis == "fifo" else "average",
        timezone=settings.timezone,
        clock=clocks.wall,
        refused=lambda: client.history_refused,
    )
    return Services(
        settings=settings,
        session=session,
        client=client,
        portfolio=portfolio,
        history=history,
        clock=clocks.wall,
        store=store,
        monitor=Monitor(
            settings,
            portfolio,
            store,
            views,
            clocks.wall,
            roster,
            explainer,
            on_queued=deliverer.kick,
            steps=WallSteps(clocks.wall, clocks.elapsed),
            moves=moves,
        ),
        moves=moves,
        summaries=Summaries(
            settings,
            portfolio,
            store,
            views,
            clocks.wall,
            roster,
            boot_clock=clocks.boot,
            history=explaining,
            pnl=pnl,
        ),
        deliverer=deliverer,
        views=views,
        roster=roster,
        feed=feed,
        pnl=pnl,
        backfill=backfill,
        check_again=CheckAgain(client, portfolio, history, feed, monotonic=clocks.auth),
        exports=ExportWaits(store),
    )
