"""One BTCTurk account as the bot reads it: its client, balances, live feed, history and the
history rows kept of it, reachable as one bundle.

Handlers and jobs reach the exchange as `services.account`; the services built on it (the
poll, the summaries, P&L, Check again) are handed its parts by `open_services()`. A second
account would be a second `Account` (its own key, client, feed, history and rows), not a new
parameter on every function. The bot reads one account: its stored rows (the history cache,
the backfill's progress, the told-once notices) are not yet kept apart per account.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

from balance_bot.btcturk.client import BtcTurkClient
from balance_bot.core.settings import Settings
from balance_bot.services.backfill import Backfill
from balance_bot.services.clocks import Clocks, Timeouts
from balance_bot.services.feed import FeedWatch
from balance_bot.services.history import HistoryAccess
from balance_bot.services.portfolio import PortfolioService
from balance_bot.services.told import ToldOnce
from balance_bot.store.store import Store
from balance_bot.store.trades import TradeStore

BALANCE_CACHE_S = 5.0


@dataclass(frozen=True, slots=True)
class Account:
    """One exchange account: everything the bot asks BTCTurk about it, and what it keeps."""

    client: BtcTurkClient  # signed requests: the key's pauses and permission latches
    portfolio: PortfolioService  # balances and prices: one shared request, a short cache
    history: HistoryAccess  # history windows, and the once-told refusal of its permission
    trades: TradeStore  # the history rows kept of it
    backfill: Backfill  # reads the whole history into `trades`, then keeps it current
    feed: FeedWatch | None  # the private live feed, unless WEBSOCKET=off


def build_account(
    settings: Settings,
    session: aiohttp.ClientSession,
    store: Store,
    *,
    clocks: Clocks,
    timeouts: Timeouts,
) -> Account:
    """Return the account of the settings' API key, on `session`, each part on its clocks."""
    client = BtcTurkClient(
        session,
        base_url=settings.btcturk_api_url,
        api_key=settings.btcturk_api_key,
        api_secret=settings.btcturk_api_secret,
        timeout=session.timeout,
        key_retry_s=settings.key_retry_s,
        sleep=clocks.backoff,
        random=clocks.jitter,
        time_source=clocks.exchange_time,
        monotonic=clocks.budget,
        stopwatch=clocks.stopwatch,
        auth_clock=clocks.auth,
    )
    portfolio = PortfolioService(
        client,
        settings.quote_currency,
        max_age_s=BALANCE_CACHE_S,
        monotonic=clocks.cache,
        wall_clock=clocks.wall,
    )
    feed = None
    if settings.websocket:
        feed = FeedWatch(
            session,
            client,
            settings.btcturk_ws_url,
            settings.btcturk_api_key,
            settings.btcturk_api_secret,
            refusal_told=ToldOnce(store, "feed_refused"),
            safety_poll_s=settings.feed_poll_interval_s,
            time_source=clocks.exchange_time,
            monotonic=clocks.feed,
            sleep=clocks.feed_sleep,
            random=clocks.jitter,
            wake_clock=clocks.wake,
            wake_sleep=clocks.wake_sleep,
            connect_timeout_s=timeouts.feed_connect_s,
            login_timeout_s=timeouts.feed_login_s,
            silence_s=timeouts.feed_silence_s,
        )
    trades = TradeStore(store.db)
    backfill = Backfill(
        client,
        trades,
        clocks.wall,
        sleep=clocks.backfill_sleep,
        pace_s=settings.history_backfill_pace_s,
    )
    return Account(
        client=client,
        portfolio=portfolio,
        history=HistoryAccess(client, store),
        trades=trades,
        backfill=backfill,
        feed=feed,
    )
