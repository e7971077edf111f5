"""The last line of defence: log the failure, then tell the chat something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError

from balance_bot.core.texts.errors import internal_error_message
from balance_bot.handlers.context import BotContext
from balance_bot.store.database import StoreError

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log an exception raised by a handler or job and apologise to the chat (unless it is
    rate limited: Telegram answered 429 even after the rate limiter's retries)."""
    error = context.error
    if isinstance(error, InvalidToken):  # polling says so once per try; the job runs again
        log.debug("Telegram refused the bot token: %s", error)
    elif isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning("Telegram network error: %s", error)  # passing: no traceback needed
    elif isinstance(error, StoreError):
        _log_storage_error(error, context)
    else:
        log.error("unhandled error", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, RetryAfter):  # the chat is rate limited: an apology would queue too
        return
    allowed = context.bot_data.services
    if allowed is None or not allowed.roster.serves(update.effective_chat.id):
        return
    view = await allowed.views.view(update.effective_chat.id)
    try:
        text = (
            view.t("error.storage")
            if isinstance(error, StoreError)
            else internal_error_message(view.lang)
        )
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as send_error:
        log.warning("could not report the error to the chat: %s", send_error)


def on_polling_error(error: TelegramError) -> None:
    """Log a failed getUpdates as one warning line; the updater retries by itself."""
    log.warning("polling Telegram failed, retrying: %s", error)


def _log_storage_error(error: StoreError, context: BotContext) -> None:
    """Log a storage error as an error the first time, then quietly: jobs repeat it each run."""
    key = "last_storage_error"
    if context.application.bot_data.get(key) == str(error):
        log.debug("storage error again: %s", error)
        return
    context.application.bot_data[key] = str(error)
    log.error("storage error: %s", error)
