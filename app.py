"""Build the Telegram Application: handlers, guard, services and their life cycle."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime

import aiohttp
from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)

from btcturk.client import BtcTurkClient
from config import Settings
from core.commands import COMMANDS
from core.i18n import LANGUAGES, get_lang
from handlers import alerts, callbacks, commands
from handlers import settings as chat_settings
from handlers.access import AccessGuard, install_guard
from handlers.backlog import ChatBacklog
from handlers.chart import chart
from handlers.edits import install_edit_stop
from handlers.errors import on_error, on_polling_error
from handlers.jobs import schedule_jobs, stop_jobs
from handlers.migration import chat_migrated
from services.chats import ChatViews
from services.context import Services, attach
from services.delivery import Deliverer
from services.monitor import Monitor
from services.portfolio import PortfolioService
from services.quiet import QuietPolicy
from services.rate_limit import ChatRateLimiter
from services.roster import Roster
from services.summaries import Summaries
from services.telegram_request import AiohttpRequest
from services.updates_health import UpdatesHealth
from services.updates_request import UpdatesRequest
from store.database import Database
from store.store import Store

log = logging.getLogger(__name__)

# python-telegram-bot's documented switch: durations such as RetryAfter.retry_after come as
# timedelta (the coming behaviour) instead of deprecated int seconds.
os.environ.setdefault("PTB_TIMEDELTA", "1")

BALANCE_CACHE_S = 5.0
DATABASE_NAME = "bot.sqlite3"
TELEGRAM_CONNECTIONS = 32
TELEGRAM_READ_TIMEOUT_S = 20.0  # a slow answer is waited for rather than sent again


def utc_now() -> datetime:
    """Return the current time, time-zone aware."""
    return datetime.now(UTC)


@contextlib.asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Start services, handlers and polling; on exit stop them all in reverse order."""
    assert application.post_init is not None
    assert application.post_shutdown is not None
    async with application:  # initialize() and shutdown()
        await application.post_init(application)
        try:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, error_callback=on_polling_error
            )
            yield application
        finally:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await stop_jobs(application)
            services = application.bot_data.get("services")
            if isinstance(services, Services):
                services.portfolio.cancel()  # a hung exchange request must not hold up the stop
                services.deliverer.stop()  # what is not sent yet stays in the outbox
            if isinstance(application.bot.rate_limiter, ChatRateLimiter):
                application.bot.rate_limiter.close()  # replies still waiting their turn
            if application.running:
                await application.stop()
            await application.post_shutdown(application)


async def register_commands(bot: Bot, default_language: str) -> None:
    """Publish the command menu in every language, the default one for everyone else."""
    for code in (None, *LANGUAGES):
        lang = get_lang(code or default_language)
        menu = [BotCommand(c.name, c.description(lang)) for c in COMMANDS]
        await bot.set_my_commands(menu, language_code=code)


async def open_database(settings: Settings) -> Database:
    """Open (or create) the bot's database; StoreError names the file when it cannot."""
    return await Database.open(settings.data_dir / DATABASE_NAME)


def telegram_rate_limiter() -> ChatRateLimiter:
    """Keep Telegram's limits (29 a second at an even pace, 20 a minute per group) per chat."""
    return ChatRateLimiter()


async def ask_to_slow_down(application: Application, chat_id: int) -> None:  # type: ignore[type-arg]
    """Tell a chat that floods the bot with commands that the excess was skipped."""
    services = application.bot_data.get("services")
    if not isinstance(services, Services):
        return
    view = await services.views.view(chat_id)
    try:
        await application.bot.send_message(chat_id, view.t("backlog.slow_down"))
    except TelegramError as error:
        log.warning("could not ask chat %d to slow down: %s", chat_id, error)


