"""Build the Telegram Application: its way to Telegram, its guard and handlers, its services.

`telegram_link()` builds the bot's Telegram side (opening nothing), `build_application()` the
Application with the services handed in, and `serving()` starts its jobs and polling and stops
them in reverse. `open_bot()` (lifecycle.py) calls them in turn, between the database and the
services it opens and closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

from telegram import Bot, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    ExtBot,
    MessageHandler,
    Updater,
    filters,
)

from balance_bot.config import Settings
from balance_bot.core.alert_commands import ALERT_BUTTON_PREFIX
from balance_bot.core.refresh_button import REFRESH_PREFIX
from balance_bot.handlers import callbacks, commands
from balance_bot.handlers.answers import CHECK_AGAIN
from balance_bot.handlers.command_table import CHANGING, LISTED, SHOWN_ALONE, add_commands
from balance_bot.handlers.context import CONTEXT_TYPES
from balance_bot.handlers.edits import install_edit_stop
from balance_bot.handlers.errors import on_error, on_polling_error
from balance_bot.handlers.jobs import running_jobs
from balance_bot.handlers.migration import chat_migrated
from balance_bot.services.clocks import Clocks
from balance_bot.services.context import Services
from balance_bot.services.menus import publish_menus
from balance_bot.services.wiring import BALANCE_CACHE_S, Wiring
from balance_bot.store.database import StoreError
from balance_bot.telegram_io.access import AccessGuard, install_guard
from balance_bot.telegram_io.backlog import ChatBacklog
from balance_bot.telegram_io.rate_limit import ChatRateLimiter
from balance_bot.telegram_io.request import AiohttpRequest
from balance_bot.telegram_io.updates_health import UpdatesHealth
from balance_bot.telegram_io.updates_request import UpdatesRequest

__all__ = ["BALANCE_CACHE_S", "TelegramLink", "build_application", "serving", "telegram_link"]

log = logging.getLogger(__name__)

# python-telegram-bot's documented switch: durations such as RetryAfter.retry_after come as
# timedelta (the coming behaviour) instead of deprecated int seconds.
os.environ.setdefault("PTB_TIMEDELTA", "1")

TELEGRAM_CONNECTIONS = 32


@dataclass(frozen=True, slots=True)
class TelegramLink:
    """The bot's way to Telegram; its sessions open at `initialize()`, close at `shutdown()`."""

    bot: ExtBot[int]  # replies and notifications, paced by `limiter`
    refusal_bot: Bot  # refusals to strangers: beside the rate limiter, on the same connections
    limiter: ChatRateLimiter


def telegram_link(settings: Settings, wiring: Wiring) -> TelegramLink:
    """Return the bot's Telegram side, on the wiring's clocks and timeouts (nothing opened)."""
    clocks = wiring.clocks
    request = AiohttpRequest(
        connection_pool_size=TELEGRAM_CONNECTIONS, read_timeout=wiring.timeouts.telegram_read_s
    )
    limiter = wiring.rate_limiter or ChatRateLimiter(
        monotonic=clocks.telegram_pace, sleep=clocks.telegram_sleep
    )
    bot: ExtBot[int] = ExtBot(
        settings.telegram_bot_token,
        base_url=settings.telegram_base_url,
        base_file_url=f"{settings.telegram_api_url}/file/bot",
        request=request,
        get_updates_request=UpdatesRequest(
            AiohttpRequest(connection_pool_size=1),
            UpdatesHealth(settings.data_dir, clocks.wall),
            sleep=clocks.token_retry,
        ),
        defaults=Defaults(
            parse_mode="HTML",
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            tzinfo=settings.timezone,
        ),
        rate_limiter=limiter,
    )
    refusal_bot = Bot(
        settings.telegram_bot_token,
        base_url=settings.telegram_base_url,
        request=request,
        get_updates_request=request,
    )
    return TelegramLink(bot, refusal_bot, limiter)


