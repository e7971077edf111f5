"""The long-lived objects handlers and jobs share, reached as `context.services`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp

from core.settings import Settings
from services.account import Account
from services.charts import DrawChart
from services.chats import ChatViews
from services.delivery import Deliverer
from services.export_waits import ExportWaits
from services.monitor import Monitor
from services.moves import MoveWatch
from services.pnl import ProfitAndLoss
from services.recheck import CheckAgain
from services.roster import Roster
from services.summaries import Summaries
from store.store import Store


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
    views: ChatViews
    roster: Roster
    draw_chart: DrawChart  # the portfolio chart's PNG, drawn off the event loop
    pnl: ProfitAndLoss | None = None  # profit and loss from the history cache
    check_again: CheckAgain | None = None  # /status's "Check again": what BTCTurk refused
    exports: ExportWaits | None = None  # /export asked while the history was loading