def build_application(
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utc_now,
    database: Database | None = None,
) -> Application:  # type: ignore[type-arg]
    """Return the bot, ready for `initialize()`; services start in post_init."""
    roster = Roster(settings.allowed_chat_ids)
    limiter = telegram_rate_limiter()

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        nonlocal database
        database = database or await open_database(settings)
        store = Store(database, clock=clock)
        await roster.load(store)
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
        )
        portfolio = PortfolioService(
            client, settings.quote_currency, max_age_s=BALANCE_CACHE_S, wall_clock=clock
        )
        last_day = await store.portfolio_before(date.max)  # what had a value before a restart
        if last_day is not None:
            portfolio.remember_priced(last_day.values)
        views = ChatViews(store, settings.language, settings.timezone, clock)
        quiet = QuietPolicy(store, settings.quiet_hours, settings.timezone)
        services = Services(
            settings=settings,
            session=session,
            client=client,
            portfolio=portfolio,
            clock=clock,
            store=store,
            monitor=Monitor(settings, portfolio, store, views, clock, roster),
            summaries=Summaries(settings, portfolio, store, views, clock, roster),
            deliverer=Deliverer(
                store,
                application.bot,
                clock,
                quiet,
                views,
                congested=limiter.congested,
                migrate=roster.migrate,
            ),
            views=views,
            roster=roster,
        )
        attach(application, services)
        schedule_jobs(application, settings.poll_interval_s)
        assert application.job_queue is not None
        # The command menu is cosmetic: publish it once running, off the start-up path.
        application.job_queue.run_once(
            lambda _: register_commands(application.bot, settings.language), when=0.1
        )

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        services = application.bot_data.get("services")
        if isinstance(services, Services):
            await services.session.close()
            await services.store.db.close()

    telegram_request = AiohttpRequest(
        connection_pool_size=TELEGRAM_CONNECTIONS, read_timeout=TELEGRAM_READ_TIMEOUT_S
    )
    # Refusals leave through a bot of their own, beside the rate limiter, on the same connections.
    refusal_bot = Bot(
        settings.telegram_bot_token,
        base_url=settings.telegram_base_url,
        request=telegram_request,
        get_updates_request=telegram_request,
    )
    guard = AccessGuard(
        settings.allowed_chat_ids,
        default_language=settings.language,
        refusal_bot=refusal_bot,
        migrated_chat_ids=roster.migrated,
    )
    backlog = ChatBacklog(
        guard.is_allowed,
        lambda chat_id: ask_to_slow_down(application, chat_id),
        congested=limiter.congested,
    )
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .request(telegram_request)
        .get_updates_request(
            UpdatesRequest(
                AiohttpRequest(connection_pool_size=1), UpdatesHealth(settings.data_dir, clock)
            )
        )
        .base_url(settings.telegram_base_url)
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .defaults(
            Defaults(
                parse_mode="HTML",
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                tzinfo=settings.timezone,
            )
        )
        .rate_limiter(limiter)
        .concurrent_updates(backlog)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    install_guard(application, guard)
    install_edit_stop(application)
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated))
    application.add_handler(CommandHandler("start", commands.start))
    application.add_handler(CommandHandler("help", commands.help_command))
    application.add_handler(CommandHandler("balance", commands.balance))
    application.add_handler(CommandHandler("summary", commands.summary))
    application.add_handler(CommandHandler("chart", chart))
    application.add_handler(CommandHandler("status", commands.status))
    application.add_handler(CommandHandler("alert", alerts.set_alert))
    application.add_handler(CommandHandler("alerts", alerts.list_alerts))
    application.add_handler(CommandHandler("unalert", alerts.remove_alert))
    application.add_handler(CommandHandler("settings", chat_settings.show_settings))
    application.add_handler(CommandHandler("lang", chat_settings.set_language))
    application.add_handler(CommandHandler("mute", chat_settings.mute))
    application.add_handler(CommandHandler("unmute", chat_settings.unmute))
    application.add_handler(
        CallbackQueryHandler(callbacks.refresh_balance, pattern=f"^{commands.REFRESH_PREFIX}")
    )
    # In groups other bots may own a command: only private chats hear "I don't know that one".
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.COMMAND | filters.TEXT), commands.unknown
        )
    )
    application.add_error_handler(on_error)
    return application