@contextlib.asynccontextmanager
async def serving(
    application: Application,  # type: ignore[type-arg]
    services: Services,
    *,
    clocks: Clocks,
    jobs: bool = True,
) -> AsyncIterator[None]:
    """Start the Application, its jobs (unless `jobs` is False), the menus and polling; on
    exit stop them in reverse, after a failed start too, and keep what must be kept.

    A hung exchange request, a read of the chart server or a reply waiting its turn must not
    hold up the stop: they are abandoned before the Application waits for its handlers.
    """
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(_keep_values_seen, services)
        await services.quiet.reconsider_all(services.clock())  # QUIET_HOURS may have changed
        await application.start()
        stack.push_async_callback(_stop_application, application)
        stack.callback(services.deliverer.stop)  # what is not sent yet stays in the outbox
        stack.callback(services.account.portfolio.cancel)
        if services.pnl is not None:  # a command waiting for the chart server: not the stop
            stack.push_async_callback(services.pnl.close)
        if jobs:
            interval_s = services.settings.poll_interval_s
            await stack.enter_async_context(running_jobs(application, interval_s, clocks=clocks))
        await stack.enter_async_context(_menus(application.bot, services, clocks))
        assert application.updater is not None
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, error_callback=on_polling_error
        )
        stack.push_async_callback(_stop_polling, application.updater)
        yield


async def _stop_polling(updater: Updater) -> None:
    """Stop asking Telegram for updates, if the Updater still does."""
    if updater.running:
        await updater.stop()


async def _stop_application(application: Application) -> None:  # type: ignore[type-arg]
    """Refuse the replies still waiting their turn, then stop the Application."""
    if isinstance(application.bot.rate_limiter, ChatRateLimiter):
        application.bot.rate_limiter.close()
    if application.running:
        await application.stop()


async def _keep_values_seen(services: Services) -> None:
    """Store the values move alerts compare with that are not stored yet."""
    try:
        await services.moves.flush()
    except StoreError as error:
        log.error("the last values seen for move alerts could not be stored: %s", error)


@contextlib.asynccontextmanager
async def _menus(bot: Bot, services: Services, clocks: Clocks) -> AsyncIterator[None]:
    """Publish the command menus in the background: cosmetic, never on the start-up path."""
    task = asyncio.get_running_loop().create_task(
        publish_menus(bot, services.settings.language, LISTED, sleep=clocks.menu_retry),
        name="menus",
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def ask_to_slow_down(bot: Bot, services: Services, chat_id: int) -> None:
    """Tell a chat that floods the bot with commands that the excess was skipped."""
    view = await services.views.view(chat_id)
    try:
        await bot.send_message(chat_id, view.t("backlog.slow_down"))
    except TelegramError as error:
        log.warning("could not ask chat %d to slow down: %s", chat_id, error)


def build_application(
    settings: Settings, telegram: TelegramLink, services: Services, *, clocks: Clocks
) -> Application:  # type: ignore[type-arg]
    """Return the bot on `telegram`, with `services` handed in, ready for `initialize()`."""
    roster = services.roster
    guard = AccessGuard(
        settings.allowed_chat_ids,
        default_language=settings.language,
        refusal_bot=telegram.refusal_bot,
        monotonic=clocks.guard,
        migrated_chat_ids=roster.migrated,
        allowed_user_ids=settings.allowed_user_ids,
        group_members=settings.group_members,
        changing=CHANGING,
        shown_alone=SHOWN_ALONE,
    )
    backlog = ChatBacklog(
        guard.is_allowed,
        lambda chat_id: ask_to_slow_down(telegram.bot, services, chat_id),
        congested=telegram.limiter.congested,
    )
    application = (
        ApplicationBuilder()
        .bot(telegram.bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(backlog)
        .build()
    )
    application.bot_data.services = services
    install_guard(application, guard)
    install_edit_stop(application)
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated))
    add_commands(application)
    application.add_handler(
        CallbackQueryHandler(callbacks.refresh_balance, pattern=f"^{REFRESH_PREFIX}")
    )
    application.add_handler(
        CallbackQueryHandler(callbacks.set_alert_from_button, pattern=f"^{ALERT_BUTTON_PREFIX}")
    )
    application.add_handler(CallbackQueryHandler(callbacks.check_again, pattern=f"^{CHECK_AGAIN}$"))
    # In groups other bots may own a command: only private chats hear "I don't know that one".
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.COMMAND | filters.TEXT), commands.unknown
        )
    )
    application.add_error_handler(on_error)
    return application
