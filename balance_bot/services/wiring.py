"""Build the bot's services from its settings, on the clocks and timeouts they are handed.

`open_services()` owns what the services hold: it reads the store first, then opens the HTTP
session the exchange client, the live feed and the chart server share, and on the way out
abandons what is in flight and closes the session. The database and Telegram's sessions
belong to its caller, `open_bot()` (lifecycle.py).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import aiohttp
from telegram import Bot

from balance_bot.core.settings import Settings
from balance_bot.services.account import BALANCE_CACHE_S, build_account
from balance_bot.services.charts import ChartRenderer, chart_png, render_portfolio_chart
from balance_bot.services.chats import ChatViews
from balance_bot.services.clock_steps import WallSteps
from balance_bot.services.clocks import SYSTEM_CLOCKS, TIMEOUTS, Clocks, Timeouts
from balance_bot.services.context import Services
from balance_bot.services.daily_prices import DailyPrices
from balance_bot.services.delivery import Deliverer
from balance_bot.services.exchange_watch import ExchangeWatch
from balance_bot.services.explainer import Explainer
from balance_bot.services.export_waits import ExportWaits
from balance_bot.services.key_check import StartupCheck
from balance_bot.services.monitor import Monitor
from balance_bot.services.moves import MoveWatch
from balance_bot.services.orders import OrderWatch
from balance_bot.services.pnl import ProfitAndLoss
from balance_bot.services.quiet import QuietPolicy
from balance_bot.services.recheck import CheckAgain
from balance_bot.services.roster import Roster
from balance_bot.services.summaries import Summaries
from balance_bot.services.values import DailyValues
from balance_bot.store.database import Database
from balance_bot.store.orders import OrderStore
from balance_bot.store.store import Store
from balance_bot.telegram_io.rate_limit import ChatRateLimiter

__all__ = [
    "BALANCE_CACHE_S",
    "PRODUCTION",
    "SYSTEM_CLOCKS",
    "TIMEOUTS",
    "Clocks",
    "Timeouts",
    "Wiring",
    "open_services",
]

FOLLOW_UP_PERIOD_S = 60.0  # after its first looks, a follow-up looks at each poll, or each minute

OpenDatabase = Callable[[Path], Awaitable[Database]]


@dataclass(frozen=True, slots=True)
class Wiring:
    """What the bot is built with besides its settings; a test passes its own."""

    clocks: Clocks = SYSTEM_CLOCKS
    timeouts: Timeouts = TIMEOUTS
    jobs: bool = True  # the scheduled jobs; off, the caller runs each poll and delivery round
    open_database: OpenDatabase = Database.open
    render_chart: ChartRenderer = render_portfolio_chart  # the /chart and summary pictures
    rate_limiter: ChatRateLimiter | None = None  # None: one on `clocks`


PRODUCTION: Final = Wiring()


@contextlib.asynccontextmanager
async def open_services(
    settings: Settings,
    bot: Bot,
    database: Database,
    *,
    wiring: Wiring = PRODUCTION,
    congested: Callable[[int], bool] = lambda chat_id: False,
) -> AsyncIterator[Services]:
    """Build the services the bot's handlers and jobs share; close what they hold on exit.

    What can fail (reading the database) comes before the HTTP session is opened: a failed
    build leaves no session open.
    """
    clocks = wiring.clocks
    store = Store(database, clock=clocks.wall)
    roster = Roster(settings.allowed_chat_ids)
    await roster.load(store)
    last_day = await store.portfolio_before(date.max)  # what had a value before a restart
    timeout = aiohttp.ClientTimeout(
        total=settings.btcturk_timeout_s, connect=min(5.0, settings.btcturk_timeout_s)
    )
    async with aiohttp.ClientSession(timeout=timeout) as session:
        services = _services(settings, bot, store, roster, session, wiring, congested)
        if last_day is not None:
            services.account.portfolio.remember_priced(last_day.values)
        try:
            yield services
        finally:
            if services.pnl is not None:
                await services.pnl.close()  # the chart server's burst in flight


def _services(
    settings: Settings,
    bot: Bot,
    store: Store,
    roster: Roster,
    session: aiohttp.ClientSession,
    wiring: Wiring,
    congested: Callable[[int], bool],
) -> Services:
    """Return the services, each on its clocks and timeouts from `wiring`."""
    clocks, timeouts = wiring.clocks, wiring.timeouts
    account = build_account(settings, session, store, clocks=clocks, timeouts=timeouts)
    client, portfolio, history = account.client, account.portfolio, account.history
    views = ChatViews(store, settings.language, settings.timezone, clocks.wall)
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
            inline_s=timeouts.explain_inline_s,
            timeout_s=timeouts.explain_read_s,
        )
    quiet = QuietPolicy(
        store, settings.quiet_hours, settings.timezone, order_changes=settings.notify_order_changes
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
        send_timeout_s=timeouts.send_s,
        patient_timeout_s=timeouts.patient_send_s,
    )
    moves = MoveWatch(store)
    orders = None
    if account.feed is not None:
        orders = OrderWatch(
            account.feed,
            OrderStore(store.db),
            views,
            roster.chat_ids,
            clock=clocks.wall,
            sleep=clocks.orders_sleep,
            on_queued=deliverer.kick,
        )
    trades = account.trades
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
        account.backfill,
        quote=settings.quote_currency,
        method="fifo" if settings.cost_basis == "fifo" else "average",
        timezone=settings.timezone,
        clock=clocks.wall,
        refused=lambda: client.history_refused,
    )
    draw_chart = functools.partial(chart_png, render=wiring.render_chart)
    values = DailyValues(pnl, clock=clocks.wall)
    return Services(
        settings=settings,
        session=session,
        account=account,
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
            orders=orders,
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
            draw_chart=draw_chart,
            values=values,
        ),
        deliverer=deliverer,
        quiet=quiet,
        views=views,
        roster=roster,
        draw_chart=draw_chart,
        pnl=pnl,
        check_again=CheckAgain(
            account,
            monotonic=clocks.auth,
            feed_answer_s=timeouts.check_again_feed_s,
        ),
        exports=ExportWaits(store),
        exchange=ExchangeWatch(client, store, views, roster.chat_ids, clocks.wall),
        key_check=StartupCheck(client, roster.chat_ids),
        values=values,
        orders=orders,
    )
