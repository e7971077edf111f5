"""The last line of defence: log the failure, then tell the chat something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import ContextTypes

from core.messages import internal_error_message
from services.context import Services

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an exception raised by a handler or job and apologise to the chat."""
    error = context.error
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        log.warning("Telegram network error: %s", error)  # passing: no traceback needed
    else:
        log.error("unhandled error", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    allowed = context.application.bot_data.get("services")
    if not isinstance(allowed, Services) or not allowed.roster.serves(update.effective_chat.id):
        return
    view = await allowed.views.view(update.effective_chat.id)
    try:
        await context.bot.send_message(update.effective_chat.id, internal_error_message(view.lang))
    except TelegramError as send_error:
        log.warning("could not report the error to the chat: %s", send_error)


def on_polling_error(error: TelegramError) -> None:
    """Log a failed getUpdates as one warning line; the updater retries by itself."""
    log.warning("polling Telegram failed, retrying: %s", error)
