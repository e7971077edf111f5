"""Build the Telegram Application: handlers, guard, services and their life cycle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from telegram import Bot, LinkPreviewOptions, Update
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

from config import Settings
from core.alert_commands import ALERT_BUTTON_PREFIX
from handlers import alerts, callbacks, commands
from handlers import settings as chat_settings
from handlers.access import AccessGuard, install_guard
from handlers.backlog import ChatBacklog
from handlers.chart import chart
from handlers.context import CONTEXT_TYPES
from handlers.edits import install_edit_stop
from handlers.errors import on_error, on_polling_error
from handlers.export import export
from handlers.history import history
from handlers.jobs import schedule_jobs, stop_jobs
from handlers.migration import chat_migrated
from handlers.pnl import pnl
from services.context import Services
from services.menus import publish_menus
from services.rate_limit import ChatRateLimiter
from services.roster import Roster
from services.telegram_request import AiohttpRequest
from services.updates_health import UpdatesHealth
from services.updates_request import UpdatesRequest
from services.wiring import BALANCE_CACHE_S, SYSTEM_CLOCKS, Clocks, build_services
from store.database import Database, StoreError

__all__ = ["BALANCE_CACHE_S", "Clocks", "build_application", "open_database", "running"]

log = logging.getLogger(__name__)

# python-telegram-bot's documented switch: durations such as RetryAfter.retry_after come as
# timedelta (the coming behaviour) instead of deprecated int seconds.
os.environ.setdefault("PTB_TIMEDELTA", "1")

DATABASE_NAME = "bot.sqlite3"
_MENUS = "menus"  # bot_data: the task publishing the command menus
TELEGRAM_CONNECTIONS = 32
TELEGRAM_READ_TIMEOUT_S = 20.0  # a slow answer is waited for rather than sent again


@contextlib.asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Start services, handlers and polling; on exit stop them all in reverse order, also
    after a failed start (every HTTP session is closed)."""
    assert application.post_init is not None
    assert application.post_shutdown is not None
    async with application:  # initialize() and shutdown()
        try:
            await application.post_init(application)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                allowed_updates=Update.ALL_TYPES, error_callback=on_polling_error
            )
            yield application
        finally:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            await stop_menus(application)
            await stop_jobs(application)
            services = application.bot_data.services
            if services is not None:
                services.portfolio.cancel()  # a hung exchange request must not hold up the stop
                services.deliverer.stop()  # what is not sent yet stays in the outbox
            if isinstance(application.bot.rate_limiter, ChatRateLimiter):
                application.bot.rate_limiter.close()  # replies still waiting their turn
            if application.running:
                await application.stop()
            if services is not None:
                await _keep_values_seen(services)
            await application.post_shutdown(application)


async def _keep_values_seen(services: Services) -> None:
    """Store the values move alerts compare with that are not stored yet."""
    try:
        await services.moves.flush()
    except StoreError as error:
        log.error("the last values seen for move alerts could not be stored: %s", error)


def start_menus(application: Application, default_language: str) -> None:  # type: ignore[type-arg]
    """Publish the command menus in the background: cosmetic, never on the start-up path."""
    task = asyncio.get_running_loop().create_task(
        publish_menus(application.bot, default_language), name="menus"
    )
    application.bot_data[_MENUS] = task


async def stop_menus(application: Application) -> None:  # type: ignore[type-arg]
    """Stop publishing the menus, if it still goes on."""
    task = application.bot_data.pop(_MENUS, None)
    if isinstance(task, asyncio.Task):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def open_database(settings: Settings) -> Database:
    """Open (or create) the bot's database; StoreError names the file when it cannot."""
    return await Database.open(settings.data_dir / DATABASE_NAME)


def telegram_rate_limiter() -> ChatRateLimiter:
    """Keep Telegram's limits (29 a second at an even pace, 20 a minute per group) per chat."""
    return ChatRateLimiter()


async def ask_to_slow_down(application: Application, chat_id: int) -> None:  # type: ignore[type-arg]
    """Tell a chat that floods the bot with commands that the excess was skipped."""
    services = application.bot_data.services
    if services is None:
        return
    view = await services.views.view(chat_id)
    try:
        await application.bot.send_message(chat_id, view.t("backlog.slow_down"))
    except TelegramError as error:
        log.warning("could not ask chat %d to slow down: %s", chat_id, error)


def build_application(
    settings: Settings,
    *,
    clocks: Clocks = SYSTEM_CLOCKS,
    database: Database | None = None,
    jobs: bool = True,
    rate_limiter: ChatRateLimiter | None = None,
) -> Application:  # type: ignore[type-arg]
    """Return the bot, ready for `initialize()`; its services are built in post_init.

    `jobs=False` leaves the scheduled jobs off, for a caller that runs each round itself.
    """
    roster = Roster(settings.allowed_chat_ids)
    limiter = rate_limiter or telegram_rate_limiter()

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        services = await build_services(
            settings,
            application.bot,
            database or await open_database(settings),
            roster,
            clocks=clocks,
            congested=limiter.congested,
        )
        application.bot_data.services = services
        if jobs:
            schedule_jobs(application, settings.poll_interval_s)
        start_menus(application, settings.language)

    async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
        services = application.bot_data.services
        if services is not None:
            if services.pnl is not None:
                await services.pnl.close()
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
        monotonic=clocks.guard,
        migrated_chat_ids=roster.migrated,
        allowed_user_ids=settings.allowed_user_ids,
        group_members=settings.group_members,
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
                AiohttpRequest(connection_pool_size=1),
                UpdatesHealth(settings.data_dir, clocks.wall),
                sleep=clocks.token_retry,
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
        .context_types(CONTEXT_TYPES)
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
    application.add_handler(CommandHandler("history", history))
    application.add_handler(CommandHandler("pnl", pnl))
    application.add_handler(CommandHandler("export", export))
    application.add_handler(CommandHandler("status", commands.status))
    application.add_handler(CommandHandler("alert", alerts.set_alert))
    application.add_handler(CommandHandler("alerts", alerts.list_alerts))
    application.add_handler(CommandHandler("unalert", alerts.remove_alert))
    application.add_handler(CommandHandler("settings", chat_settings.show_settings))
    application.add_handler(CommandHandler("lang", chat_settings.set_language))
    application.add_handler(CommandHandler("mute", chat_settings.mute))
    application.add_handler(CommandHandler("unmute", chat_settings.unmute))
    application.add_handler(CommandHandler("notify", chat_settings.notify))
    application.add_handler(CommandHandler("quiet", chat_settings.quiet))
    application.add_handler(CommandHandler("chart_in_summary", chat_settings.chart_in_summary))
    application.add_handler(
        CallbackQueryHandler(callbacks.refresh_balance, pattern=f"^{commands.REFRESH_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(callbacks.set_alert_from_button, pattern=f"^{ALERT_BUTTON_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(callbacks.check_again, pattern=f"^{commands.CHECK_AGAIN}$")
    )
    # In groups other bots may own a command: only private chats hear "I don't know that one".
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.COMMAND | filters.TEXT), commands.unknown
        )
    )
    application.add_error_handler(on_error)
    return application
