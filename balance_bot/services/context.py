"""The long-lived objects handlers and jobs share, reached as `context.services`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp

from balance_bot.core.settings import Settings
from balance_bot.services.account import Account
from balance_bot.services.charts import DrawChart
from balance_bot.services.chats import ChatViews
from balance_bot.services.delivery import Deliverer
from balance_bot.services.exchange_watch import ExchangeWatch
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
from balance_bot.store.store import Store


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a handler may need beyond the update itself."""

    settings: Settings
    session: aiohttp.ClientSession  # the exchange's, the feed's, the chart server's: open_services
    account: Account  # the BTCTurk account: client, balances, live feed, history, rows kept
    clock: Callable[[], datetime]
    store: Store
    monitor: Monitor
    moves: MoveWatch  # the values move alerts compare with, shared by the poll and /alert
    summaries: Summaries
    deliverer: Deliverer
    quiet: QuietPolicy  # until when a chat's messages wait (the deliverer's own policy)
    views: ChatViews
    roster: Roster
    draw_chart: DrawChart  # the portfolio chart's PNG, drawn off the event loop
    pnl: ProfitAndLoss | None = None  # profit and loss from the history cache
    check_again: CheckAgain | None = None  # /status's "Check again": what BTCTurk refused
    exports: ExportWaits | None = None  # /export asked while the history was loading
    exchange: ExchangeWatch | None = None  # BTCTurk's status: coins closed, pairs halted
    key_check: StartupCheck | None = None  # after start-up and daily: chats, clock, Trade
    values: DailyValues | None = None  # the daily values from the first day, from the history
    orders: OrderWatch | None = None  # the orders the live feed tells of (None: feed off)
