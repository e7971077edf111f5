"""What a service's unit test builds it from: settings, a Store on disk, a stub exchange."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import cast

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.btcturk.errors import BtcTurkError
from balance_bot.btcturk.models import Balance, Ticker
from balance_bot.config import Settings, load_settings
from balance_bot.fakes.environment import demo_credentials
from balance_bot.services.chats import ChatViews
from balance_bot.services.portfolio import PortfolioService
from balance_bot.store.database import Database
from balance_bot.store.store import Store
from tests.kit.account import documented_balances, documented_tickers
from tests.kit.clocks import ManualMonotonic
from tests.kit.env import ALLOWED_CHAT, ALLOWED_GROUP


def unit_settings(data_dir: Path, **overrides: str) -> Settings:
    """Return the settings of a bot for both allowed chats, in English; no URL is contacted."""
    env = demo_credentials((ALLOWED_CHAT, ALLOWED_GROUP)) | {
        "DATA_DIR": str(data_dir),
        "LANGUAGE": "en",
    }
    return load_settings(env | overrides)


@contextlib.asynccontextmanager
async def open_store(data_dir: Path, clock: Callable[[], datetime]) -> AsyncIterator[Store]:
    """Open the bot's database in `data_dir` and close it afterwards."""
    db = await Database.open(data_dir / "bot.sqlite3")
    try:
        yield Store(db, clock=clock)
    finally:
        await db.close()


def chat_views(store: Store, settings: Settings, clock: Callable[[], datetime]) -> ChatViews:
    """Return the chats' views as the bot builds them."""
    return ChatViews(store, settings.language, settings.timezone, clock)


class StubExchange:
    """Stand in for BtcTurkClient: the documented account, or the error the test sets."""

    def __init__(self) -> None:
        self.balances: list[Balance] = documented_balances()
        self.tickers: list[Ticker] = documented_tickers()
        self.error: BtcTurkError | None = None
        self.reads = 0

    async def get_balances(self) -> list[Balance]:
        """Return the balances, or raise the error set."""
        self.reads += 1
        if self.error is not None:
            raise self.error
        return list(self.balances)

    async def get_tickers(self) -> list[Ticker]:
        """Return the prices, or raise the error set."""
        if self.error is not None:
            raise self.error
        return list(self.tickers)

    def set_total(self, asset: str, total: str) -> None:
        """Change one asset's total, as a deposit or a withdrawal would (nothing locked)."""
        amount = Decimal(total)
        self.balances = [
            b._replace(balance=amount, free=amount, locked=Decimal(0)) if b.asset == asset else b
            for b in self.balances
        ]

    def portfolio(self, clock: Callable[[], datetime]) -> PortfolioService:
        """Return the portfolio service over this exchange; a fresh read asks it every time."""
        client = cast(BtcTurkClient, self)
        cache_clock = ManualMonotonic(tick=0.001)  # two readings never equal, as in production
        return PortfolioService(client, "TRY", monotonic=cache_clock, wall_clock=clock)
