"""The long-lived objects handlers and jobs share, kept in the Application's bot_data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from telegram.ext import Application, CallbackContext

from btcturk.client import BtcTurkClient
from core.settings import Settings
from services.chats import ChatViews
from services.delivery import Deliverer
from services.monitor import Monitor
from services.portfolio import PortfolioService
from services.roster import Roster
from services.summaries import Summaries
from store.store import Store

_KEY = "services"


@dataclass(slots=True)
class Services:
    """Everything a handler may need beyond the update itself."""

    settings: Settings
    session: aiohttp.ClientSession
    client: BtcTurkClient
    portfolio: PortfolioService
    clock: Callable[[], datetime]
    store: Store
    monitor: Monitor
    summaries: Summaries
    deliverer: Deliverer
    views: ChatViews
    roster: Roster


def attach(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Make `services` reachable from every handler and job of `application`."""
    application.bot_data[_KEY] = services


def get_services(context: CallbackContext) -> Services:  # type: ignore[type-arg]
    """Return the Services attached to the running application."""
    services = context.application.bot_data.get(_KEY)
    if not isinstance(services, Services):
        raise RuntimeError("services are not attached yet")
    return services
